"""Fit the answered decision's confidence weights, with a fixed split.

    python -m benchmarks.fit_confidence \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index,content \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index,var/handbook/content \\
        [--max-declined 0.08] [--on-committed FEATURE] [--json FILE]

Every query of every set is searched once with the product's default
settings; the evidence the engine reports (`SearchResponse.features`) and the
query's kind (answerable or unanswerable) are the data. The weights are an
L2-regularised logistic regression on standardised features
(`benchmarks.logistic`), fitted on the **tune** halves of all sets
together (`search.splits`: a hash of the query id, so the halves never
change); the threshold is the highest confidence that declines at most
`--max-declined` (the 0.08 target) of each set's tune half's answerable
queries. The **report**
halves are only measured: the script prints AUC, unanswerable caught and
answerable declined for each set's tune half (in-sample) and report half
(out-of-sample), and, to show whether the features carry from one corpus to
another, the same for weights fitted on one set's tune half alone and
measured on the other sets' report halves.

Keyword evidence (coverage, keyword scores, agreement) cannot be observed for
a question in another language than the article; for such queries it takes
its mean over the same-language queries (computed without the labels), as
the engine's `ConfidenceModel` does.

`--on-committed FEATURE` fits that feature beside the engine's model
instead of refitting every weight (`fit_on`): the committed weights keep
their proportions, a scale, a bias and the new weight are fitted. A full
refit moves the threshold far on these sets (docs/search.md, "Answered or
not"); the second model's `second_top` was added this way.

`committed` in the output measures the engine's current model (FITTED_*
constants, the `answer_threshold` default) on the same searches: adopt a
refit only where it is at least as good on the tune halves. Copy the printed
weights into `search/confidence.py` (FITTED_WEIGHTS,
FITTED_BIAS, FITTED_NEUTRAL) and the threshold into the `answer_threshold`
default. With `--second-look` every query's leave-out evidence
(`search.second_look`) is computed too and the second stage fitted
(`fit_second_look`); copy its `second_look` constants into the
FITTED_SECOND_* constants of `search/second_look.py`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from benchmarks.competition import competition
from benchmarks.logistic import fit_logistic
from kb.results import Query
from kb.settings import Settings
from search.confidence import FEATURES, KEYWORD_EVIDENCE, SECOND_EVIDENCE, ConfidenceModel
from search.evaluation import ANSWERABLE, UNANSWERABLE, auc, load_queries
from search.second_look import FEATURE, GATE, SecondLook, TwoStage, deferred_leave_out
from search.splits import REPORT, TUNE, half_of

if TYPE_CHECKING:
    from search.engine import SearchEngine

L2 = 4.0  # on standardised features; 1 and 4 measured, 4 better on the tune halves


@dataclass(frozen=True)
class Sample:
    """One searched query: its set, half, label and evidence."""

    set: str
    id: str
    answerable: bool
    features: dict[str, float]

    @property
    def half(self) -> str:
        return half_of(self.id)


def collect(
    name: str, queries: Path, index: str, content: str, second_look: bool = False
) -> list[Sample]:
    """Search every labelled query of one set with default settings, the first
    stage alone deciding; with `second_look`, also the leave-out evidence of
    every query (`search.second_look`), computed whatever the confidence."""
    from search.engine import SearchEngine

    engine = SearchEngine(
        Settings.load({"index_dir": index, "content_dir": content, "confidence_second_look": False})
    )
    out: list[Sample] = []
    for query in load_queries(queries):
        if query.kind not in (ANSWERABLE, UNANSWERABLE):
            continue
        response = engine.search(Query(query.text, k=10))
        features = dict(response.features) or dict.fromkeys(FEATURES, 0.0)
        if second_look:
            features[FEATURE] = left_out(engine, query.text, features)
        out.append(Sample(name, query.id, query.kind == ANSWERABLE, features))
    engine.close()
    return out


def left_out(engine: SearchEngine, text: str, features: Mapping[str, float]) -> float:
    """FEATURE as the engine computes it for its answer passage (0 when nothing
    is left out; across languages the model's neutral value stands in)."""
    if features.get("cross_lingual", 0.0) >= 0.5:
        return 0.0
    seen = competition(engine, text)
    found = seen.found
    leave_out = deferred_leave_out(
        engine.embed, found.prepared.vector, found.plan, seen.loaded, seen.candidates
    )
    return leave_out() or 0.0


# Reported by the engine but not fitted: the query's language against the top
# article's and whether it was translated (in both labelled sets every
# cross-language query is answerable,
# so its weight would learn the sets' make-up, not evidence), and the share of
# the query found anywhere (fitted, it took a negative weight, so an
# off-topic question with words the index lacks would gain confidence).
FITTED = tuple(f for f in FEATURES if f not in ("cross_lingual", "translated", "found"))


def matrix(
    samples: Sequence[Sample], features: Sequence[str] = FITTED
) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[s.features.get(f, 0.0) for f in features] for s in samples], dtype=float)
    y = np.array([1.0 if s.answerable else 0.0 for s in samples])
    return x, y


