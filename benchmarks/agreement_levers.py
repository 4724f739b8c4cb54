"""Rules of agreement between the two models for the answer passage, measured offline.

    python -m benchmarks.fit_answers --set ... --json FILE
    python -m benchmarks.agreement_levers --samples FILE [--json OUT]

The answer passage is the best-scored of the first two articles' candidates
(`search.answering`). Its score already weighs the first model's cosines,
the heading path's cosine and the article's fused score; the second model's
cosines of the same candidates are at hand too (`Retrieval.secondary_cosines`:
no model call). These rules ask whether the two models *agreeing* is
evidence the linear score misses, for the misses where the answer came from
the wrong one of the two articles or the wrong passage of the right one
(docs/search.md, "The 18F misses by kind"). Each rule starts from the
engine's choice (`FITTED_PASSAGE_WEIGHTS`) and, only on a search with the
second model's cosines, may replace it:

- `switch_needs_both`: an answer from the second article stands only when
  both models put it at least as near the query (less `slack`) as the first
  article's nearest candidate; otherwise the first article's best-scored
  candidate answers;
- `nearest_by_all`: the candidate that every one of `keys` puts first
  (both models' cosines, and optionally the heading path's) answers;
- `both_cosines`: the candidate nearest by the two models' relative cosines
  added, nothing else weighed;
- `second_model_weights`: `FITTED_SECOND_MODEL_WEIGHTS` (the
  `answer_second_model` setting), for comparison.

The samples hold no article ids: a candidate of the first article is one
whose `article` feature (its article's fused score over the first's) is 1.
Printed: per set and half, English searches whose chosen passage holds the
labelled answer, and the questions each rule changes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.fit_answers import Search, load_samples
from search.answering import FITTED_PASSAGE_WEIGHTS, FITTED_SECOND_MODEL_WEIGHTS
from search.splits import REPORT, TUNE

Rule = Callable[[Search], int]
BEST = -1e-9  # a relative cosine this close to 0 is the best candidate's


def scored_best(search: Search, weights: Mapping[str, float], among: Sequence[int]) -> int:
    """The candidate of `among` with the highest linear score (the first on a tie)."""
    scores = {i: sum(w * search.features[i].get(k, 0.0) for k, w in weights.items()) for i in among}
    return max(among, key=lambda i: (scores[i], -i))


def engine(search: Search) -> int:
    """The engine's choice with its default weights."""
    return scored_best(search, FITTED_PASSAGE_WEIGHTS, range(len(search.features)))


def second_model_weights(search: Search) -> int:
    """The choice with the `answer_second_model` setting on."""
    weights = FITTED_SECOND_MODEL_WEIGHTS if search.second else FITTED_PASSAGE_WEIGHTS
    return scored_best(search, weights, range(len(search.features)))


def in_first_article(features: Mapping[str, float]) -> bool:
    return features.get("article", 0.0) >= 1.0 - 1e-9


def switch_needs_both(slack: float = 0.0) -> Rule:
    """A second article's answer stands only when both models agree it is nearer."""

    def rule(search: Search) -> int:
        chosen = engine(search)
        rows = search.features
        firsts = [i for i, f in enumerate(rows) if in_first_article(f)]
        if not search.second or in_first_article(rows[chosen]) or not firsts:
            return chosen
        nearer = all(
            rows[chosen][k] >= max(rows[i][k] for i in firsts) - slack
            for k in ("cosine", "secondary_cosine")
        )
        return chosen if nearer else scored_best(search, FITTED_PASSAGE_WEIGHTS, firsts)

    return rule


def nearest_by_all(keys: Sequence[str]) -> Rule:
    """The candidate every one of `keys` (relative to the best) puts first wins."""

    def rule(search: Search) -> int:
        chosen = engine(search)
        if not search.second:
            return chosen
        top = [i for i, f in enumerate(search.features) if all(f[k] >= BEST for k in keys)]
        return top[0] if top else chosen

    return rule


def both_cosines(search: Search) -> int:
    """The candidate nearest by the two models' relative cosines added."""
    if not search.second:
        return engine(search)
    rows = search.features
    return max(range(len(rows)), key=lambda i: (rows[i]["both_cosine"], -i))


RULES: dict[str, Rule] = {
    "engine": engine,
    "second_model_weights": second_model_weights,
    "switch_needs_both": switch_needs_both(),
    "switch_needs_both, slack 0.02": switch_needs_both(0.02),
    "nearest_by_both_models": nearest_by_all(("cosine", "secondary_cosine")),
    "nearest_by_both_models_and_heading": nearest_by_all(
        ("cosine", "secondary_cosine", "section_cosine")
    ),
    "both_cosines_alone": both_cosines,
}


def measure(searches: Sequence[Search], rules: Mapping[str, Rule] = RULES) -> dict[str, Any]:
    """Per rule: English searches of each set and half whose chosen passage
    holds the answer, and the questions where the rule differs from the engine."""
    english = [s for s in searches if s.lang == "en" and s.features]
    names = sorted({s.set for s in english})
    out: dict[str, Any] = {}
    for label, rule in rules.items():
        counts: dict[str, str] = {}
        for name in names:
            for half in (TUNE, REPORT, None):
                part = [s for s in english if s.set == name and half in (None, s.half)]
                held = sum(s.held[rule(s)] for s in part)
                counts[f"{name} {half or 'all'}"] = f"{held} of {len(part)}"
        changed = {
            f"{s.set} {s.id} ({s.half})": "gained" if s.held[rule(s)] else "lost"
            for s in english
            if s.held[rule(s)] != s.held[engine(s)]
        }
        out[label] = {"holds": counts, "changed": changed}
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--samples", type=Path, required=True, help="The --json of benchmarks.fit_answers."
    )
    parser.add_argument("--json", type=Path, help="Write the result here too.")
    args = parser.parse_args(argv)
    result = measure(load_samples(args.samples))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
