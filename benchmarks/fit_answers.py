"""Fit the answer passage's score (`search.answering`), with a fixed split.

    python -m benchmarks.fit_answers \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index,content,path,benchmarks/labelled/answers.jsonl \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index,var/handbook/content,relative,benchmarks/handbook18f/answers.jsonl \\
        [--objective pairwise|choice] [--features NAME,...] [--json FILE] [--samples FILE]

Every query with an answer label is searched with the product's default
settings; the passages that compete for the answer (`candidate_pids`), their
features (`passage_features`, exactly what the engine computes) and whether
each holds the labelled answer (`AnswerLabel.held_by`, as `kb eval
--answers` judges) are the data. The weights are a pairwise logistic
regression without intercept: for every search, each passage that holds the
answer against each that does not, every search weighing the same
(`--objective choice` fits a conditional logit instead, the softmax share
of a search's holding passages, `benchmarks.logistic.fit_choice`). They are
fitted on the **tune** halves of all sets together (`search.splits`); the
**report** halves are only measured. The script prints, per set and half,
how often the best-scored passage holds the answer (English questions, and
all) for the fitted weights, the engine's current weights and the passage
that fusion ranks first, and, for each set, weights fitted on it alone and
measured on the others' report halves. `cross_validated` refits on four
fifths of the tune halves and measures on the fifth left out (five folds by
a hash of the query id), for ten such splits: the in-sample tune rate
flatters every added feature, so variants are compared by this mean (one
split alone moves by a question or two either way). `--features` fits on a
subset of `PASSAGE_FEATURES` (the others weigh 0), so a variant with and
one without a feature are compared on the same searches. Weights that read
the second model's cosines (`SECOND_MODEL_FEATURES`) are measured, as the
engine uses them, only on searches that have them; the others keep
`FITTED_PASSAGE_WEIGHTS`. They are fitted on every tune search, those
without the second model's cosines at their neutral 0 (cross-validated,
0.800 against 0.786 fitted on those with them alone).

Copy the printed weights into `search/answering.py` (FITTED_PASSAGE_WEIGHTS,
or FITTED_SECOND_MODEL_WEIGHTS for a fit with the second model's features).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.logistic import fit_choice, fit_logistic
from kb.results import Query
from kb.settings import Settings
from search.answer_quality import ShownAnswer, load_answer_labels
from search.answering import (
    FITTED_PASSAGE_WEIGHTS,
    PASSAGE_FEATURES,
    SECOND_MODEL_FEATURES,
    passage_features,
    passage_weights,
)
from search.evaluation import ID_FORMS, load_queries
from search.splits import REPORT, TUNE, half_of

L2 = 1.0
OBJECTIVES = ("pairwise", "choice")
FOLDS = 5
SPLITS = 10  # random splits into folds, averaged


@dataclass(frozen=True)
class Search:
    """One labelled search: its competing passages' features and labels, in result order."""

    set: str
    id: str
    lang: str
    features: list[dict[str, float]]
    held: list[bool]
    # whether its candidates have the second model's cosines (`passage_weights`)
    second: bool = False

    @property
    def half(self) -> str:
        return half_of(self.id)


def collect(name: str, spec: Sequence[str]) -> list[Search]:
    """Search every query of one set that has an answer label."""
    from search.engine import SearchEngine

    queries, index, content, id_form, answers = spec
    labels = load_answer_labels(Path(answers))
    doc_id = ID_FORMS[id_form]
    engine = SearchEngine(Settings.load({"index_dir": index, "content_dir": content}))
    out: list[Search] = []
    for query in load_queries(Path(queries)):
        label = labels.get(query.id)
        if label is None:
            continue
        found = engine.retrieve(Query(query.text, k=10))
        groups, _ = engine.rank(found)
        loaded, cosines, sections = engine.competing(found, groups)
        rows = passage_features(
            groups, loaded, cosines, found.plan, sections, found.secondary_cosines
        )
        held = [
            label.held_by(ShownAnswer(a, loaded[p].headings, loaded[p].text), doc_id)
            for p, a, _ in rows
        ]
        second = bool(found.secondary_cosines)
        features = [f for _, _, f in rows]
        out.append(Search(name, query.id, query.lang or "", features, held, second))
    engine.close()
    return out