def neutral_values(
    samples: Sequence[Sample], names: Sequence[str] = KEYWORD_EVIDENCE
) -> dict[str, float]:
    """Mean evidence of the same-language queries where it was observed (the
    second model's only where that model took part; labels not used)."""
    same = [s for s in samples if s.features.get("cross_lingual", 0.0) < 0.5]
    out = {}
    for name in names:
        seen = [s.features[name] for s in same if name in s.features]
        out[name] = round(sum(seen) / len(seen), 4) if seen else 0.0
    return out


def imputed(samples: Sequence[Sample], neutral: dict[str, float]) -> list[Sample]:
    model = ConfidenceModel(bias=0.0, weights={}, neutral=neutral)
    return [Sample(s.set, s.id, s.answerable, model.inputs(s.features)) for s in samples]


def fit(
    samples: Sequence[Sample], l2: float = L2, features: Sequence[str] = FITTED
) -> ConfidenceModel:
    """L2-regularised logistic regression on standardised evidence
    (`benchmarks.logistic`), cross-language keyword evidence made neutral.
    `features` other than the engine's are candidates being measured
    (`benchmarks.confidence_levers`)."""
    neutral = neutral_values(samples, neutral_names(features))
    x, y = matrix(imputed(samples, neutral), features)
    bias, weights = fit_logistic(x, y, l2)
    return ConfidenceModel(
        bias=round(bias, 3),
        weights={f: round(float(v), 3) for f, v in zip(features, weights, strict=True)},
        neutral=neutral,
        known=tuple(dict.fromkeys((*FEATURES, *features))),
    )


def neutral_names(features: Sequence[str], keyword: bool = True) -> list[str]:
    """The evidence that takes a neutral value where it is not observed: the
    keyword evidence (unless `keyword` is false) and any of `features` that
    is observed only in some searches."""
    optional = [f for f in features if f in (*SECOND_EVIDENCE, FEATURE)]
    return [*KEYWORD_EVIDENCE, *optional] if keyword else optional


def fit_on(
    base: ConfidenceModel, samples: Sequence[Sample], added: Sequence[str], l2: float = L2
) -> ConfidenceModel:
    """`base`'s weights kept in proportion, `added` evidence fitted beside them.

    The inputs are `base`'s logit (without any `added` feature's term) and
    the `added` evidence; the logistic fit gives the logit a scale, a bias and
    each added feature a weight, returned as one model (base weights times
    the scale). Refitting on the result gives the same model again: its
    logit without the added terms is an affine function of the base's, which
    standardising makes no difference to."""
    core = ConfidenceModel(
        bias=base.bias,
        weights={k: v for k, v in base.weights.items() if k not in added},
        neutral=base.neutral,
        known=base.known,
    )
    neutral = dict(base.neutral) | neutral_values(samples, neutral_names(added, keyword=False))
    filled = imputed(samples, neutral)
    logits = np.array([[core.logit(s.features)] for s in samples])
    x, y = matrix(filled, added)
    bias, weights = fit_logistic(np.hstack([logits, x]), y, l2)
    scale = float(weights[0])
    return ConfidenceModel(
        bias=round(bias + scale * core.bias, 3),
        weights={k: round(scale * v, 3) for k, v in core.weights.items()}
        | {f: round(float(v), 3) for f, v in zip(added, weights[1:], strict=True)},
        neutral=neutral,
        known=tuple(dict.fromkeys((*FEATURES, *base.known, *added))),
    )


