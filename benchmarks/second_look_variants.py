"""Variants of the confidence's second look, measured offline on fitted samples.

    python -m benchmarks.second_look_variants var/fit/second.json

reads the samples written by `python -m benchmarks.fit_confidence
--second-look --json FILE` (each query's engine evidence and its
`leave_out_rarest`, computed whatever the confidence) and measures variants
of `search.second_look` without searching again. For each variant the second
model is the one fitted on the tune halves (as `fit_second_look` does), its
threshold chosen by the same rule (at most `--max-declined` of each set's
tune half declined); one line gives AUC / caught / declined for each set's
tune half, report half and all, and the share of searches that would pay
the second embedding. Variants:

- `band a–b`: the first-stage confidence band that pays for the second look;
- `weight ×f`: the leave-out's weight scaled by f (the other weights kept);
- `lower only`: the second look may lower the confidence, never raise it;
- `gain > 0 only`: a leave-out that moves the question away from the passage
  (a paraphrased word) leaves the first stage standing;
- with `--set` (every query searched again), other rules for the concept left
  out, the second model refitted with each: `article lacks it`, the rarest
  concept no competing passage of the answer's article holds (by stem,
  glossary and translation terms included), so a detail the article answers
  in another section leaves the first stage standing; `no near word`, the
  rarest concept the passage lacks that shares no five-letter beginning with
  a word of the passage (a form the stemmer does not join).

Choose on the tune halves; the report halves are only read.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.competition import competition
from benchmarks.fit_confidence import (
    FITTED,
    Sample,
    add_set_option,
    fit,
    measure,
    query_set,
    threshold,
)
from indexer.metadata import Passage
from kb.settings import Settings
from search.answering import ConceptMatch
from search.confidence import ConfidenceModel
from search.evaluation import load_queries
from search.second_look import FEATURE, SecondLook, TwoStage, without
from search.splits import REPORT, TUNE
from search.terms import words
from search.understanding import QueryPlan


@dataclass(frozen=True)
class Variant:
    """A two-stage scorer with a changed band, weight or rule."""

    staged: TwoStage
    lower_only: bool = False
    positive_only: bool = False

    def judged(self, features: Mapping[str, float]) -> tuple[float, bool]:
        values = dict(features)
        gain = values.get(FEATURE)
        if self.positive_only and gain is not None and gain <= 0:
            gain = 0.0
        confidence, looked = self.staged.judged(values, lambda: gain)
        if self.lower_only and looked:
            confidence = min(confidence, self.staged.first.of(features))
        return confidence, looked

    def of(self, features: Mapping[str, float]) -> float:
        return self.judged(features)[0]


def variants(second: ConfidenceModel) -> dict[str, Variant]:
    """Every variant measured, by name, over the refitted second model."""
    first = ConfidenceModel()

    def staged(band: tuple[float, float] = (0.3, 0.9), scale: float = 1.0) -> TwoStage:
        weights = dict(second.weights)
        weights[FEATURE] = weights[FEATURE] * scale
        return TwoStage(first, SecondLook(model=replace(second, weights=weights), band=band))

    out = {"as fitted, band 0.3–0.9": Variant(staged())}
    for band in ((0.2, 0.95), (0.4, 0.85), (0.3, 0.8), (0.4, 0.9), (0.5, 0.9)):
        out[f"band {band[0]}–{band[1]}"] = Variant(staged(band=band))
    for scale in (0.25, 0.5, 0.75):
        out[f"weight ×{scale}"] = Variant(staged(scale=scale))
    out["lower only"] = Variant(staged(), lower_only=True)
    out["gain > 0 only"] = Variant(staged(), positive_only=True)
    return out


def measured(variant: Variant, samples: Sequence[Sample], max_declined: float) -> dict[str, Any]:
    tune = [s for s in samples if s.half == TUNE]
    cut = threshold(variant, tune, max_declined)
    row: dict[str, Any] = {"threshold": cut}
    row["paying"] = round(sum(variant.judged(s.features)[1] for s in samples) / len(samples), 3)
    for name in sorted({s.set for s in samples}):
        for half in (TUNE, REPORT, "all"):
            part = [s for s in samples if s.set == name and half in ("all", s.half)]
            row[f"{name} {half}"] = measure(variant, cut, part)
    return row


PREFIX = 5  # letters a missing word shares with a passage word to count as near


def near(word: str, text: str) -> bool:
    """Whether `text` has a word sharing the first PREFIX letters with `word`
    (a form the stemmer does not join: "enrollment" and "enrolling")."""
    head = word.lower()[:PREFIX]
    return len(head) == PREFIX and any(w.startswith(head) for w in words(text))


def missing_rules(plan: QueryPlan, best: Passage, article: str) -> dict[str, str | None]:
    """Per rule, the query word to leave out (None: nothing to leave out)."""
    concepts = plan.concepts
    passage = " ".join((best.title, *best.headings, best.text, *best.tags))
    held = ConceptMatch(plan).held(passage)
    in_article = ConceptMatch(plan).held(article)
    rules = {
        "article lacks it": [c for c, h in zip(concepts, in_article, strict=True) if not h],
        "no near word": [
            c for c, h in zip(concepts, held, strict=True) if not h and not near(c.word, passage)
        ],
    }
    return {
        name: max((c.weight, c.word) for c in lacking)[1] if lacking else None
        for name, lacking in rules.items()
    }


def rule_gains(queries: Path, index: str, content: str) -> dict[str, dict[str, float]]:
    """Per rule and query id: the answer passage's cosine gain when the rule's
    concept leaves the typed query; 0 when nothing is left out or the query
    is in another language than the passage."""
    from search.engine import SearchEngine

    engine = SearchEngine(
        Settings.load({"index_dir": index, "content_dir": content, "confidence_second_look": False})
    )
    out: dict[str, dict[str, float]] = {}
    for query in load_queries(queries):
        seen = competition(engine, query.text)
        found, loaded, candidates = seen.found, seen.loaded, seen.candidates
        if not candidates or candidates[0].pid not in loaded:
            continue
        best = loaded[candidates[0].pid]
        if best.lang != found.plan.lang:
            continue
        article = " ".join(
            " ".join((p.title, *p.headings, p.text, *p.tags))
            for p in loaded.values()
            if p.article_id == best.article_id
        )
        on = found.prepared.vector.cosines
        whole = on(engine.embed(found.plan.text), [best.pid], {})[best.pid]
        for name, word in missing_rules(found.plan, best, article).items():
            shorter = without(found.plan.text, [word]) if word else found.plan.text
            if shorter != " ".join(found.plan.text.split()):
                gain = on(engine.embed(shorter), [best.pid], {})[best.pid] - whole
                out.setdefault(name, {})[query.id] = gain
    engine.close()
    return out


def with_gains(samples: Sequence[Sample], gains: Mapping[str, float]) -> list[Sample]:
    """The samples with FEATURE replaced by a rule's leave-out (0: none)."""
    return [
        Sample(s.set, s.id, s.answerable, {**s.features, FEATURE: gains.get(s.id, 0.0)})
        for s in samples
    ]


