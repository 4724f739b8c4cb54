"""The tags a draft written from a request suggests, and the words that carry a
sentence's topic.

A draft's tags are the topic words of its question, read from the question
made a topic (`kb.authoring.topic_titles`: "How do I connect to the VPN from a
hotel?" → "How to connect to the VPN from a hotel" → vpn, connect, hotel;
"Wie beantrage ich Urlaub?" → Urlaub), in the department's spelling where
its vocabulary (its `keywords` and the tags its articles use) has the word or
a phrase of them ("home office"). Left out are English and German function
and question words ("how", "do", "wie", "ich"), words that only ask or fill
("please", "need", "bitte"), names (the request's people and the names its
question writes) and dates (numbers, months, weekdays, "tomorrow"): they say
nothing of the topic. Nor are the question's verbs, no topic a reader filters
by: the words its grammar makes verbs, the one after its subject in English
("Can I book a desk?": book, and so "Booking" of its title) and the one
before it in German ("Wie melde ich mich krank?": melde, melden), in any of
their forms (the same stem); a person the question names is a subject too
("Can Jonas Weber park …?": park). A German question's tags are its nouns, which
German writes with a capital: a word it writes in lower case is a verb or
an adjective ("beantragen"), no topic a reader looks for; only a German
question without a noun keeps its other words ("krank"). Whether a question
is German is the draft's language, read from the whole request (a question
of two words, "Urlaub beantragen?", shows too little of its own). A term of
the vocabulary holding the stems of two of the question's words is its
topic too, and comes first: "Krankmeldung" for "Wie melde ich mich krank?",
"desk booking" for "Can I book a desk?". The answer's words are not read: a
term the answer happened to use named topics the question was not about.

`topic_words` is also what tells a sentence of a reply from one the draft
says already (`kb.authoring.from_request.answer_body`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from whoosh.lang import stemmer_for_language

from kb.authoring.german_topics import DE_PREPOSITIONS, DE_SUBJECTS
from kb.authoring.topic_titles import EN_SUBJECTS, is_german

MAX_TAGS = 5
_WORD = re.compile(r"\w+(?:-\w+)*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
# A stem shorter than this is no evidence that a vocabulary term holds the word.
_MIN_STEM = 4


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOP = _listed(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can cannot could did do does doing done down
    during each either else ever every few for from further get gets getting got had has
    have having doing being he her here hers him his how however i if in into is it its
    itself just let like may me might more most much must my myself need needs no nor not
    now of off ok okay on once one only or other our ours out over own please possible
    really same shall she should so some still such than thanks thank that the their
    theirs them then there these they this those through to too under until up us use
    used using very want wants was we were what whatever when where whether which while
    who whom whose why will with within without would yes you your yours hi hello hey dear
    anyone someone something anything way ways able allowed
    ab aber alle allem allen aller alles als also am an auch auf aus bei beim bin bis bitte
    brauche brauchen bzw da dafür damit dann darf das dass dem den denn der des dich die dir
    doch dort du durch dürfen ein eine einem einen einer eines er es etwa etwas euch euer
    für gibt gilt geht gehen habe haben hallo hat hatte ich ihm ihn ihnen ihr ihre ihrem
    ihren ihrer im in ins ist ja jemand jetzt kann kein keine keinem keinen können könnte
    man mein meine meinem meinen meiner mich mir mit möchte möchten muss müssen nach nicht
    nichts noch nun nur ob oder ohne sein seine sich sie sind so soll sollen sollte über um
    und uns unser unsere unter viel viele vom von vor war wann warum was weil welche welcher
    welches wem wen wenn wer werde werden wie wieso wir wird wo wohin wollen zu zum zur
    """
)
# Pronouns that are a sentence's subject as "I" is: the word after one is a verb.
_EN_PRONOUNS = _listed("he she they")
# What comes before a name that is the subject of an English question.
_EN_AUXILIARIES = _listed(
    "can could may might must shall should will would do does did is are was were has have had"
)
_DE_ARTICLES = _listed("ein eine einen einem einer der die das den dem des")
_DATES = _listed(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday today tomorrow yesterday tonight week weeks weekend month months
    year years day days morning afternoon evening date next last
    januar februar märz juni juli oktober dezember montag dienstag mittwoch donnerstag
    freitag samstag sonntag heute morgen gestern übermorgen woche wochen wochenende monat
    monate jahr jahre tag tage vormittag nachmittag abend datum nächste nächsten letzte
    """
)


def is_topic_word(word: str, names: Collection[str] = ()) -> bool:
    """Whether `word` may say what a sentence is about: no function word, name or date."""
    key = word.casefold()
    if any(c.isdigit() for c in word) or key in _STOP or key in _DATES or key in names:
        return False
    return len(word) >= 3 or (len(word) >= 2 and word.isupper())  # "IT", "HR"


def topic_words(text: str) -> set[str]:
    """The case-folded topic words of `text`."""
    return {w.casefold() for w in _WORD.findall(text) if is_topic_word(w)}


def vocabulary_tags(text: str, vocabulary: Sequence[str]) -> list[str]:
    """Terms of the department's vocabulary that `text` uses (whole words; a long
    term also as the start of a word: 'parking' in 'parking spaces')."""
    folded = text.casefold()
    found: list[str] = []
    terms: dict[str, str] = {}  # one tag a term, in the spelling given first
    for given in (t.strip() for t in vocabulary if t and t.strip()):
        terms.setdefault(given.casefold(), given)
    for key, term in terms.items():
        pattern = rf"\b{re.escape(key)}" + ("" if len(key) >= 5 else r"\b")
        if re.search(pattern, folded):
            found.append(term)
        if len(found) >= MAX_TAGS:
            break
    return found


def _written(question: str) -> dict[str, str]:
    """How `question` writes its words inside a sentence (German nouns, "VPN"),
    case-folded word → spelling; a sentence's first word tells nothing."""
    spelled: dict[str, str] = {}
    for match in _WORD.finditer(question):
        before = question[: match.start()]
        if before.strip() and not _SENTENCE_END.search(before):
            spelled.setdefault(match.group(0).casefold(), match.group(0))
    return spelled