class Scorer(Protocol):
    """Anything that turns evidence into a confidence (the fitted model, or a
    candidate combination in `benchmarks.confidence_levers`)."""

    def of(self, features: Mapping[str, float]) -> float: ...


def confidences(model: Scorer, samples: Sequence[Sample]) -> list[float]:
    return [model.of(s.features) for s in samples]


def threshold(model: Scorer, samples: Sequence[Sample], max_declined: float) -> float:
    """The highest threshold (0.01 steps) declining at most `max_declined` of the
    answerable queries of *each* set: the target holds on every corpus, not on
    their sum (where the larger, easier set would hide the other's declines)."""
    scored = list(zip(confidences(model, samples), samples, strict=True))
    per_set = [
        [c for c, s in scored if s.answerable and s.set == name]
        for name in sorted({s.set for s in samples})
    ]
    best = 0.01
    for step in range(1, 100):
        t = step / 100
        if all(sum(c < t for c in scores) <= max_declined * len(scores) for scores in per_set):
            best = t
    return best


def measure(model: Scorer, cut: float, samples: Sequence[Sample]) -> dict[str, float]:
    scores = confidences(model, samples)
    pos = [c for c, s in zip(scores, samples, strict=True) if s.answerable]
    neg = [c for c, s in zip(scores, samples, strict=True) if not s.answerable]
    return {
        "answerable": len(pos),
        "unanswerable": len(neg),
        "auc": round(auc(pos, neg), 3),
        "caught": round(sum(c < cut for c in neg) / len(neg), 3) if neg else 0.0,
        "declined": round(sum(c < cut for c in pos) / len(pos), 3) if pos else 0.0,
    }


def run(
    samples: Sequence[Sample],
    max_declined: float,
    features: Sequence[str] = FITTED,
    on_committed: Sequence[str] = (),
) -> dict[str, Any]:
    """Fit on the tune halves and measure every half; with `on_committed`,
    those features are fitted beside the engine's model (`fit_on`) instead
    of refitting every weight."""
    names = sorted({s.set for s in samples})
    tune = [s for s in samples if s.half == TUNE]

    def fitted(part: Sequence[Sample]) -> ConfidenceModel:
        if on_committed:
            return fit_on(ConfidenceModel(), part, on_committed)
        return fit(part, features=features)

    model = fitted(tune)
    cut = threshold(model, tune, max_declined)
    result: dict[str, Any] = {
        "bias": model.bias,
        "weights": dict(model.weights),
        "neutral": dict(model.neutral),
        "threshold": cut,
        "max_declined": max_declined,
        "measured": {},
        "one_set_to_another": {},
    }
    for name in names:
        for half in (TUNE, REPORT):
            part = [s for s in samples if s.set == name and s.half == half]
            result["measured"][f"{name} {half}"] = measure(model, cut, part)
        result["measured"][f"{name} all"] = measure(
            model, cut, [s for s in samples if s.set == name]
        )
    result["committed"] = committed(samples, max_declined)
    for source in names:
        own = [s for s in tune if s.set == source]
        single = fitted(own)
        single_cut = threshold(single, own, max_declined)
        for target in names:
            if target != source:
                part = [s for s in samples if s.set == target and s.half == REPORT]
                key = f"fit on {source} tune → {target} report"
                result["one_set_to_another"][key] = measure(single, single_cut, part)
    return result


def committed(samples: Sequence[Sample], max_declined: float) -> dict[str, Any]:
    """The engine's own model (FITTED_* constants, the `answer_threshold`
    default) measured on the same searches, beside the refit: whether a refit
    is better on the tune halves is read from one run, and the threshold the
    rule would give those weights today shows how far the data has moved."""
    model = ConfidenceModel()
    cut = Settings.load({}).answer_threshold
    out: dict[str, Any] = {
        "threshold": cut,
        "rule_threshold": threshold(model, [s for s in samples if s.half == TUNE], max_declined),
        "measured": {},
    }
    for name in sorted({s.set for s in samples}):
        for half in (TUNE, REPORT):
            part = [s for s in samples if s.set == name and s.half == half]
            out["measured"][f"{name} {half}"] = measure(model, cut, part)
    return out