def fit(
    searches: Sequence[Search],
    l2: float = L2,
    objective: str = "pairwise",
    features: Sequence[str] = PASSAGE_FEATURES,
) -> dict[str, float]:
    """Pairwise weights (each holding passage against each other one of its
    search) or, for `choice`, a conditional logit over each search's passages;
    of `features` only."""
    if objective == "choice":
        groups = [
            (np.array([[f[k] for k in features] for f in s.features]), np.array(s.held))
            for s in searches
            if s.features
        ]
        coef = fit_choice(groups, l2)
        return {k: round(float(v), 3) for k, v in zip(features, coef, strict=True)}
    diffs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for search in searches:
        x = np.array([[f[k] for k in features] for f in search.features])
        pos, neg = x[np.array(search.held, dtype=bool)], x[~np.array(search.held, dtype=bool)]
        if len(pos) == 0 or len(neg) == 0:
            continue
        pairs = (pos[:, None, :] - neg[None, :, :]).reshape(-1, len(features))
        diffs.append(pairs)
        weights.append(np.full(len(pairs), 1.0 / len(pairs)))
    x = np.vstack(diffs + [-d for d in diffs])
    y = np.concatenate([np.ones(len(x) // 2), np.zeros(len(x) // 2)])
    w = np.concatenate(weights + weights)
    _, coef = fit_logistic(x, y, l2, weight=w, intercept=False)
    return {k: round(float(v), 3) for k, v in zip(features, coef, strict=True)}


def chosen_holds(search: Search, weights: Mapping[str, float] | None) -> bool:
    """Whether the best-scored passage (the fused first with no weights) holds the
    answer. Weights that read the second model's cosines score only a search
    that has them; any other is scored as the engine does without them."""
    if not search.features:
        return False
    if weights is None:
        return search.held[0]
    if not search.second and not SECOND_MODEL_FEATURES.isdisjoint(weights):
        weights = FITTED_PASSAGE_WEIGHTS
    scores = [sum(w * f[k] for k, w in weights.items()) for f in search.features]
    return search.held[int(np.argmax(scores))]


def rate(searches: Sequence[Search], weights: Mapping[str, float] | None) -> dict[str, Any]:
    english = [s for s in searches if s.lang == "en"]

    def share(part: Sequence[Search]) -> float:
        return round(sum(chosen_holds(s, weights) for s in part) / len(part), 3) if part else 0.0

    return {"queries": len(searches), "english": share(english), "all": share(searches)}


def fold_of(query_id: str, split: int = 0) -> int:
    """The cross-validation fold of a query in one of the `SPLITS` random
    splits (a hash apart from the tune/report split)."""
    return hashlib.sha256(f"fold{split}:{query_id}".encode()).digest()[0] % FOLDS


def cross_validated(
    tune: Sequence[Search], l2: float, objective: str, features: Sequence[str] = PASSAGE_FEATURES
) -> dict[str, Any]:
    """The English rate on each tune fold of weights fitted on the other
    folds, for each of `SPLITS` splits into folds: its mean, lowest and
    highest (one split alone moves by a question or two either way)."""
    english = [s for s in tune if s.lang == "en"]
    rates: list[float] = []
    for split in range(SPLITS):
        chosen: list[bool] = []
        for fold in range(FOLDS):
            train = [s for s in tune if fold_of(s.id, split) != fold]
            weights = fit(train, l2, objective, features)
            chosen += [chosen_holds(s, weights) for s in english if fold_of(s.id, split) == fold]
        rates.append(sum(chosen) / len(chosen) if chosen else 0.0)
    return {
        "queries": len(english),
        "splits": SPLITS,
        "english": round(sum(rates) / len(rates), 3),
        "lowest": round(min(rates), 3),
        "highest": round(max(rates), 3),
    }


def run(
    searches: Sequence[Search],
    l2: float = L2,
    objective: str = "pairwise",
    features: Sequence[str] = PASSAGE_FEATURES,
) -> dict[str, Any]:
    names = sorted({s.set for s in searches})
    tune = [s for s in searches if s.half == TUNE]
    weights = fit(tune, l2, objective, features)
    result: dict[str, Any] = {
        "weights": weights,
        "l2": l2,
        "objective": objective,
        "features": list(features),
        "cross_validated": cross_validated(tune, l2, objective, features),
        "measured": {},
        "one_set_to_another": {},
    }
    choices: dict[str, Mapping[str, float] | None] = {
        "fitted": weights,
        "engine": passage_weights(False),
        "engine, answer_second_model": passage_weights(True),
        "fused first": None,
    }
    for name in names:
        for half in (TUNE, REPORT, None):
            part = [s for s in searches if s.set == name and (half is None or s.half == half)]
            result["measured"][f"{name} {half or 'all'}"] = {
                label: rate(part, w) for label, w in choices.items()
            }
    for source in names:
        single = fit([s for s in tune if s.set == source], l2, objective, features)
        for target in names:
            if target != source:
                part = [s for s in searches if s.set == target and s.half == REPORT]
                result["one_set_to_another"][f"fit on {source} tune → {target} report"] = rate(
                    part, single
                )
    return result


def add_answer_sets(parser: argparse.ArgumentParser) -> None:
    """The repeatable `--set NAME=QUERIES,INDEX,CONTENT,IDS,ANSWERS` option
    (also `benchmarks.answer_misses`); `answer_set` reads one."""
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=QUERIES,INDEX,CONTENT,IDS,ANSWERS",
        help="A query set with answer labels, its index and content, and its id form "
        "(path|stem|relative) (repeatable).",
    )


def answer_set(spec: str) -> tuple[str, list[str]]:
    """One `--set` value as its name and its five parts, or exit saying what is wrong."""
    name, _, rest = spec.partition("=")
    parts = rest.split(",")
    if len(parts) != 5 or not name:
        raise SystemExit(f"--set {spec!r}: expected NAME=QUERIES,INDEX,CONTENT,IDS,ANSWERS")
    if parts[3] not in ID_FORMS:
        raise SystemExit(f"--set {name}: ids must be one of {', '.join(ID_FORMS)}")
    return name, parts


def load_samples(path: Path) -> list[Search]:
    """The searches an earlier `--json` wrote (`--samples`)."""
    rows = json.loads(path.read_text(encoding="utf-8"))["searches"]
    return [
        Search(r["set"], r["id"], r["lang"], r["features"], r["held"], r.get("second", False))
        for r in rows
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_answer_sets(parser)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--objective", choices=OBJECTIVES, default="pairwise")
    parser.add_argument(
        "--features",
        default=",".join(PASSAGE_FEATURES),
        help="Comma-separated features to fit (default: all of PASSAGE_FEATURES).",
    )
    parser.add_argument("--samples", type=Path, help="Reuse the searches of an earlier --json.")
    parser.add_argument("--json", type=Path, help="Write the result (and every search) here.")
    args = parser.parse_args(argv)
    searches: list[Search] = load_samples(args.samples) if args.samples else []
    for spec in args.sets:
        searches += collect(*answer_set(spec))
    if not searches:
        raise SystemExit("nothing to fit: give --set or --samples")
    features = [f.strip() for f in args.features.split(",") if f.strip()]
    unknown = sorted(set(features) - set(PASSAGE_FEATURES))
    if unknown or not features:
        raise SystemExit(
            f"--features {args.features!r}: choose among {', '.join(PASSAGE_FEATURES)}"
        )
    result = run(searches, args.l2, args.objective, features)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        result["searches"] = [s.__dict__ for s in searches]
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