def report(name: str, row: Mapping[str, Any]) -> None:
    cells = [
        f"{k}: {v['auc']:.3f} / {v['caught']:.3f} / {v['declined']:.3f}"
        for k, v in row.items()
        if isinstance(v, dict)
    ]
    print(f"{name} (threshold {row['threshold']}, paying {row['paying']})")
    print("    " + "\n    ".join(cells))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("samples", type=Path, help="fit_confidence --second-look --json output")
    parser.add_argument("--max-declined", type=float, default=0.08)
    add_set_option(parser)
    args = parser.parse_args(argv)
    rows = json.loads(args.samples.read_text(encoding="utf-8"))["samples"]
    samples = [Sample(r["set"], r["id"], r["answerable"], r["features"]) for r in rows]
    second = fit([s for s in samples if s.half == TUNE], features=(*FITTED, FEATURE))
    print(f"second model: bias {second.bias}, {FEATURE} weight {second.weights[FEATURE]}")
    for name, variant in variants(second).items():
        report(name, measured(variant, samples, args.max_declined))
    gains: dict[str, dict[str, float]] = {}
    for spec in args.sets:
        for rule, by_id in rule_gains(*query_set(spec)[1:]).items():
            gains.setdefault(rule, {}).update(by_id)
    for rule, by_id in gains.items():
        changed = with_gains(samples, by_id)
        refit = fit([s for s in changed if s.half == TUNE], features=(*FITTED, FEATURE))
        staged = TwoStage(ConfidenceModel(), SecondLook(model=refit))
        print(f"{rule}: {FEATURE} weight {refit.weights[FEATURE]}")
        report(rule, measured(Variant(staged), changed, args.max_declined))


if __name__ == "__main__":
    main()
