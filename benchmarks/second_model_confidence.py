"""The second model's evidence as confidence features, measured offline.

    python -m benchmarks.second_model_confidence \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-on,content \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-on,var/handbook/content \\
        [--json FILE]

Every query is searched once with default settings (the second model,
all-MiniLM-L6-v2, on); beside the engine's evidence the script records what
the second model says about the fused first article, for the queries where
that model takes part (English, same-language; `Ensemble.applies`):

- `second_cosine`: its best cosine over the top article's competing passages
  (`Retrieval.secondary_cosines`, which the engine computes for the answer
  choice);
- `second_gap`: that cosine minus the tenth of its own nearest passages;
- `second_top`: the best cosine of its own list (whatever the article);
- `second_agreement`: 1 / the top article's rank among its own articles
  (0 when it is not in its list);
- `second_first`: 1 when its first article is the fused first article.

Where the model does not take part the candidate is absent and takes its
mean over the searches where it does (computed without the labels), as the
keyword evidence does across languages. Each candidate is added to the
fitted features and the model refitted exactly as `benchmarks.fit_confidence`
does (tune halves only, the same threshold rule); one line per candidate
gives AUC / caught / declined for each set's tune and report half and for a
fit on one set applied to the other.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.fit_confidence import (
    FITTED,
    Sample,
    add_set_option,
    load_samples,
    query_set,
    run,
)
from kb.results import Query
from kb.settings import Settings
from search.confidence import SECOND_EVIDENCE
from search.engine import SearchEngine
from search.evaluation import ANSWERABLE, UNANSWERABLE, load_queries
from search.grouping import article_ranks, best_per_article

# The engine's fitted features before the second model's evidence joined them.
BASE = tuple(f for f in FITTED if f not in SECOND_EVIDENCE)
CANDIDATES = (
    "second_cosine",
    "second_gap",
    "second_top",
    "second_spread",
    "second_agreement",
    "second_first",
)


def second_evidence(engine: SearchEngine, text: str) -> dict[str, float]:
    """The candidates for one query, empty where the second model takes no part
    (the engine's own test: `Retrieval.secondary_cosines`, the second model's
    cosines of the answer's candidates, is empty there)."""
    found = engine.retrieve(Query(text, k=10))
    groups, article_of = engine.rank(found)
    engine.competing(found, groups)
    cosines, own = found.secondary_cosines, found.secondary
    if not groups or not cosines or not own:
        return {}
    top = groups[0]
    best = max((cosines[p] for p in top.pids if p in cosines), default=0.0)
    tenth = own[min(9, len(own) - 1)][1]
    rank = article_ranks(own, article_of).get(top.article_id)
    second_articles = best_per_article(own, article_of)
    return {
        "second_cosine": best,
        "second_gap": max(0.0, best - tenth),
        "second_top": own[0][1],
        "second_spread": own[0][1] - tenth,
        "second_agreement": 1.0 / rank if rank else 0.0,
        "second_first": 1.0 if second_articles[0][0] == top.article_id else 0.0,
    }


def collect(name: str, queries: Path, index: str, content: str) -> list[Sample]:
    engine = SearchEngine(
        Settings.load({"index_dir": index, "content_dir": content, "confidence_second_look": False})
    )
    out = []
    for query in load_queries(queries):
        if query.kind not in (ANSWERABLE, UNANSWERABLE):
            continue
        response = engine.search(Query(query.text, k=10))
        features = dict(response.features) | second_evidence(engine, query.text)
        out.append(Sample(name, query.id, query.kind == ANSWERABLE, features))
    engine.close()
    return out


def with_neutral(samples: Sequence[Sample]) -> list[Sample]:
    """Absent candidates replaced by their mean where present (labels not used)."""
    means = {}
    for name in CANDIDATES:
        seen = [s.features[name] for s in samples if name in s.features]
        means[name] = sum(seen) / len(seen) if seen else 0.0
    print("neutral:", {k: round(v, 4) for k, v in means.items()})
    print("applies:", sum("second_cosine" in s.features for s in samples), "of", len(samples))
    return [Sample(s.set, s.id, s.answerable, means | s.features) for s in samples]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument("--max-declined", type=float, default=0.08)
    parser.add_argument("--samples", type=Path, help="Reuse the samples of an earlier --json.")
    parser.add_argument("--json", type=Path, help="Write every candidate's rows here.")
    args = parser.parse_args(argv)
    samples = load_samples(args.samples) if args.samples else []
    for spec in args.sets:
        samples += collect(*query_set(spec))
    if not samples:
        raise SystemExit("nothing to measure: give --set or --samples")
    raw = samples
    samples = with_neutral(samples)
    results: dict[str, Any] = {}
    variants: list[tuple[str, tuple[str, ...]]] = [("(fitted set)", BASE)]
    variants += [(name, (*BASE, name)) for name in CANDIDATES]
    variants += [
        ("second_cosine+second_gap", (*BASE, "second_cosine", "second_gap")),
        ("second_cosine+second_agreement", (*BASE, "second_cosine", "second_agreement")),
        ("second_cosine+second_first", (*BASE, "second_cosine", "second_first")),
        ("second_top+second_cosine", (*BASE, "second_top", "second_cosine")),
        ("second_top+second_first", (*BASE, "second_top", "second_first")),
        ("second_top+second_agreement", (*BASE, "second_top", "second_agreement")),
        (
            "second_cosine+second_gap+second_first",
            (*BASE, "second_cosine", "second_gap", "second_first"),
        ),
    ]
    committed = run(samples, args.max_declined)["committed"]
    print("committed", committed["threshold"], "rule", committed["rule_threshold"])
    print(
        "  "
        + "  ".join(
            f"{k}: {v['auc']:.3f}/{v['caught']:.3f}/{v['declined']:.3f}"
            for k, v in committed["measured"].items()
        )
    )
    for name, features in variants:
        result = run(samples, args.max_declined, features)
        rows = dict(result["measured"]) | dict(result["one_set_to_another"])
        results[name] = {"threshold": result["threshold"], "weights": result["weights"]} | rows
        line = "  ".join(
            f"{k}: {v['auc']:.3f}/{v['caught']:.3f}/{v['declined']:.3f}" for k, v in rows.items()
        )
        print(f"{name}  threshold {result['threshold']}\n  {line}", flush=True)
    if args.json:
        results["samples"] = [s.__dict__ for s in raw]
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
