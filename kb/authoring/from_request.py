"""A publishable draft from a resolved request: title, summary, tags and body.

The draft is written from the agents' answer, not from the request: the
resolution, then their public replies (not the requester's, a watcher's or an
internal note), so that a resolution that only says where the answer went
("Answered by e-mail") still drafts the answer given in the replies. The
requester's own words (their question's details, their circumstances) never
reach the article. What is kept passes these checks:

- sentences of the resolution that name a person of the request (requester,
  agent: a part of their username written as a name, with a capital), carry contact data (e-mail, phone, IBAN, card numbers, through
  `kb.insights.privacy`), greet or sign off ("Hi Maria", "Best regards"), or
  speak of someone's private circumstances (family, health) are left out;
- sentences that only say how or where the answer was given ("Answered by
  e-mail with the details.", "Telefonisch geklärt.", "Done.", "See my e-mail.")
  are left out, and so are the questions a reply asks back;
- the title is the question turned into a topic that reads right whatever
  the answer ("Can I bring my dog to the office?" → "Bringing your dog to
  the office", `kb.authoring.topic_titles`), without contact data or the
  names of the request's people, nor the preposition that tied one in
  ("Urlaub für Jonas Weber im März" → "Urlaub im März");
- the summary is the first sentence of the kept text that says something
  (a bare "Yes." or "No." does not);
- a sentence of a reply that the resolution (or an earlier reply) says
  already, in other words or line breaks, is said once: the draft holds the
  answer once, not the resolution and then the reply it was copied from;
- the question is the draft's context (`context`), where it names nobody
  and holds no contact data: `kb.requests.drafting` sets it above the answer;
- tags are the topic words of the question (`kb.authoring.draft_tags`): no
  function words, names or dates, a German question's nouns alone, in the
  department's spelling where its vocabulary has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kb.authoring.draft_tags import question_tags, topic_words
from kb.authoring.topic_titles import question_topic, subject_for, without_names
from kb.insights.privacy import mask_personal_data

MAX_SUMMARY_CHARS = 200
_MASKED = re.compile(r"\[(?:email|phone|iban|card|number)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9\"'(])")
_GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon)|thanks|thank you|many thanks|"
    r"best|kind regards|regards|cheers|hallo|liebe|lieber|sehr geehrte|guten tag|danke|"
    r"vielen dank|viele grüße|beste grüße|mit freundlichen grüßen|grüße)\b",
    re.IGNORECASE,
)
_BARE = re.compile(r"^(yes|no|ja|nein|sure|ok|okay|correct|richtig|genau)[.!,]?\s*", re.IGNORECASE)
# Private circumstances: family members and health, as they show in answers to one person.
_PRIVATE = re.compile(
    r"\b(your|my|his|her|ihr|ihre|ihrem|ihren|ihrer|dein|deine|mein|meine|meinem|meinen|meiner|sein|seine)\s+"
    r"(friend|wife|husband|partner|son|daughter|child|children|kids|mother|father|parents|"
    r"brother|sister|family|doctor|illness|diagnosis|pregnancy|divorce|"
    r"freund|freundin|frau|mann|sohn|tochter|kind|kinder|mutter|vater|eltern|bruder|"
    r"schwester|familie|arzt|ärztin|krankheit|diagnose|schwangerschaft|scheidung)\b",
    re.IGNORECASE,
)

# How or where an answer was given, said instead of the answer: a short sentence
# naming a channel and a verb of telling, a pointer to another text, or a bare
# "done". Longer sentences that name a channel say something ("The form goes by
# e-mail to HR within two days") and are kept.
_CHANNEL = re.compile(
    r"\b(e-?mails?|mail|phone|telephone|call|chat|teams|in person|telefon\w*|"
    r"persönlich|mündlich|anruf)\b",
    re.IGNORECASE,
)
_TOLD = re.compile(
    r"\b(answer\w*|repl\w*|respond\w*|sent|explained|discussed|clarified|resolved|"
    r"solved|handled|informed|beantwortet|geschickt|gesendet|verschickt|geklärt|besprochen|"
    r"erklärt|mitgeteilt|gelöst|erledigt|informiert)\b",
    re.IGNORECASE,
)
_POINTER = re.compile(
    r"\b(see|siehe)\s+(my\s+|the\s+|our\s+|meine\s+|die\s+|unsere\s+)?"
    r"(reply|replies|answer|e-?mail|mail|message|comment|antwort|nachricht|above|below|"
    r"oben|unten)\b",
    re.IGNORECASE,
)
_STATUS_ONLY = re.compile(
    r"((it|this|the request|the issue)\s+(is|was|has been)\s+|wurde\s+)?"
    r"(done|fixed|solved|resolved|closed|answered|erledigt|gelöst|behoben|beantwortet|"
    r"geklärt)(\s+(now|jetzt))?",
    re.IGNORECASE,
)
_POINTER_WORDS = 8
_CHANNEL_WORDS = 10


def says_only_where(sentence: str) -> bool:
    """Whether `sentence` only says how or where the answer was given."""
    text = sentence.strip().rstrip(".!")
    words = len(text.split())
    if _STATUS_ONLY.fullmatch(text):
        return True
    if words <= _POINTER_WORDS and _POINTER.search(text):
        return True
    return words <= _CHANNEL_WORDS and bool(_CHANNEL.search(text) and _TOLD.search(text))


@dataclass(frozen=True)
class DraftText:
    """A draft's parts: `body` is the answer alone (what "Add to" appends
    under the question), `context` the question as the draft may show it
    above the answer ("" where it names someone or holds contact data)."""

    title: str
    summary: str
    tags: list[str]
    body: str
    context: str = ""


_FULL_NAME = re.compile(
    r"(?<![.!?]\s)(?<!^)\b(?:(?:Mr|Mrs|Ms|Dr|Herr|Frau)\.?\s+[A-ZÄÖÜ][\wäöüß-]+|"
    r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?\s+[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)"
)


def names_in(text: str, published: str = "") -> list[str]:
    """Names written in a request: a title and a name ("Frau Berg"), or two
    capitalised words in a row inside a sentence ("Jonas Weber"); not a phrase
    that `published` (the department's articles, case-folded, single spaces)
    writes ("Standort Nord"): the knowledge base says it already, of no one."""
    found: list[str] = []
    for sentence in _SENTENCE.split(" ".join(text.split())):
        found.extend(m.group(0) for m in _FULL_NAME.finditer(sentence))
    return [name for name in found if not _published(name, published)]


def _published(phrase: str, published: str) -> bool:
    """Whether `published` writes `phrase` as words of its own."""
    pattern = rf"(?<!\w){re.escape(' '.join(phrase.split()).casefold())}(?!\w)"
    return bool(published) and re.search(pattern, published) is not None


def _names(people: Iterable[str]) -> set[str]:
    """Name parts to look for: 'maria.schmidt@x' → maria, schmidt."""
    out = set()
    for person in people:
        for part in re.split(r"[\s._@+-]+", person.split("@", 1)[0]):
            if len(part) >= 3 and not part.isdigit():
                out.add(part.casefold())
    return out


def _keeps(sentence: str, names: set[str]) -> bool:
    if _GREETING.match(sentence.strip()) or _PRIVATE.search(sentence):
        return False
    if says_only_where(sentence):
        return False
    if not _BARE.sub("", sentence.strip()):
        return False  # a bare "Yes." answers a question the article no longer shows
    if _MASKED.search(mask_personal_data(sentence)):
        return False
    # A name is written with a capital letter: a username's part in lower case
    # is an ordinary word ("every employee" when the requester is "employee").
    words = {w.casefold() for w in re.findall(r"\w+", sentence) if w[:1].isupper()}
    return not (words & names)


def clean_resolution(resolution: str, people: Iterable[str], *, reply: bool = False) -> str:
    """The resolution without the sentences that are about one person or only
    say where the answer went (see the module); a `reply` loses its questions
    too, which asked the requester back."""
    names = _names(people)
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", resolution.strip()):
        kept = [
            s
            for s in _SENTENCE.split(paragraph.strip())
            if s.strip() and _keeps(s, names) and not (reply and s.rstrip().endswith("?"))
        ]
        if kept:
            paragraphs.append(" ".join(" ".join(s.split()) for s in kept))
    return "\n\n".join(paragraphs)


def answer_body(resolution: str, replies: Sequence[str], people: Iterable[str]) -> str:
    """The kept text of the resolution, then of each public reply of the agents,
    a sentence said already only once: the resolution often repeats a reply, in
    other words or with other line breaks ("Switch your VPN client to TCP 443."
    after "Please switch the VPN client to TCP port 443.")."""
    people = list(people)
    paragraphs: list[str] = []
    said: list[set[str]] = []
    texts = [clean_resolution(resolution, people)]
    texts += [clean_resolution(r, people, reply=True) for r in replies]
    for text in texts:
        for paragraph in text.split("\n\n"):
            kept = [s for s in _SENTENCE.split(paragraph) if s and not _said_before(s, said)]
            said += [topic_words(s) for s in kept]
            if kept:
                paragraphs.append(" ".join(kept))
    return "\n\n".join(paragraphs)


def _said_before(sentence: str, said: Sequence[set[str]]) -> bool:
    """Whether an earlier sentence holds nearly all of `sentence`'s topic words
    (four in five): the same statement again; one without topic words is
    judged by its whole words."""
    words = topic_words(sentence) or {sentence.casefold().strip(" .!")}
    return any(len(words & earlier) * 5 >= len(words) * 4 for earlier in said)


def says_only_where_answered(resolution: str, replies: Sequence[str] = ()) -> bool:
    """Whether a sentence of the answer only says where it was given: what an
    answer with nothing to publish says instead of speaking of the person."""
    return any(
        says_only_where(sentence)
        for text in (resolution, *replies)
        for sentence in _SENTENCE.split(" ".join(text.split()))
    )


def topic_title(question: str, people: Iterable[str] = ()) -> str:
    """The question as a neutral topic, whatever the answer (`kb.authoring.topic_titles`)."""
    text = mask_personal_data(" ".join(question.split()))
    sentences = [x for x in re.split(r"(?<=[?.!])\s+", text) if x.strip()] or [""]
    first = next((x for x in sentences if x.rstrip().endswith("?")), sentences[0])
    first = _MASKED.sub("", first).strip(" ?!.")
    lead, _, after = first.partition(" ")
    if private := _PRIVATE.match(after):  # "Can my friend …": someone asks, nobody named
        first = f"{lead} {subject_for(lead)} {after[private.end() :]}"
    first = _PRIVATE.sub("", first)
    names = _names(people)
    words = without_names(first.split(), names)
    topic = question_topic(words)
    if not topic:
        return (first[:1].upper() + first[1:] + "?") if first else "Answer"
    return topic


def summary_of(body: str, title: str) -> str:
    """The first sentence of `body` that says something, at most 200 characters."""
    for sentence in _SENTENCE.split(" ".join(body.split())):
        sentence = _BARE.sub("", sentence).strip()
        if len(sentence.split()) >= 4:
            return shortened(sentence[:1].upper() + sentence[1:])
    return f"{title}."


def shortened(summary: str) -> str:
    """`summary` cut at a word to at most 200 characters, "…" where it was cut."""
    if len(summary) > MAX_SUMMARY_CHARS:
        return summary[: MAX_SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return summary


def request_people(
    question: str, people: Sequence[str], details: str = "", published: str = ""
) -> list[str]:
    """Whom a draft must not name: `people` (the request's accounts) and the
    names the question and `details` (its description) mention (`names_in`)."""
    return [*people, *names_in(question, published), *names_in(details, published)]


def draft_title(
    question: str, people: Sequence[str], details: str = "", published: str = ""
) -> str:
    """The draft's title (its file name is made from it): see `topic_title`."""
    return topic_title(question, request_people(question, people, details, published))


def draft_text(
    question: str,
    resolution: str,
    vocabulary: Sequence[str],
    people: Sequence[str],
    details: str = "",
    replies: Sequence[str] = (),
    lang: str = "",
    published: str = "",
) -> DraftText:
    """Title, summary, tags and body of a draft (see the module); `details` (the
    request's description) is only read for the names it mentions; `replies` are
    the agents' public replies, oldest first; `lang` the draft's language, which
    tells its tags' language ("" to read it from the question); `published` the
    department's articles' text, whose phrases are no names (`names_in`)."""
    people = request_people(question, people, details, published)
    body = answer_body(resolution, replies, people)
    title = topic_title(question, people)
    return DraftText(
        title=title,
        summary=summary_of(body, title),
        tags=question_tags(title, question, vocabulary, _names(people), lang),
        body=body,
        context=question_context(question, people),
    )


def question_context(question: str, people: Iterable[str]) -> str:
    """The question as a draft shows it above its answer: its sentences that
    ask (those ending in "?"; else all), one line; "" when one of them names a
    person of the request, holds contact data or speaks of someone's private
    circumstances: the title says the topic then."""
    sentences = [s for s in _SENTENCE.split(" ".join(question.split())) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith("?")] or sentences
    names = _names(people)
    if any(_GREETING.match(s) for s in asking[:1]):
        asking = asking[1:]
    for sentence in asking:
        if _PRIVATE.search(sentence) or _MASKED.search(mask_personal_data(sentence)):
            return ""
        if {w.casefold() for w in re.findall(r"\w+", sentence) if w[:1].isupper()} & names:
            return ""
    return " ".join(asking)
