"""Does the answer box quote a passage that holds the answer?

An answer label names, per query, the sections that answer it (an article id
and a heading; "" for the text before an article's first heading) and a few
key phrases of the answer. A shown answer holds the answer when it comes from
a labelled article and either its heading path contains a labelled heading or
its passage contains one of the key phrases. Labels are JSON lines:

    {"_id": "d013", "answers": [["travel-and-leave/leave.md", "For bereavement purposes"]],
     "phrases": ["bereavement"]}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.errors import ConfigError


@dataclass(frozen=True)
class ShownAnswer:
    """The answer a search showed: its article, heading path and passage, and
    the sentences highlighted in it (not judged: `held_by` reads the passage)."""

    id: str
    headings: tuple[str, ...]
    passage: str
    highlight: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "headings": list(self.headings),
            "passage": self.passage,
            "highlight": self.highlight,
        }


@dataclass(frozen=True)
class AnswerLabel:
    """Where the answer to one query is written."""

    sections: tuple[tuple[str, str], ...]
    phrases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.sections:
            raise ValueError("an answer label needs at least one [article, heading] section")

    def held_by(self, answer: ShownAnswer, doc_id: Callable[[str], str] = str) -> bool:
        article = doc_id(answer.id)
        headings = {h.strip().lower() for h in answer.headings}
        text = answer.passage.lower()
        for page, heading in self.sections:
            if page != article:
                continue
            wanted = heading.strip().lower()
            if (not wanted and not headings) or (wanted and wanted in headings):
                return True
        pages = {page for page, _ in self.sections}
        return article in pages and any(p.lower() in text for p in self.phrases)

    def highlight_misses(self, answer: ShownAnswer) -> bool:
        """Whether the answer's passage holds a key phrase that none of its
        highlighted sentences holds (the passage is right, the quote is not)."""
        text, quoted = answer.passage.lower(), answer.highlight.lower()
        held = [p.lower() for p in self.phrases if p.lower() in text]
        return bool(held) and not any(p in quoted for p in held)


def load_answer_labels(path: Path) -> dict[str, AnswerLabel]:
    """Answer labels by query id; a bad line is a ConfigError naming it."""
    labels: dict[str, AnswerLabel] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read answer labels {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels[str(row["_id"])] = AnswerLabel(
                sections=tuple((str(p), str(h)) for p, h in row["answers"]),
                phrases=tuple(str(p) for p in row.get("phrases") or ()),
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"{path}:{number}: expected {{'_id', 'answers': [[article, heading], ...]}} ({exc})"
            ) from None
    return labels


def answer_metrics(
    answers: Mapping[str, ShownAnswer | None],
    labels: Mapping[str, AnswerLabel],
    doc_id: Callable[[str], str] = str,
) -> dict[str, float]:
    """Share of labelled queries whose shown answer holds the answer.

    `holds` counts a query without a shown answer as a miss; `holds_when_shown`
    is the same share among the queries that showed one; `holds_quoted` counts
    only the held answers whose highlighted sentences do not miss the key
    phrases their passage holds (`AnswerLabel.highlight_misses`)."""
    judged = [qid for qid in answers if qid in labels]
    shown = [qid for qid in judged if answers[qid] is not None]
    good = [qid for qid in shown if labels[qid].held_by(answers[qid], doc_id)]  # type: ignore[arg-type]
    quoted = [qid for qid in good if not labels[qid].highlight_misses(answers[qid])]  # type: ignore[arg-type]

    def share(part: Sequence[str], whole: Sequence[str]) -> float:
        return round(len(part) / len(whole), 4) if whole else 0.0

    return {
        "queries": len(judged),
        "shown": len(shown),
        "holds": share(good, judged),
        "holds_when_shown": share(good, shown),
        "holds_quoted": share(quoted, judged),
    }