def fit_second_look(samples: Sequence[Sample], max_declined: float) -> dict[str, Any]:
    """The second stage (`search.second_look`): the first stage as the engine
    has it (FITTED_* constants), the second model fitted with FEATURE on the
    tune halves, one threshold for the two together chosen as above. Outside
    the gate the first stage decides with `answer_threshold`; both thresholds
    lie inside the gate, so that gives the same decisions as this one cut."""
    tune = [s for s in samples if s.half == TUNE]
    with_it = fit(tune, features=(*FITTED, FEATURE))
    staged = TwoStage(ConfidenceModel(), SecondLook(model=with_it))
    cut = threshold(staged, tune, max_declined)
    if not staged.second.looks_at(cut):
        raise SystemExit(f"second-stage threshold {cut} lies outside the gate {GATE}")
    paying = [s for s in samples if staged.judged(dict(s.features), lambda: 1.0)[1]]
    result: dict[str, Any] = {
        "second_bias": with_it.bias,
        "second_weights": dict(with_it.weights),
        "second_neutral": dict(with_it.neutral),
        "second_threshold": cut,
        "gate": GATE,
        "paying": round(len(paying) / len(samples), 3),
        "measured": {},
    }
    for name in sorted({s.set for s in samples}):
        for half in (TUNE, REPORT, "all"):
            part = [s for s in samples if s.set == name and half in ("all", s.half)]
            result["measured"][f"{name} {half}"] = measure(staged, cut, part)
    return result


def load_samples(path: Path) -> list[Sample]:
    """The samples of an earlier `--json` output (no search)."""
    rows = json.loads(path.read_text(encoding="utf-8"))["samples"]
    return [Sample(r["set"], r["id"], r["answerable"], r["features"]) for r in rows]


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """`--set NAME=QUERIES,INDEX,CONTENT` (repeatable), read by `query_set`."""
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME=QUERIES,INDEX,CONTENT",
        help="A labelled query set and the index and content it runs against (repeatable).",
    )


def query_set(spec: str) -> tuple[str, Path, str, str]:
    """(name, queries file, index, content) of one `--set`, or a clear exit."""
    try:
        name, rest = spec.split("=", 1)
        queries, index, content = rest.split(",")
    except ValueError:
        raise SystemExit(f"--set {spec!r}: expected NAME=QUERIES,INDEX,CONTENT") from None
    if not Path(queries).is_file():
        raise SystemExit(f"--set {name}: no queries file at {queries}")
    return name, Path(queries), index, content


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument("--max-declined", type=float, default=0.08)
    parser.add_argument(
        "--samples", type=Path, help="Reuse the samples of an earlier --json output (no search)."
    )
    parser.add_argument("--json", type=Path, help="Write the result (and every sample) here.")
    parser.add_argument(
        "--on-committed",
        action="append",
        default=[],
        metavar="FEATURE",
        help="Fit this feature beside the engine's model, its other weights kept in "
        "proportion (repeatable; see fit_on), instead of refitting every weight.",
    )
    parser.add_argument(
        "--second-look",
        action="store_true",
        help="Also compute the leave-out evidence and fit the second stage (search.second_look).",
    )
    args = parser.parse_args(argv)
    samples = load_samples(args.samples) if args.samples else []
    for spec in args.sets:
        samples += collect(*query_set(spec), second_look=args.second_look)
    if not samples:
        raise SystemExit("nothing to fit: give --set or --samples")
    unknown = set(args.on_committed) - set(FEATURES)
    if unknown:
        raise SystemExit(f"--on-committed {sorted(unknown)}: known features: {', '.join(FEATURES)}")
    result = run(samples, args.max_declined, on_committed=args.on_committed)
    if args.second_look:
        result["second_look"] = fit_second_look(samples, args.max_declined)
    print(json.dumps({k: v for k, v in result.items()}, indent=2, ensure_ascii=False))
    if args.json:
        result["samples"] = [s.__dict__ | {"half": s.half} for s in samples]
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
