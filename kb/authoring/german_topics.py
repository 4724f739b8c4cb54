"""The topic of a German question (`kb.authoring.topic_titles` tells the language).

The verb goes last: an infinitive for the asker's own doing ("Wie beantrage
ich Urlaub?" → "Urlaub beantragen"), the finite verb of an embedded question
for someone else's ("Wann öffnet die Kantine?" → "Wann die Kantine öffnet").
A question word may be more than one word: "wie" with a word of degree ("Wie
lange gilt …"), and "welche" or "wie viele" with the nouns they ask about,
capitalised as German nouns are, and the phrases of prepositions after them
("Welcher Parkplatz für Besucher ist frei?" → "Welcher Parkplatz für
Besucher frei ist"); the verb is the word after the whole phrase.
"""

from __future__ import annotations

from kb.authoring.topic_words import general, key, without_articles

DE_WH = {"wie", "wo", "wann", "warum", "weshalb", "wieso", "was", "wer", "welche", "welcher",
         "welches", "wohin", "woher", "womit", "wozu", "wen", "wem"}  # fmt: skip
DE_MODALS = {
    "kann", "können", "darf", "dürfen", "muss", "müssen", "soll", "sollen", "sollte", "sollten",
    "könnte", "könnten", "will", "wollen", "möchte", "möchten",
}  # fmt: skip
DE_SUBJECTS = {"ich", "wir", "man"}
_ASKED = {"was", "wer", "wen", "wem", "welche", "welcher", "welches"}  # kept in the topic
_BE = {"ist", "sind"}
_HOW_MUCH = {"lange", "viel", "viele", "oft", "bald", "weit", "früh", "spät"}  # "wie lange"
_WHICH = {"welche", "welcher", "welches", "viel", "viele"}  # before a noun: "welches Formular"
_ARTICLES = {"ein", "eine", "einen", "einem", "einer", "der", "die", "das", "den", "dem"}
DE_PREPOSITIONS = {
    "an", "am", "auf", "aus", "bei", "beim", "bis", "durch", "für", "gegen", "in", "im", "ins",
    "mit", "nach", "ohne", "über", "um", "unter", "von", "vom", "vor", "zu", "zum", "zur",
}  # fmt: skip
_PARTICLES = {
    "ab", "an", "auf", "aus", "bei", "ein", "fest", "her", "hin", "los", "mit", "nach", "vor",
    "weg", "zu", "zurück", "zusammen",
}  # fmt: skip
_IRREGULAR = {"haben": "hat", "werden": "wird"}  # the form "man" takes


def german_topic(words: list[str]) -> list[str] | None:
    """The topic's words, None when the question shows no shape."""
    keys = [key(w) for w in words]
    wh = keys[0] if keys[0] in DE_WH else None
    at = _after_question_words(words, keys) if wh else 0
    asked = [
        w.lower() if k in DE_WH | _HOW_MUCH else w for w, k in zip(words, keys[:at], strict=False)
    ]
    if at + 1 >= len(keys):
        return None
    verb, subject = words[at], keys[at + 1]
    rest = words[at + 2 :]
    if keys[at] in DE_MODALS and subject in DE_SUBJECTS:
        if wh in _ASKED or at > 1:
            return None
        return general(rest) or None  # the infinitive is already at the end
    if keys[at : at + 2] == ["gibt", "es"] and not wh:
        return without_articles(rest, _ARTICLES) or None
    if keys[at] in _BE and not wh:
        return general(words[1:])
    if subject in DE_SUBJECTS:
        infinitive = _infinitive(verb, subject)
        if infinitive is None:
            return None
        if wh in _ASKED or at > 1:  # "Was brauche ich …" → "Was man … braucht"
            return [*asked, "man", *_verb_last(general(rest), _third_person(infinitive))]
        return _verb_last(general(rest), infinitive)
    if wh and keys[at] not in DE_WH and words[at].islower() and keys[at] not in DE_PREPOSITIONS:
        # Someone else's doing: the embedded question, its verb last.
        return [*asked, *_verb_last(general(words[at + 1 :]), verb.lower())]
    return None


def _after_question_words(words: list[str], keys: list[str]) -> int:
    """Where the words after the question word (the verb on) start: past "wie"
    and a word of degree, and past the nouns "welche" or "wie viele" ask about
    with their phrases ("Welcher Parkplatz für Besucher"), a word left over."""
    at = 2 if keys[0] == "wie" and keys[1:2] and keys[1] in _HOW_MUCH else 1
    if keys[at - 1] not in _WHICH:
        return at
    end = at
    while at + 1 < len(words):
        if words[at][:1].isupper():
            at = end = at + 1
        elif keys[at] in DE_PREPOSITIONS and at == end:
            at += 2 if keys[at + 1] in _ARTICLES else 1
        else:
            break
    return end


def _infinitive(verb: str, subject: str) -> str | None:
    """The infinitive of a verb as "ich"/"wir"/"man" use it, None when not regular."""
    word = verb.lower()  # not casefold: "schließe" stays "schließen"
    if subject == "wir" and word.endswith("en"):
        return word
    if subject == "ich" and word.endswith("e"):
        return word + "n"
    if subject == "man" and word.endswith("t") and len(word) > 3:
        return word[:-1] + "en"
    return None


def _third_person(infinitive: str) -> str:
    """The form "man" takes of a verb ("brauchen" → "braucht", "haben" → "hat")."""
    if infinitive in _IRREGULAR:
        return _IRREGULAR[infinitive]
    stem = infinitive[:-2] if infinitive.endswith("en") else infinitive[:-1]
    return stem + ("et" if stem.endswith(("d", "t")) else "t")


def _verb_last(words: list[str], verb: str) -> list[str]:
    """`words` with `verb` at the end, joined to a separable particle ("melde … ab" → "abmelden")."""
    if words and key(words[-1]) in _PARTICLES:
        return [*words[:-1], words[-1].lower().strip(",;:") + verb]
    return [*words, verb]
