"""Where the answer is lost: each labelled English question's answer, classified.

    python -m benchmarks.answer_misses \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index,content,path,benchmarks/labelled/answers.jsonl \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index,var/handbook/content,relative,benchmarks/handbook18f/answers.jsonl \\
        [--json FILE]

Every English question with an answer label is searched with the product's
default settings. A question whose shown answer holds the labelled answer
(as `kb eval --answers` judges) counts as `holds`; otherwise it falls in the
first class that fits (`miss_class`): declined (answered: false), no
passage of the first `ARTICLES` articles holds it (ranking), only the third
or a later article holds it, the other competing article holds it, the
article's first passage was chosen while a section of it holds it, the
passage just before or after the chosen one holds it, or another section of
the chosen article does. The competing passages and the best-scored one are
the engine's (`candidate_pids`, `answer_candidates`). Prints the counts per
set and half (docs/search.md, "Where the answer is lost").
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.competition import competition
from benchmarks.fit_answers import add_answer_sets, answer_set
from kb.results import Query
from kb.settings import Settings
from search.answer_quality import AnswerLabel, ShownAnswer, load_answer_labels
from search.answering import ANSWER_ARTICLES
from search.evaluation import ID_FORMS, load_queries
from search.splits import half_of

ARTICLES = 5  # articles whose retrieved passages are looked at for the answer
CLASSES = (
    "holds",
    "declined",
    "not in the first articles",
    "only in a lower article",
    "in the other competing article",
    "introduction chosen, a section holds it",
    "in the neighbouring passage",
    "in another section",
)


@dataclass(frozen=True)
class Competitor:
    """A competing passage: its article, its place in it, whether it holds the answer."""

    article_id: str
    ordinal: int
    held: bool


def miss_class(
    answered: bool,
    shown_holds: bool,
    best: Competitor | None,
    competing: Sequence[Competitor],
    lower_holds: bool,
) -> str:
    """The class of one question (`CLASSES`): `best` is the best-scored
    competing passage, `lower_holds` whether a passage of a later article
    than the competing ones holds the answer."""
    if answered and shown_holds:
        return "holds"
    if not answered:
        return "declined"
    holding = [c for c in competing if c.held]
    if not holding or best is None:
        return "only in a lower article" if lower_holds else "not in the first articles"
    same = [c for c in holding if c.article_id == best.article_id]
    if not same:
        return "in the other competing article"
    if best.ordinal == 0:
        return "introduction chosen, a section holds it"
    if any(abs(c.ordinal - best.ordinal) == 1 for c in same):
        return "in the neighbouring passage"
    return "in another section"


def _holds(
    label: AnswerLabel,
    doc_id: Callable[[str], str],
    article_id: str,
    headings: Sequence[str],
    text: str,
) -> bool:
    return label.held_by(ShownAnswer(article_id, tuple(headings), text), doc_id)


def classify(name: str, spec: Sequence[str]) -> list[dict[str, Any]]:
    """One row per English question with an answer label: id, half, text, class."""
    from search.engine import SearchEngine

    queries, index, content, id_form, answers = spec
    labels = load_answer_labels(Path(answers))
    doc_id = ID_FORMS[id_form]
    engine = SearchEngine(Settings.load({"index_dir": index, "content_dir": content}))
    rows: list[dict[str, Any]] = []
    for query in load_queries(Path(queries)):
        label = labels.get(query.id)
        if label is None or query.lang != "en":
            continue
        holds = partial(_holds, label, doc_id)
        response = engine.search(Query(query.text, k=10))
        shown = response.answer
        seen = competition(engine, query.text)
        found, groups, loaded, ranked = seen.found, seen.groups, seen.loaded, seen.candidates
        competing = {
            c.pid: Competitor(
                c.article_id,
                loaded[c.pid].ordinal,
                holds(c.article_id, loaded[c.pid].headings, loaded[c.pid].text),
            )
            for c in ranked
        }
        lower = [p for g in groups[ANSWER_ARTICLES:ARTICLES] for p in g.pids]
        lower_holds = any(
            holds(p.article_id, p.headings, p.text) for p in found.passages.get(lower).values()
        )
        kind = miss_class(
            response.answered,
            shown is not None and holds(shown.id, shown.headings, shown.passage),
            competing[ranked[0].pid] if ranked else None,
            list(competing.values()),
            lower_holds,
        )
        rows.append(
            {
                "set": name,
                "id": query.id,
                "half": half_of(query.id),
                "text": query.text,
                "class": kind,
            }
        )
    engine.close()
    return rows


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Questions per class, for each set and half."""
    out: dict[str, dict[str, int]] = {}
    for key in sorted({(r["set"], r["half"]) for r in rows}):
        found = Counter(r["class"] for r in rows if (r["set"], r["half"]) == key)
        out[" ".join(key)] = {c: found[c] for c in CLASSES}
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_answer_sets(parser)
    parser.add_argument("--json", type=Path, help="Write the counts and every question here.")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for spec in args.sets:
        rows += classify(*answer_set(spec))
    if not rows:
        raise SystemExit("nothing to classify: give --set")
    write_counts(counts(rows), rows, args.json)


def write_counts(
    found: dict[str, dict[str, int]], rows: Sequence[dict[str, Any]], path: Path | None
) -> None:
    """Print the counts; with `path`, write them and every question there too."""
    result = {"counts": found}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if path:
        path.write_text(json.dumps({**result, "questions": list(rows)}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
