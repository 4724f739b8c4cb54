"""The title of a draft made from a request: the question turned into a topic.

A draft's title must read right whatever the answer was. Dropping the
question's first words left an instruction ("Can I bring my dog to the
office?" → "Bring your dog to the office", a title over an answer that says
no) or the question in other words ("Wie beantrage ich Urlaub?" → "Beantrage
ich Urlaub"). The question's shape decides the topic instead, in English and
German, the languages the product speaks:

- a yes/no question about doing something becomes what is done: "Can I
  bring my dog …?" → "Bringing your dog …", "Am I allowed to expense a
  taxi?" → "Expensing a taxi", "Kann ich meinen Hund mitbringen?" → "Ihren
  Hund mitbringen", "Bekomme ich Weihnachtsgeld?" → "Weihnachtsgeld bekommen";
- how, where and when of doing something becomes "How to …", "Where to …",
  "When to …"; what, which, who and why "What you …"; in German the verb
  goes to the end as an infinitive ("Wie beantrage ich Urlaub?" → "Urlaub
  beantragen");
- a question about a thing becomes the thing ("Is there a shuttle bus to
  the site?" → "Shuttle bus to the site", "Gibt es ein Jobticket?" →
  "Jobticket"), a question about someone else's doing an embedded one
  ("Wann öffnet die Kantine?" → "Wann die Kantine öffnet", "When does the
  canteen open?" → "When the canteen opens", "Does the company pay for my
  ticket?" → "Whether the company pays for your ticket"). An English verb
  is told from the nouns before it only where the words show it: after a
  one-word subject ("HR", "the canteen"), ending the question or followed
  by a preposition, an article or a pronoun. Elsewhere ("Does the canteen
  offer vegan food?": "offer" or "vegan"?), where a longer subject may go on
  through the preposition's phrase ("Does the parking permit for visitors
  expire?", "… pay for my train ticket?": "permit" or "expire", "pay" or
  "ticket"?), and after "did", whose past forms differ per verb, the
  question keeps its own words;
- anything else keeps its own words too ("When is the canteen open?" →
  "When is the canteen open", "How many days do I get?" → "How many days
  do you get"): dropping the question words left a fragment ("The canteen
  open").

The asker's pronouns are made general (my → your, mein → Ihr) in every case.
German questions are read by `kb.authoring.german_topics`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from kb.authoring.german_topics import (
    DE_MODALS,
    DE_PREPOSITIONS,
    DE_SUBJECTS,
    DE_WH,
    german_topic,
)
from kb.authoring.topic_words import general, key, without_articles

_GREETINGS = {"please", "hi", "hello", "hey", "bitte", "hallo"}
_EN_WH = {"how", "where", "when", "what", "which", "who", "why"}
_EN_TO = {"how", "where", "when"}  # "How to …"; the others "What you …"
_EN_AUX = {
    "can", "could", "may", "might", "do", "does", "did", "should", "shall", "will", "would",
    "must", "can't", "cannot", "don't", "doesn't", "shouldn't", "won't",
}  # fmt: skip
_EN_BE = {"is", "are", "am", "was", "were", "isn't", "aren't"}
EN_SUBJECTS = {"i", "we", "you", "one"}
_EN_LEAVE = {"allowed", "able", "supposed", "required", "permitted", "expected"}
_EN_IT = {"possible", "allowed", "ok", "okay", "necessary", "permitted", "mandatory", "required"}
_EN_OBLIGED = {"have", "need", "want"}  # "Do I have to wear …" → "Wearing …"
_EN_FILLERS = {"still", "also", "just", "ever", "even", "really", "actually"}
_EN_NEGATED = {
    "can't": "cannot", "cannot": "cannot", "don't": "do not", "doesn't": "do not",
    "shouldn't": "should not", "won't": "will not",
}  # fmt: skip
_EN_OBJECTS = {"me", "us"}  # "get me a bonus": the asker is not the topic
_EN_ARTICLES = {"a", "an", "the", "any", "some"}
_EN_DO = {"do": "", "does": "s", "don't": "do not", "doesn't": "does not"}
_EN_MODALS = {
    "can": "can", "could": "could", "may": "may", "might": "might", "should": "should",
    "shall": "shall", "will": "will", "would": "would", "must": "must", "can't": "cannot",
    "cannot": "cannot", "won't": "will not", "shouldn't": "should not",
}  # fmt: skip
_EN_ASKING = set(_EN_DO) | set(_EN_MODALS)  # before a subject: "does the canteen …"
_EN_HOW_MUCH = {"long", "much", "many", "often", "soon", "far", "early", "late"}
# Words that start a subject of several words ("the canteen", "my manager").
_EN_DETERMINERS = {
    "a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "his", "her",
    "their", "its", "every", "each", "any", "some", "no",
}  # fmt: skip
_EN_PREPOSITIONS = {
    "about", "after", "at", "before", "by", "during", "for", "from", "in", "into", "off",
    "on", "out", "over", "through", "under", "up", "with", "within", "without", "to", "of",
}  # fmt: skip
_PREPOSITIONS = _EN_PREPOSITIONS | DE_PREPOSITIONS
# Words that follow a verb more often than a subject's noun: "to" and "of" are
# left out, they follow nouns ("the shuttle bus to Hamburg", "the head of HR").
_EN_AFTER_VERB = (
    _EN_DETERMINERS | _EN_PREPOSITIONS - {"to", "of"} | {"me", "us", "you", "him", "them", "it"}
)
# The doubled consonant needs the stress on the last syllable: one-syllable verbs
# follow the rule; these are the common longer ones that do.
_EN_DOUBLE = {
    "admit", "begin", "commit", "forget", "occur", "omit", "permit", "prefer", "refer",
    "regret", "submit", "transfer",
}  # fmt: skip

_DE_MARKERS = {
    "ich", "wir", "man", "es", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen",
    "mein", "meine", "meinen", "nicht", "und", "ist", "sind", "gibt", "für", "mit", "von", "zu",
    "zum", "zur", "im", "ins", "bei", "wie", "wo", "wann", "warum", "kann", "darf", "muss", "soll",
}  # fmt: skip
_EN_MARKERS = {
    "i", "we", "you", "the", "a", "an", "my", "our", "to", "is", "are", "for", "of", "on", "in",
    "at", "with", "do", "does", "can", "how", "where", "when", "why", "what", "who", "will",
}  # fmt: skip


def question_topic(words: list[str]) -> str:
    """The topic of a question's words (punctuation at its end removed); '' when
    the question is nothing but question words ("Kann ich?")."""
    while words and key(words[0]) in _GREETINGS:
        words = words[1:]
    if not words:
        return ""
    topic = german_topic(words) if is_german(words) else _english(words)
    if topic is None:
        # No shape the words show: the question's own words, read as a title
        # ("When is the canteen open?" → "When is the canteen open"). Dropping
        # its first words left "The canteen open" or "Many days do you get".
        topic = general(words) if _without_leading(words) else []
    return _capital(" ".join(w for w in topic if w))


# Words that join two names ("Jonas Weber and Anna Schmidt"): left out with them.
_JOINERS = {"and", "or", "und", "oder", "&"}


def without_names(words: list[str], names: Collection[str]) -> list[str]:
    """`words` without the names of the request's people (`names`: case-folded
    name parts), and without what only tied a name in: the preposition whose
    object it was ("Urlaub für Jonas Weber im März" → "Urlaub im März", not
    "Urlaub für im März") and "and" between two names."""
    named = [key(w) in names for w in words]
    for at, word in enumerate(words):
        if key(word) in _JOINERS and 0 < at < len(words) - 1:
            named[at] = named[at - 1] and named[at + 1]
    dropped = list(named)
    for at in range(1, len(words)):
        if named[at] and not named[at - 1] and key(words[at - 1]) in _PREPOSITIONS:
            dropped[at - 1] = True
    return [w for w, out in zip(words, dropped, strict=True) if not out]


def subject_for(first_word: str) -> str:
    """A general subject for a question whose subject was left out ("Can my
    friend …?"): "man" after a German modal verb, else "one"."""
    return "man" if key(first_word) in DE_MODALS - {"will"} else "one"


def _without_leading(words: list[str]) -> list[str]:
    """The words after the question's first words (question words, auxiliaries, subject)."""
    leading = _EN_WH | _EN_AUX | _EN_BE | EN_SUBJECTS | DE_WH | DE_MODALS | DE_SUBJECTS
    rest = list(words)
    while rest and key(rest[0]) in leading | {"to"}:
        rest.pop(0)
    return rest


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- English -----------------------------------------------------------------


def _english(words: list[str]) -> list[str] | None:
    keys = [key(w) for w in words]
    wh = keys[0] if keys[0] in _EN_WH else None
    at = 1 if wh else 0
    if at >= len(keys):
        return None
    if wh == "which" and len(keys) > 3 and keys[2] in _EN_AUX and keys[3] in EN_SUBJECTS:
        action = _action(words[4:])  # "Which form do I use" → "Which form to use"
        return [wh, words[1], "to", *general(action)] if action else None
    if keys[at] in _EN_AUX and at + 1 < len(keys) and keys[at + 1] in EN_SUBJECTS:
        action = _action(words[at + 2 :])
        if keys[at] in _EN_NEGATED or "not" in map(key, action[:1]):
            # "Why can't I log in" must keep its "not": "Why you cannot log in".
            negation = _EN_NEGATED.get(
                keys[at], "cannot" if keys[at] == "can" else f"{keys[at]} not"
            )
            action = [w for w in action if key(w) != "not"]
            return [wh, "you", negation, *general(action)] if wh and action else None
    elif wh == "how" and keys[1] in _EN_HOW_MUCH and keys[2:3] and keys[2] in _EN_ASKING:
        # "How long does the approval take" → "How long the approval takes"
        clause = _embedded(words[2:])
        return ["how", keys[1], *general(clause)] if clause else general(words)
    elif keys[at] in _EN_ASKING | {"did"} and keys[at + 1 : at + 2] != ["not"]:
        # Someone else's doing: the embedded question, or the question's own words.
        clause = _embedded(words[at:])
        return [wh or "whether", *general(clause)] if clause else general(words)
    elif keys[at] in _EN_BE and at + 1 < len(keys) and keys[at + 1] in EN_SUBJECTS:
        action = _after_to(words[at + 2 :], _EN_LEAVE)
    elif keys[at] in _EN_BE and keys[at + 1 : at + 2] == ["it"]:
        action = _after_to(words[at + 2 :], _EN_IT)
    elif keys[at] in _EN_BE and keys[at + 1 : at + 2] == ["there"] and not wh:
        return general(without_articles(words[at + 2 :], _EN_ARTICLES)) or None
    elif keys[at] in _EN_BE and (done := _passive(words[at + 1 :], words[at])):
        # "Why was my claim rejected" → "Why your claim was rejected"; without a
        # question word, "Was my claim approved" → "Whether your claim was approved"
        return [wh or "whether", *general(done)]
    elif keys[at] in _EN_BE and wh in {"what", "where", "which"}:
        return general(without_articles(words[at + 1 :], _EN_ARTICLES)) or None
    elif wh in {"who", "what", "which"} and keys[at] not in _EN_AUX | _EN_BE:
        return [wh, *general(words[at:])]  # "Who approves my overtime" asks of a subject
    elif not wh and keys[0] == "i" and len(keys) > 1 and keys[1] in {"need", "want"}:
        if keys[2:3] == ["to"]:
            action = [w for w in words[3:] if key(w) not in _EN_FILLERS]
        else:
            return general(without_articles(words[2:], _EN_ARTICLES)) or None
    else:
        return None
    if not action:
        return None
    if wh in _EN_TO:
        return [wh, "to", *general(action)]
    if wh:
        return [wh, "you", *general(action)]
    rest = action[1:]
    if rest and key(rest[0]) in _EN_OBJECTS:
        rest = rest[1:]
    return [_gerund(action[0]), *general(rest)]


def _embedded(words: list[str]) -> list[str]:
    """ "does the canteen open" as an embedded question, "the canteen opens"
    (a modal or a negation goes before the verb: "the canteen will open");
    [] when the words do not show where the subject ends (see the module)."""
    aux, rest = key(words[0]), words[1:]
    if aux not in _EN_DO and aux not in _EN_MODALS or len(rest) < 2:
        return []
    keys = [key(w) for w in rest]
    verb = _verb_at(rest, keys)
    if verb is None or "not" in keys[:verb] or keys[0] in _EN_AFTER_VERB - _EN_DETERMINERS - {"it"}:
        return []
    if aux in _EN_MODALS or " " in _EN_DO[aux]:
        return [*rest[:verb], _EN_MODALS.get(aux) or _EN_DO[aux], *rest[verb:]]
    inflected = _third_person_en(keys[verb]) if _EN_DO[aux] else keys[verb]
    return [*rest[:verb], inflected, *rest[verb + 1 :]]


def _verb_at(words: list[str], keys: list[str]) -> int | None:
    """Where the verb is in "SUBJECT VERB …" when the words show it: after a
    one-word subject ("HR", "the canteen"), and followed by nothing, a
    preposition, an article or a pronoun. Else None: in "the canteen offer
    vegan food" or "the new building open" either word could be the verb."""
    at = 2 if keys[0] in _EN_DETERMINERS else 1
    if at >= len(keys) or not _plain_verb(keys[at]) or not words[at].islower():
        return None
    after = keys[at + 1 : at + 2]
    if after and after[0] in _EN_PREPOSITIONS and _verb_after_phrase(words[at + 2 :]):
        return None  # "the parking permit for visitors expire": "permit" or "expire"?
    return at if not after or after[0] in _EN_AFTER_VERB else None


def _verb_after_phrase(words: list[str]) -> bool:
    """Whether a word after a preposition's object (maybe a determiner, then
    words, maybe more such phrases) could be a verb: "for visitors" + "expire",
    "on floor 3" + "work", "for my train" + "ticket"."""
    nouns = 0  # words of the object so far
    for word, k in zip(words, map(key, words), strict=True):
        if nouns and _plain_verb(k) and word.islower():
            return True
        if k in _EN_PREPOSITIONS and not nouns or k in _EN_DETERMINERS and nouns:
            return False  # a preposition with no object, a determiner within one
        nouns = 0 if k in _EN_PREPOSITIONS else nouns + (k not in _EN_DETERMINERS)
    return False


def _plain_verb(key: str) -> bool:
    return key.isalpha() and key not in _EN_AFTER_VERB and key not in {"not", "there"}


def _third_person_en(verb: str) -> str:
    """The form "it" takes of an English verb ("open" → "opens", "pay" → "pays")."""
    if verb in {"have", "do", "go"}:
        return {"have": "has", "do": "does", "go": "goes"}[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def _action(words: list[str]) -> list[str]:
    """The verb phrase after "can I": fillers dropped, "have to"/"need to" passed."""
    rest = [w for w in words if key(w) not in _EN_FILLERS]
    if len(rest) > 2 and key(rest[0]) in _EN_OBLIGED and key(rest[1]) == "to":
        rest = rest[2:]
    if len(rest) > 3 and [key(w) for w in rest[:2]] == ["be", "allowed"] and key(rest[2]) == "to":
        rest = rest[3:]
    return rest


def _after_to(words: list[str], leads: set[str]) -> list[str]:
    """The verb phrase of "… allowed to VERB …" (or "… possible to …"), else []."""
    rest = [w for w in words if key(w) not in _EN_FILLERS]
    if len(rest) > 2 and key(rest[0]) in leads and key(rest[1]) == "to":
        return rest[2:]
    return []


def _passive(words: list[str], be: str) -> list[str]:
    """`words` with `be` before their first participle in -ed, else []."""
    for i, word in enumerate(words[1:], start=1):
        if key(word).endswith("ed") and key(words[0]) not in EN_SUBJECTS:
            return [*words[:i], be.casefold(), *words[i:]]
    return []


def _gerund(verb: str) -> str:
    """The -ing form of an English verb ("bring" → "bringing", "take" → "taking")."""
    word = verb.casefold()
    if word in {"be", "see", "flee", "agree", "free"} or word.endswith(("ee", "ye", "oe")):
        return word + "ing"
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and len(word) > 2:
        return word[:-1] + "ing"
    groups = re.findall(r"[aeiou]+", word.replace("qu", "q"))
    ends_cvc = re.search(r"[^aeiou][aeiou][^aeiouwxy]$", word.replace("qu", "q"))
    if ends_cvc and (len(groups) == 1 or word in _EN_DOUBLE):
        return word + word[-1] + "ing"
    return word + "ing"


# -- German ------------------------------------------------------------------


def is_german(words: list[str]) -> bool:
    """Whether more of the question's small words are German than English (the
    question words overlap: "Was brauche ich?", "Was my claim approved?")."""
    keys = [key(w) for w in words]
    german = sum(k in _DE_MARKERS or bool(re.search(r"[äöüß]", k)) for k in keys)
    return german > sum(k in _EN_MARKERS for k in keys)
