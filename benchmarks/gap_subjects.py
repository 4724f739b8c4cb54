"""Gap grouping by subject: do questions about different things that share a
verb or a frame ("lost my laptop", "lost my office key"; "Urlaub beantragen",
"Spind beantragen") land in different topics, while paraphrases and their
German or English twins stay together?

```
python -m benchmarks.gap_subjects [--part tuning|report|both] [--set subjects|gaps]
       [--plain] [--results --index DIR] [--threshold T] [--work DIR] [--content DIR]
       [--json FILE] [--show]
```

`--set subjects` (the default) is `benchmarks/labelled/gap-subjects/`: 95
searches of employees (HR, IT, Facilities, Finance), English and German,
each labelled with the topic a content owner would write one article for;
three or four searches a topic, topics in families that share a verb or a
frame. Its two parts hold different topics and different families
(`tests/benchmarks/test_gap_subjects.py` checks): choose on the tuning part,
report the report part. `--set gaps` runs the larger labelled gap set
(`benchmarks/labelled/gaps/`, parts tuning and holdout) the same way, to see
that paraphrases still meet.

Clustered as the product's topic update does (`kb.insights.topics`): the
texts case-folded as questions are stored, embedded by the insights model
(`insights_embedding_model`), each centred by the language its vector leans
to (the prior: titles and headings of `--content`), grouped by average
linkage at the product's threshold; each question's vector leaning towards
its subject (`kb.insights.subjects`), or with `--plain` its sentence's alone,
as before. With `--results` each question is also compared by the
articles its search shows (`kb.insights.result_articles`): every text is
searched once, as an employee would, in the index `--index` of the
knowledge base `--content` (the sample content's, built by `kb index`), and
grouped at that mechanism's threshold unless `--threshold` says otherwise.
Reported per part: the adjusted Rand
index (Hubert and Arabie) and pairwise precision and recall (of the pairs of
questions put in one topic, the share that share a labelled topic; of the
pairs that share one, the share put together), and with `--show` the topics
that mix labels. No target: the figures compare one mechanism with another.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
SETS = {
    "subjects": (HERE / "labelled" / "gap-subjects", ("tuning", "report")),
    "gaps": (HERE / "labelled" / "gaps", ("tuning", "holdout")),
}


def load_part(folder: Path, part: str) -> list[dict[str, str]]:
    """The rows (`query`, `topic`, `lang`) of one part of a labelled set."""
    path = folder / f"{part}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def pairwise(gold: list[str], pred: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall of the predicted grouping against `gold`."""
    together = same = both = 0
    for i, j in combinations(range(len(gold)), 2):
        put = pred[i] == pred[j]
        meant = gold[i] == gold[j]
        together += put
        same += meant
        both += put and meant
    return (both / together if together else 1.0), (both / same if same else 1.0)


def mixed_topics(rows: list[dict[str, str]], pred: list[int]) -> list[list[str]]:
    """The predicted topics holding more than one label, as "label: query" lists."""
    members: dict[int, list[dict[str, str]]] = {}
    for row, p in zip(rows, pred, strict=True):
        members.setdefault(p, []).append(row)
    return [
        [f"{r['topic']}: {r['query']}" for r in group]
        for group in members.values()
        if len({r["topic"] for r in group}) > 1
    ]


def shown_articles(engine: Any, texts: list[str]) -> dict[str, list[str]]:
    """The articles each text's search shows, in order."""
    from kb.results import Query

    return {t: [hit.id for hit in engine.search(Query(t)).results] for t in dict.fromkeys(texts)}


def group_part(
    rows: list[dict[str, str]],
    embedder: Any,
    prior: dict[str, np.ndarray],
    args: Any,
    engine: Any = None,
) -> dict[str, Any]:
    """Group one part as the topic update does and score it."""
    from benchmarks.insights import adjusted_rand_index, cached_vectors
    from kb.insights.clustering import cluster_vectors
    from kb.insights.subjects import subject_vectors
    from kb.insights.topics import DEFAULT_THRESHOLD, centred_questions

    texts = [" ".join(r["query"].casefold().split()) for r in rows]
    work = Path(args.work)
    if args.plain:
        raw = cached_vectors(embedder, texts, work)
    else:
        raw = subject_vectors(texts, lambda some: cached_vectors(embedder, some, work))
    space = centred_questions(raw, [r["lang"] for r in rows], prior)
    threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
    if engine is not None:
        from kb.insights.result_articles import RESULTS_THRESHOLD, result_profiles, with_results

        space = with_results(space, result_profiles(texts, shown_articles(engine, texts)))
        threshold = args.threshold if args.threshold is not None else RESULTS_THRESHOLD
    pred = cluster_vectors(space, threshold=threshold).tolist()
    gold = [r["topic"] for r in rows]
    precision, recall = pairwise(gold, pred)
    result: dict[str, Any] = {
        "queries": len(rows),
        "topics": len(set(gold)),
        "threshold": threshold,
        "clusters": len(set(pred)),
        "ari": round(adjusted_rand_index(gold, pred), 4),
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
    }
    if args.show:
        result["mixed"] = mixed_topics(rows, pred)
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.insights import content_prior
    from kb.insights.vectors import create_question_embedder
    from kb.settings import Settings

    settings = Settings.load()
    embedder = create_question_embedder(settings)
    engine = None
    if args.results:
        from dataclasses import replace

        from search.engine import SearchEngine

        engine = SearchEngine(replace(settings, index_dir=args.index, content_dir=args.content))
    prior = content_prior(embedder, Path(args.content), Path(args.work))
    folder, names = SETS[args.set]
    parts = names if args.part == "both" else [_part_name(args.set, args.part)]
    report: dict[str, Any] = {
        "set": args.set,
        "model": embedder.name,
        "vectors": "sentence only" if args.plain else "leaning to subjects (kb.insights.subjects)",
        "results": f"articles shown by {args.index}" if args.results else None,
        "prior_from": str(args.content) if prior else None,
        "parts": {},
    }
    for part in parts:
        report["parts"][part] = group_part(load_part(folder, part), embedder, prior, args, engine)
    return report


def _part_name(which: str, part: str) -> str:
    """The report part is called `holdout` in the larger gap set."""
    return "holdout" if which == "gaps" and part == "report" else part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="subjects")
    parser.add_argument("--part", choices=["tuning", "report", "both"], default="both")
    parser.add_argument(
        "--threshold", type=float, help="the grouping's (default: the product's for the vectors)"
    )
    parser.add_argument("--work", default="var/bench-insights", help="vector cache folder")
    parser.add_argument("--content", default="content", help="knowledge base for the prior")
    parser.add_argument(
        "--plain", action="store_true", help="sentence vectors only, as before kb.insights.subjects"
    )
    parser.add_argument(
        "--results", action="store_true", help="compare by the articles each search shows too"
    )
    parser.add_argument("--index", default="var/sample/index-e5", help="index searched (--results)")
    parser.add_argument("--show", action="store_true", help="list the topics that mix labels")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args(argv)
    lines = json.dumps(run(args), indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(lines)
    if args.json:  # the same report, kept
        Path(args.json).write_text(lines, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
