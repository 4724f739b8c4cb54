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
nothing of the topic. A German question's tags are its nouns, which German
writes with a capital: a word it writes in lower case is a verb or an
adjective ("beantragen", "krank"), no topic a reader looks for. The answer's
words are not read: a term the answer happened to use named topics the
question was not about.

`topic_words` is also what tells a sentence of a reply from one the draft
says already (`kb.authoring.from_request.answer_body`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from kb.authoring.topic_titles import is_german

MAX_TAGS = 5
_WORD = re.compile(r"\w+(?:-\w+)*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


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


def question_tags(
    topic: str, question: str, vocabulary: Sequence[str], names: Iterable[str] = ()
) -> list[str]:
    """At most `MAX_TAGS` tags for a draft on `topic` (the question made a topic,
    `kb.authoring.topic_titles`, without its people and circumstances): the
    vocabulary's terms it uses, then its other topic words in order, spelled as
    the `question` writes them inside a sentence, else in lower case (of a
    German question, only the words it writes with a capital); none of `names`
    (case-folded name parts)."""
    left_out = {n.casefold() for n in names}
    tags = [t for t in vocabulary_tags(topic, vocabulary) if t.casefold() not in left_out]
    said = {w.casefold() for t in tags for w in _WORD.findall(t)}
    written = _written(question)
    in_topic = _written(topic)  # the topic's first word has a capital of its own
    nouns_only = is_german(question.split())
    for word in _WORD.findall(topic):
        key = word.casefold()
        if key in said or not is_topic_word(word, left_out):
            continue
        spelled = written.get(key) or in_topic.get(key, "")
        if nouns_only and spelled[:1].islower():
            continue  # a German verb or adjective: "beantragen", "krank"
        said.add(key)
        tags.append(written.get(key, word if word.isupper() else key))
    return tags[:MAX_TAGS]
