"""Long questions: how many of their words the embedding models should read.

    python -m benchmarks.query_words --index var/handbook/index-e5 \\
        --content var/handbook/content [--words 0,64,48] [--json FILE]

A model's time grows with the query's length, and a long question (a pasted
paragraph) is what misses the long-query latency target; the setting
`query_vector_words` has the models read a query's first words while the
keyword retriever reads all of them. This measures what that costs in
quality and gains in time on real content: each article's second passage
(its first when it has one) gives a long question, its opening words up to
480 characters (the product takes 500 at most, `max_query_chars`), kept when
it has at least `--min-words`; each question should find its own article.
For every value of `--words` (0: every word) it reports how often the
article comes first and in the top 3, the mean reciprocal rank, and the wall
time of the searches (p50, p95; one engine, query cache off, a warm-up pass
first). This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.recorded import search_settings
from kb.results import Query
from kb.settings import Settings, parse_assignment

MAX_CHARS = 480


def opening(text: str, max_chars: int = MAX_CHARS) -> str:
    """The words of `text` from its start, as many as fit in `max_chars`."""
    kept = ""
    for word in text.split():
        if len(kept) + len(word) + 1 > max_chars:
            break
        kept = f"{kept} {word}".strip()
    return kept


def long_questions(passages: dict[str, list[str]], min_words: int) -> list[tuple[str, str]]:
    """(article id, question) for each article whose second passage (else its
    first) opens with at least `min_words` words within MAX_CHARS."""
    found = []
    for article_id in sorted(passages):
        texts = passages[article_id]
        chosen = texts[1] if len(texts) > 1 else (texts[0] if texts else "")
        question = opening(chosen)
        if len(question.split()) >= min_words:
            found.append((article_id, question))
    return found


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def measure(settings: Settings, words: Sequence[int], min_words: int) -> dict[str, Any]:
    from search.engine import SearchEngine

    rows = []
    questions: list[tuple[str, str]] = []
    for limit in words:
        engine = SearchEngine(settings.replace(query_cache_size=0, query_vector_words=limit))
        try:
            if not questions:
                snap = engine.prepared().snapshot
                texts = {a: [p.text for p in snap.article_passages(a)] for a in snap.titles}
                questions = long_questions(texts, min_words)
            for _, question in questions[:5]:  # warm-up
                engine.search(Query(question, k=10))
            ranks: list[int | None] = []
            times: list[float] = []
            for article_id, question in questions:
                started = time.perf_counter()
                ids = [hit.id for hit in engine.search(Query(question, k=10)).results]
                times.append((time.perf_counter() - started) * 1000.0)
                ranks.append(ids.index(article_id) + 1 if article_id in ids else None)
        finally:
            engine.close()
        count = max(len(ranks), 1)
        rows.append(
            {
                "query_vector_words": limit,
                "top1": round(sum(r == 1 for r in ranks) / count, 3),
                "top3": round(sum(r is not None and r <= 3 for r in ranks) / count, 3),
                "mrr": round(sum(1 / r for r in ranks if r is not None) / count, 3),
                "ms_p50": round(statistics.median(times), 1) if times else 0.0,
                "ms_p95": round(_p95(times), 1) if times else 0.0,
            }
        )
    lengths = [len(q.split()) for _, q in questions]
    return {
        "index": str(settings.index_dir),
        "settings": search_settings(settings),
        "questions": len(questions),
        "words": [min(lengths, default=0), max(lengths, default=0)],
        "loadavg": list(os.getloadavg()),
        "results": rows,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="index folder")
    parser.add_argument("--content", required=True, help="its content folder")
    parser.add_argument("--words", default="0,64,48", help="query_vector_words values")
    parser.add_argument("--min-words", type=int, default=55, help="shortest question kept")
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="any other setting"
    )
    args = parser.parse_args(argv)
    values = {"index_dir": args.index, "content_dir": args.content}
    values.update(dict(parse_assignment(a) for a in args.set))
    settings = Settings.load(values, environ={})
    words = [int(w) for w in args.words.split(",") if w.strip()]
    result = measure(settings, words, args.min_words)
    print(f"{result['questions']} questions of {result['words'][0]}-{result['words'][1]} words")
    for row in result["results"]:
        print(
            f"query_vector_words {row['query_vector_words']:>3}: top 1 {row['top1']:.3f}  "
            f"top 3 {row['top3']:.3f}  MRR {row['mrr']:.3f}  "
            f"p50 {row['ms_p50']:.1f} ms  p95 {row['ms_p95']:.1f} ms"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
