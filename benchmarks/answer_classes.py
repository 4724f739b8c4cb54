"""Why a shown answer misses, read from a `kb eval --runs-out` file.

    kb eval ... --answers LABELS --runs-out RUNS
    python -m benchmarks.answer_classes --runs RUNS --answers LABELS \\
        --queries QUERIES --index INDEX [--ids path|stem|relative] [--json FILE]

Every English question with an answer label whose shown answer does not hold
the answer (as `kb eval --answers` judges, `AnswerLabel.held_by`) falls in
the first class that fits (`CLASSES`):

- declined: no answer shown (answered: false);
- (a) page: the answer comes from an article the label does not name, split
  by where the labelled articles are: in another language than the question
  (wherever they rank), first (the answer came from the second competing
  article), second (it came from the first), third or lower or not found;
- (d) label: no passage of a labelled article holds the answer as judged
  (the label names a heading or phrase the index does not have);
- (b) section: the right article, another section (split by where: its
  introduction chosen, the passage just before or after, a passage of the
  same heading path, another section);
- (c) quote: the passage holds the answer but the sentences highlighted in
  it miss every key phrase the passage has (`AnswerLabel.highlight_misses`;
  `kb eval` counts these as held, so they are split off `holds` here, and
  only a label with key phrases can show one).

Reads only the runs file and the index's stored passages (no model), so it
classifies exactly what `kb eval` showed. docs/search.md, "Where the answer
is lost".
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.answer_misses import write_counts
from indexer import snapshot
from indexer.metadata import Passage
from indexer.reader import Snapshot
from search.answer_quality import AnswerLabel, ShownAnswer, load_answer_labels
from search.evaluation import ID_FORMS, load_queries
from search.splits import half_of

CLASSES = (
    "holds",
    "(c) holds, the highlight misses its key phrase",
    "declined",
    "(a) other page, the labelled page in another language",
    "(a) other page, the labelled page first",
    "(a) other page, the labelled page second",
    "(a) other page, the labelled page lower or not found",
    "(d) no passage of the labelled page holds it",
    "(b) introduction chosen",
    "(b) neighbouring passage holds it",
    "(b) same heading path, another passage",
    "(b) another section",
)


def holds(label: AnswerLabel, doc_id: Callable[[str], str], passage: Passage) -> bool:
    """Whether a stored passage would hold the answer if it were shown."""
    shown = ShownAnswer(passage.article_id, passage.headings, passage.text)
    return label.held_by(shown, doc_id)


def classify_run(
    run: dict[str, Any],
    label: AnswerLabel,
    doc_id: Callable[[str], str],
    passages_of: Callable[[str], list[Passage]],
    foreign: Callable[[str], bool] = lambda page: False,
) -> str:
    """The class (`CLASSES`) of one question's run; `foreign` says whether a
    labelled page (by its corpus id) is in another language than the question."""
    answer = run.get("answer")
    if answer is None:
        return "declined"
    shown = ShownAnswer(
        answer["id"], tuple(answer["headings"]), answer["passage"], answer.get("highlight", "")
    )
    if label.held_by(shown, doc_id):
        if label.highlight_misses(shown):
            return "(c) holds, the highlight misses its key phrase"
        return "holds"
    pages = {page for page, _ in label.sections}
    if doc_id(shown.id) not in pages:
        if all(foreign(page) for page in pages):
            return "(a) other page, the labelled page in another language"
        results = list(run.get("results") or [])[:2]
        if results[:1] and results[0] in pages:
            return "(a) other page, the labelled page first"
        if results[1:2] and results[1] in pages:
            return "(a) other page, the labelled page second"
        return "(a) other page, the labelled page lower or not found"
    own = passages_of(shown.id)
    holding = [p for p in own if holds(label, doc_id, p)]
    if not holding:
        return "(d) no passage of the labelled page holds it"
    chosen = next((p for p in own if p.text == shown.passage), None)
    if chosen is None:
        return "(b) another section"
    if chosen.ordinal == 0:
        return "(b) introduction chosen"
    if any(abs(p.ordinal - chosen.ordinal) == 1 for p in holding):
        return "(b) neighbouring passage holds it"
    if any(p.headings == chosen.headings for p in holding):
        return "(b) same heading path, another passage"
    return "(b) another section"


def classify(
    runs_file: Path, answers: Path, queries: Path, index: Path, id_form: str
) -> list[dict[str, Any]]:
    """One row per English question with an answer label: id, half, text, class."""
    labels = load_answer_labels(answers)
    english = {q.id: q.text for q in load_queries(queries) if q.lang == "en"}
    doc_id = ID_FORMS[id_form]
    opened = Snapshot.open(snapshot.current_path(index))
    langs = {doc_id(article): lang for article, lang in opened.article_langs.items()}
    rows: list[dict[str, Any]] = []
    for line in runs_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        run = json.loads(line)
        qid = str(run["_id"])
        if qid not in english or qid not in labels:
            continue
        kind = classify_run(
            run, labels[qid], doc_id, opened.article_passages, lambda p: langs.get(p, "en") != "en"
        )
        rows.append({"id": qid, "half": half_of(qid), "text": english[qid], "class": kind})
    return rows


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Questions per class, for all and each half."""
    out: dict[str, dict[str, int]] = {}
    for half in ("all", "tune", "report"):
        part = [r for r in rows if half in ("all", r["half"])]
        found = Counter(r["class"] for r in part)
        out[half] = {"questions": len(part), **{c: found[c] for c in CLASSES}}
    return out


def runs_parser(description: str) -> argparse.ArgumentParser:
    """The options of a script that reads a `kb eval --runs-out` file and its labels."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=Path, required=True, help="kb eval --runs-out file.")
    parser.add_argument("--answers", type=Path, required=True, help="Answer labels.")
    parser.add_argument("--queries", type=Path, required=True, help="The queries (for language).")
    parser.add_argument("--index", type=Path, required=True, help="The index folder.")
    parser.add_argument("--ids", default="path", choices=sorted(ID_FORMS))
    parser.add_argument("--json", type=Path, help="Write the figures and every question here.")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = runs_parser(__doc__.split("\n\n")[0]).parse_args(argv)
    rows = classify(args.runs, args.answers, args.queries, args.index, args.ids)
    write_counts(counts(rows), rows, args.json)


if __name__ == "__main__":
    main()
