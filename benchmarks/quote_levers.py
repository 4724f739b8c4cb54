"""Which sentences the answer box quotes, measured offline under variants.

    kb eval ... --answers LABELS --runs-out RUNS
    python -m benchmarks.quote_levers --runs RUNS --answers LABELS \\
        --queries QUERIES --index INDEX --content CONTENT [--ids relative] [--json FILE]

For every English question whose shown answer holds the answer (as `kb eval
--answers` judges), the quote is chosen again from the same passage and
question under each variant (`VARIANTS`), and counted as a miss when it
misses every key phrase the passage holds (`AnswerLabel.highlight_misses`,
the class (c) of `benchmarks.answer_classes`). Only the quote changes, so
nothing else of the search is re-run: the question's plan is read again
(spelling, concepts, IDF), and the model embeds the query and, for the
variants that read the meaning, the sentences. Printed per variant: the
misses, the mean words quoted and the texts embedded per answer.
docs/search.md, "The quote by meaning".
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks.answer_classes import runs_parser
from kb.results import Query
from kb.settings import Settings
from search.answer_quality import ShownAnswer, load_answer_labels
from search.engine import SearchEngine
from search.evaluation import ID_FORMS, load_queries
from search.highlight import Marker, answer_sentences, sentences
from search.quote_choice import fused, windows

# Question words that ask for an amount, a duration or a date (the
# question-type cue: a sentence with a digit gains).
ASKS_NUMBER = re.compile(r"\b(how (long|many|much|often|soon)|when|what time|deadline)\b", re.I)


def keys_of(kind: str, weight: float) -> Callable[[Sequence[float], Sequence[float]], list[float]]:
    """How the word scores and the cosines make the keys the best sentence is chosen by."""

    def keys(words: Sequence[float], cosines: Sequence[float]) -> list[float]:
        if kind == "fused":
            return fused(words, cosines) if weight == 0 else _fused_k(words, cosines, weight)
        if kind == "cosine":
            return list(cosines)
        top, best, spread = max(words) or 1.0, max(cosines), (max(cosines) - min(cosines)) or 1.0
        return [w / top + weight * (c - best) / spread for w, c in zip(words, cosines, strict=True)]

    return keys


def _fused_k(words: Sequence[float], cosines: Sequence[float], k: float) -> list[float]:
    from search.quote_choice import reading_ranks

    a, b = reading_ranks(words), reading_ranks(cosines)
    return [1 / (k + 1 + x) + 1 / (k + 1 + y) for x, y in zip(a, b, strict=True)]


# name: (text each sentence is read as, keys, question-type cue weight)
VARIANTS: dict[str, tuple[str, str, float, float]] = {
    "words (before)": ("", "", 0.0, 0.0),
    "words + question-type cue 0.5": ("", "", 0.0, 0.5),
    "words + question-type cue 1": ("", "", 0.0, 1.0),
    "fused, sentence with its neighbours (the engine)": ("window", "fused", 0.0, 0.0),
    "fused k=1, with neighbours": ("window", "fused", 1.0, 0.0),
    "fused k=3, with neighbours": ("window", "fused", 3.0, 0.0),
    "fused, sentence alone": ("bare", "fused", 0.0, 0.0),
    "fused, after its heading path": ("heading", "fused", 0.0, 0.0),
    "cosine alone, with neighbours": ("window", "cosine", 0.0, 0.0),
    "cosine alone, sentence alone": ("bare", "cosine", 0.0, 0.0),
    "cosine alone, after its heading path": ("heading", "cosine", 0.0, 0.0),
    "words + 0.5 x cosine spread, with neighbours": ("window", "sum", 0.5, 0.0),
    "words + 1 x cosine spread, sentence alone": ("bare", "sum", 1.0, 0.0),
    "words + 1 x cosine spread, after its heading path": ("heading", "sum", 1.0, 0.0),
}


def texts_of(form: str, parts: list[str], heading: str) -> list[str]:
    if form == "window":
        return windows(parts)
    if form == "heading":
        return [f"{heading}\n{p}" for p in parts]
    return list(parts)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings.load({"index_dir": str(args.index), "content_dir": args.content})
    engine = SearchEngine(settings)
    prepared, glossary = engine.prepared(), engine.glossary.get()
    vocabulary = engine._glossary_words(glossary)
    labels, doc_id = load_answer_labels(args.answers), ID_FORMS[args.ids]
    english = {q.id: q.text for q in load_queries(args.queries) if q.lang == "en"}
    found = {name: {"misses": 0, "words": 0, "embedded": 0} for name in VARIANTS}
    held = 0
    for line in args.runs.read_text(encoding="utf-8").splitlines():
        run = json.loads(line) if line.strip() else {}
        qid, answer = str(run.get("_id")), run.get("answer")
        if qid not in english or qid not in labels or not answer:
            continue
        shown = ShownAnswer(answer["id"], tuple(answer["headings"]), answer["passage"])
        label = labels[qid]
        if not label.held_by(shown, doc_id):
            continue
        held += 1
        plan = prepared.understand(
            Query(english[qid]), glossary, vocabulary, settings.default_language
        )
        match = Marker(plan.match_stems(), negated=plan.negated)
        query_vector = engine.query_vector(plan)
        title = prepared.snapshot.titles.get(shown.id, ("", ""))[0]
        heading = " > ".join((title, *shown.headings))
        cosines: dict[str, list[float]] = {}
        for name, (form, kind, weight, cue) in VARIANTS.items():
            choose = None
            if cue and ASKS_NUMBER.search(english[qid]):
                choose = _cue(cue * max((c.weight for c in plan.concepts), default=0.0))
            if form:
                choose = _choice(engine, form, kind, weight, heading, query_vector, cosines)
            quote, _ = answer_sentences(shown.passage, match, plan.coverage, choose)
            if form and len(sentences(shown.passage)) > 1:
                found[name]["embedded"] += len(sentences(shown.passage))
            quoted = ShownAnswer(shown.id, shown.headings, shown.passage, quote)
            found[name]["misses"] += label.highlight_misses(quoted)
            found[name]["words"] += len(quote.split())
    return {
        "held": held,
        "variants": {
            name: {
                "misses": row["misses"],
                "mean_words": round(row["words"] / max(held, 1), 1),
                "embedded_per_answer": round(row["embedded"] / max(held, 1), 1),
            }
            for name, row in found.items()
        },
    }


def _cue(bonus: float) -> Callable[[Sequence[str], Sequence[float]], list[float]]:
    """The question-type cue: a matched sentence with a digit gains `bonus`."""

    def choose(parts: Sequence[str], words: Sequence[float]) -> list[float]:
        return [
            w + (bonus if w > 0 and any(c.isdigit() for c in p) else 0.0)
            for p, w in zip(parts, words, strict=True)
        ]

    return choose


def _choice(
    engine: SearchEngine,
    form: str,
    kind: str,
    weight: float,
    heading: str,
    query_vector: np.ndarray,
    cache: dict[str, list[float]],
) -> Callable[[Sequence[str], Sequence[float]], list[float]]:
    def choose(parts: Sequence[str], words: Sequence[float]) -> list[float]:
        if form not in cache:
            vectors = engine.embedder.embed(texts_of(form, list(parts), heading))
            cache[form] = [float(v @ query_vector) for v in vectors]
        return keys_of(kind, weight)(words, cache[form])

    return choose


def main(argv: Sequence[str] | None = None) -> None:
    parser = runs_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--content", required=True, help="The content folder.")
    args = parser.parse_args(argv)
    result = measure(args)
    print(f"held answers: {result['held']}")
    for name, row in result["variants"].items():
        print(
            f"  {row['misses']:3d} misses  {row['mean_words']:5.1f} words  "
            f"{row['embedded_per_answer']:4.1f} embedded  {name}"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
