"""Spellings of one question: texts of a gap topic that differ only in
punctuation, letter case or spaces ("parking permit", "Parking permit?").

Searches are stored as they were typed, only case-folded and with single
spaces (`kb.events.normalise_query`), so such texts are separate rows. The
gaps view lists them once: their searches added up, their people counted
together (never one person twice), shown in their most searched spelling.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from kb.insights.privacy import shown_per_topic
from kb.insights.records import TopicText

# Placeholders of masked personal data ("[email]") are kept as they are: the
# text "[email]" is not the word "email".
_KEPT = frozenset("[]")


def _bare(word: str) -> str:
    """`word` without the punctuation at its ends (inner marks, "e-mail", stay)."""
    start, end = 0, len(word)
    while start < end and _is_mark(word[start]):
        start += 1
    while end > start and _is_mark(word[end - 1]):
        end -= 1
    return word[start:end]


def _is_mark(char: str) -> bool:
    return char not in _KEPT and unicodedata.category(char)[0] in "PS"


def spelling_key(text: str) -> str:
    """What spellings of one question share: case-folded words without the
    punctuation around them, single spaces."""
    return " ".join(w for w in (_bare(w) for w in text.casefold().split()) if w)


def merge_spellings(texts: Sequence[TopicText]) -> tuple[list[TopicText], dict[str, set[str]]]:
    """The texts with each topic's spellings of a question merged into one
    (in its most searched spelling), and per merged text its spellings.
    Other topics' spellings of a question are not merged in."""
    groups: dict[tuple[int, str], list[TopicText]] = defaultdict(list)
    for t in texts:
        groups[(t.topic_id, spelling_key(t.text))].append(t)
    merged: list[TopicText] = []
    spellings: dict[str, set[str]] = defaultdict(set)
    for group in groups.values():
        group.sort(key=lambda t: (-t.searches, t.text))
        merged.append(_merged(group))
        spellings[group[0].text].update(t.text for t in group)
    return merged, spellings


def _merged(group: list[TopicText]) -> TopicText:
    """One text for a group of spellings: the busiest day of any of them is
    still a lower bound on their people together, their person-days added up
    an upper one."""
    return TopicText(
        group[0].topic_id,
        group[0].text,
        sum(t.searches for t in group),
        max(t.most_in_a_day for t in group),
        sum(t.person_days for t in group),
    )


def shown_spellings_per_topic(
    texts: Sequence[TopicText],
    min_people: int,
    count: Callable[[Mapping[str, list[str]]], Mapping[str, int]],
    limit: int,
) -> dict[int, list[TopicText]]:
    """`shown_per_topic` over the topics' texts with their spellings merged:
    `count` gets each undecided merged text with its spellings and counts the
    distinct people who asked any of them."""
    merged, spellings = merge_spellings(texts)

    def count_merged(unsure: list[str]) -> Mapping[str, int]:
        return count({text: sorted(spellings[text]) for text in unsure})

    return shown_per_topic(merged, min_people, count_merged, limit)


def shown_label(label: str, shown: Sequence[TopicText]) -> str:
    """A topic's label as a period may show it: the label when one of the texts
    shown in the period is that question (in any spelling), else the first of
    them, else '' (the label was chosen over other days, by other people)."""
    if any(spelling_key(t.text) == spelling_key(label) for t in shown):
        return label
    return shown[0].text if shown else ""