def _stem(word: str, german: bool) -> str:
    """The stem of `word` in the question's language ("booking" → book,
    "melde" and "melden" → meld)."""
    return str(stemmer_for_language("de" if german else "en")(word.casefold()))


def question_verbs(question: str, german: bool, names: Collection[str] = ()) -> set[str]:
    """The stems of the words the question's grammar makes its verbs: the
    word after an English subject ("Can I book …", "How do we connect …"),
    the word before a German one ("Wie melde ich …", "Wo finde ich …").

    A subject may be a person the question names (`names`, case-folded name
    parts) or a pronoun of the third person: "Can Jonas Weber park …" parks
    as "Can I park …" does. A name is the subject where nothing but an
    auxiliary comes before it in English ("Can Jonas …", "Jonas needs …"; not
    "… for Jonas"), and where a word written in lower case, or the
    question's first, comes before it in German ("Wie beantragt Jonas …",
    not "Laptop für Jonas"): a verb is written so, a noun is not."""
    found = _WORD.findall(question)
    keys = [w.casefold() for w in found]
    named = {n.casefold() for n in names}
    verbs = set()
    for at, word in enumerate(keys):
        if german:
            before = _before_name(keys, at, named) if word in named else at - 1
            subject = word in DE_SUBJECTS or (
                word in named and before >= 0 and _german_verb_at(found, keys, before)
            )
            if subject and before >= 0:
                verbs.add(_stem(keys[before], german))
        elif word in EN_SUBJECTS or word in _EN_PRONOUNS or _english_named_subject(keys, at, named):
            after = _after_name(keys, at, named)
            if after < len(keys):
                verbs.add(_stem(keys[after], german))
    return {v for v in verbs if v not in _STOP}


