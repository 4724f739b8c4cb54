"""Privacy by design for insights: what is stored, what is shown, how long.

* **Masking.** Employees type personal data into search boxes ("IBAN DE89
  3704 0044 0532 0130 00 ändern", "call me on +49 170 1234567"). Before a
  question text is kept for insights, e-mail addresses, phone numbers, IBANs,
  payment card numbers and long digit runs (personnel, tax or insurance
  numbers) are replaced by a placeholder naming what was there (`[email]`,
  `[phone]`, `[iban]`, `[card]`, `[number]`). The placeholders keep the
  question readable and let questions that differ only in the data group
  together.
* **Minimum people.** A question text is shown only when at least
  `insights_min_people` distinct pseudonymous people asked it in the period
  (`shown_texts`); otherwise it counts in totals only. The pseudonymous id is
  the browser's random id, never a username.
* **Retention.** Events older than `event_retention_days` are deleted
  (`kb events purge`); see docs/insights.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from kb.insights.records import TopicText

EMAIL = "[email]"
PHONE = "[phone]"
IBAN = "[iban]"
CARD = "[card]"
NUMBER = "[number]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# The same address, from the start of a run of the characters its name may
# hold. Tried from every character, as `sub` tries it, the expression read
# the rest of a run again each time, in time quadratic in its length (500
# letters without "@" in a search); from any character of a run it reaches
# the same "@", so one try a run finds what every other would (`_mask_emails`).
_EMAIL_AT_RUN = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Two letters, two check digits, then 11 to 30 letters or digits in groups of
# up to four (how IBANs are printed). Each group takes all it can (`{1,4}+`):
# tried every way of cutting a long word into groups, a word such as "ab12"
# and 40 letters took 40 ms, and a search of such words half a second. Taking
# the most a group can leaves the fewest groups: what it no longer matches
# is a word too short for an IBAN, which `_iban_ok` left as it was anyway.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}+){3,8}\b", re.IGNORECASE)
# 13 to 19 digits in groups (payment cards), checked by Luhn below.
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
# International (+49 ...) or national (0170 ...) numbers with separators;
# at least 7 digits in all so that years and room numbers are left alone.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d /().-]{5,}\d(?!\w)")
# Unseparated runs of six or more digits not starting with 0 (phone numbers do).
_LONG_DIGITS = re.compile(r"\b[1-9]\d{5,}\b")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(text: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters
    to numbers, remainder 1 modulo 97."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _mask_iban(match: re.Match[str]) -> str:
    # The pattern may have run on into a following word ("... 32 for"): try
    # the match shortened group by group until the check digits agree.
    text = match.group(0)
    parts = text.split(" ")
    for end in range(len(parts), 0, -1):
        candidate = " ".join(parts[:end])
        if _iban_ok(candidate):
            return IBAN + text[len(candidate) :]
    return IBAN if _iban_ok(text) else text


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return CARD if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7 or (text.isdigit() and not text.startswith("0")):
        return text  # too short, or a plain number (left to _LONG_DIGITS)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return text  # a date, not a phone number
    return PHONE


def _mask_emails(text: str) -> str:
    """`_EMAIL.sub(EMAIL, text)` in time linear in `text`: where the search goes on
    (the start, or the end of the address before) it is tried once, and past
    that only where a run starts (see `_EMAIL_AT_RUN`)."""
    out: list[str] = []
    at = 0
    while found := _EMAIL.match(text, at) or _EMAIL_AT_RUN.search(text, at):
        out += (text[at : found.start()], EMAIL)
        at = found.end()
    out.append(text[at:])
    return "".join(out)


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses, IBANs, card numbers, phone numbers and long
    digit runs replaced by placeholders. Idempotent."""
    text = _mask_emails(text)
    text = _IBAN.sub(_mask_iban, text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(_mask_phone, text)
    return _LONG_DIGITS.sub(NUMBER, text)


PLACEHOLDERS = (EMAIL, PHONE, IBAN, CARD, NUMBER)


def contains_personal_data(text: str) -> bool:
    """Whether `text` holds personal data, or a placeholder where some was masked
    (query suggestions offer neither)."""
    return any(p in text for p in PLACEHOLDERS) or mask_personal_data(text) != text


@dataclass(frozen=True)
class QuestionCount:
    """How often a question text was asked in a period, and by how many people."""

    text: str
    searches: int
    people: int


def _check_min_people(min_people: int) -> None:
    if isinstance(min_people, bool) or not isinstance(min_people, int) or min_people < 1:
        raise ValueError(f"min_people must be an integer >= 1, got {min_people!r}")


def shown_texts(counts: Iterable[QuestionCount], min_people: int) -> list[str]:
    """The texts that may be shown: asked by at least `min_people` distinct
    people, most asked first."""
    _check_min_people(min_people)
    visible = [c for c in counts if c.people >= min_people]
    visible.sort(key=lambda c: (-c.people, -c.searches, c.text))
    return [c.text for c in visible]


def shown_per_topic(
    texts: Sequence[TopicText],
    min_people: int,
    count: Callable[[list[str]], Mapping[str, int]],
    limit: int,
) -> dict[int, list[TopicText]]:
    """Per topic, its first `limit` texts (most searched first) that at least
    `min_people` distinct people asked.

    Most texts are decided by their bounds: as many people on one day settles
    it (a lower bound), fewer people than that over all days added up rules
    it out (an upper bound). The rest, asked by few people on several days,
    are counted (`count`: text -> distinct people, which never counts more
    people than there were), and only those that could still be among a
    topic's first `limit`: at a million searches nearly every text of a
    topic is such a one (5,000 at 90 days), a page shows ten per topic."""
    _check_min_people(min_people)
    queues: dict[int, list[TopicText]] = defaultdict(list)
    for t in sorted(texts, key=lambda t: (-t.searches, t.text)):
        if t.person_days >= min_people:
            queues[t.topic_id].append(t)
    counted: dict[str, int] = {}

    def passes(t: TopicText) -> bool | None:  # None: not decided yet
        if t.most_in_a_day >= min_people:
            return True
        return counted[t.text] >= min_people if t.text in counted else None

    # Each round looks further ahead (doubling), so a topic whose texts mostly
    # fail the rule takes a few rounds (queries), not one per text.
    ahead = limit
    while True:
        ask: set[str] = set()
        shown: dict[int, list[TopicText]] = {}
        for topic, queue in queues.items():
            mine: list[TopicText] = []
            undecided = 0
            for t in queue:
                if len(mine) >= limit or undecided >= ahead:
                    break
                verdict = passes(t)
                if verdict is None:
                    ask.add(t.text)
                    undecided += 1
                elif verdict:
                    mine.append(t)
            if mine:
                shown[topic] = mine
        if not ask:
            return shown
        counted.update(dict.fromkeys(ask, 0))
        counted.update(count(sorted(ask)))
        ahead *= 2


def people_per_text(pairs: Iterable[tuple[str, str]]) -> Mapping[str, int]:
    """Distinct people per text from (text, pseudonymous person) pairs; empty
    person ids (nobody identifiable) never count as a person."""
    seen: dict[str, set[str]] = {}
    for text, person in pairs:
        bucket = seen.setdefault(text, set())
        if person:
            bucket.add(person)
    return {text: len(people) for text, people in seen.items()}