def _before_name(keys: Sequence[str], at: int, named: Collection[str]) -> int:
    """The position of the word before the name that holds `keys[at]` (-1: none)."""
    at -= 1
    while at >= 0 and keys[at] in named:
        at -= 1
    return at


def _after_name(keys: Sequence[str], at: int, named: Collection[str]) -> int:
    """The position of the word after the name (or pronoun) at `keys[at]`."""
    at += 1
    while at < len(keys) and keys[at] in named:
        at += 1
    return at


def _english_named_subject(keys: Sequence[str], at: int, named: Collection[str]) -> bool:
    """Whether the name part at `keys[at]` ends a name that is the sentence's
    subject: nothing or an auxiliary before the name."""
    if keys[at] not in named or (at + 1 < len(keys) and keys[at + 1] in named):
        return False
    before = _before_name(keys, at, named)
    return before < 0 or keys[before] in _EN_AUXILIARIES


def _german_verb_at(found: Sequence[str], keys: Sequence[str], at: int) -> bool:
    """Whether the word at `at` may be a German question's verb: written in
    lower case or the question's first, and no preposition or article."""
    if keys[at] in DE_PREPOSITIONS or keys[at] in _DE_ARTICLES:
        return False
    return at == 0 or found[at][:1].islower()


def compound_tags(words: Iterable[str], vocabulary: Sequence[str], german: bool) -> list[str]:
    """Terms of the vocabulary that hold the stems of two or more of `words`
    ("Krankmeldung": krank, meld; "desk booking": desk, book), most first."""
    stems = {_stem(w, german) for w in words}
    stems = {s for s in stems if len(s) >= _MIN_STEM}
    held = {}
    for term in dict.fromkeys(t.strip() for t in vocabulary if t and t.strip()):
        count = sum(stem in term.casefold() for stem in stems)
        if count >= 2:
            held[term] = count
    return sorted(held, key=lambda term: -held[term])


def question_tags(
    topic: str,
    question: str,
    vocabulary: Sequence[str],
    names: Iterable[str] = (),
    lang: str = "",
) -> list[str]:
    """At most `MAX_TAGS` tags for a draft on `topic` (the question made a topic,
    `kb.authoring.topic_titles`, without its people and circumstances): the
    vocabulary's terms that hold two of its words or use one, then its other
    topic words in order but its verbs, spelled as the `question` writes them
    inside a sentence, else in lower case (of a German question, only the words
    it writes with a capital where it writes any); none of `names` (case-folded
    name parts). `lang` is the draft's language ("" to read it from the question)."""
    left_out = {n.casefold() for n in names}
    german = lang == "de" if lang else is_german(question.split())
    verbs = question_verbs(question, german, left_out)
    words = [w for w in _WORD.findall(topic) if is_topic_word(w, left_out)]
    found = compound_tags(words, vocabulary, german) + vocabulary_tags(topic, vocabulary)
    tags = [t for t in dict.fromkeys(found) if t.casefold() not in left_out]
    said = {w.casefold() for t in tags for w in _WORD.findall(t)}
    written = _written(question)
    in_topic = _written(topic)  # the topic's first word has a capital of its own
    others: list[str] = []  # a German question's words in lower case
    nouns = False
    for word in words:
        key = word.casefold()
        spelled = written.get(key) or in_topic.get(key, "")
        lowered = german and spelled[:1].islower()  # "beantragen", "krank"
        nouns = nouns or (german and not lowered)
        if key in said or _stem(word, german) in verbs:
            continue
        said.add(key)
        # A German sentence's first word keeps its capital: a noun's or a name's.
        tag = written.get(key, word if word.isupper() or german else key)
        (others if lowered else tags).append(tag)
    return (tags if nouns else tags + others)[:MAX_TAGS]
