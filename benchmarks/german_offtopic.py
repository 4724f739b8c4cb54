"""Off-topic German questions over English pages: how many are answered, and
what each way of reading a cross-language question's evidence would answer.

    python -m benchmarks.german_offtopic --index var/handbook/index-e5 \\
        --content var/handbook/content \\
        --set german=benchmarks/handbook18f/german-queries.jsonl \\
        --set dev=$SHARED/benchmarks/handbook18f-dev/queries.jsonl [--variants]

The probe questions below ask nothing any organisation's knowledge base
answers (baking, football, pets); they were written for this measurement
and are in no labelled set, and no threshold or weight is fitted to them.
`PROBE` was written first and used to compare the variants; `FRESH` was
written after the choice, to check it. The German questions of each `--set`
(JSON lines with `lang`) are the answerable side: how many are declined.

With `--variants` the confidence is recomputed from each search's evidence
(`SearchResponse.features`, the model of `search.confidence`) for each way
of reading a cross-language question's evidence, and the question's own
candidate cosines (the vector retriever's list) are kept for the variant
that reads its best cosine against them. AUC is German answerable against
the probe's questions, over all of them together.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from kb.results import Query
from kb.settings import Settings
from search import engine as engine_module
from search.confidence import KEYWORD_EVIDENCE, ConfidenceModel
from search.engine import SearchEngine
from search.evaluation import load_queries

PROBE = (
    "Wie backe ich einen Käsekuchen ohne Boden?",
    "Wer hat die Fußball-Weltmeisterschaft 2014 gewonnen?",
    "Wie lange muss man Spaghetti kochen?",
    "Was ist die Hauptstadt von Australien?",
    "Wie pflege ich meine Zimmerpflanzen im Winter?",
    "Welche Gitarrensaiten eignen sich für Anfänger?",
    "Wie weit ist der Mond von der Erde entfernt?",
    "Wann blühen Kirschbäume in Japan?",
    "Wie repariere ich einen platten Fahrradreifen?",
    "Welcher Wein passt zu Fisch?",
    "Wie viele Beine hat eine Spinne?",
    "Wie lerne ich am besten Schach spielen?",
    "Wann beginnt die Skisaison in den Alpen?",
    "Wie entkalke ich meine Kaffeemaschine?",
    "Wer schrieb den Roman Die Buddenbrooks?",
    "Wie oft sollte man einen Hund füttern?",
    "Was kostet ein Ticket für das Oktoberfest?",
    "Wie mache ich einen guten Sauerteig?",
    "Welche Vögel ziehen im Herbst nach Süden?",
    "Wie streiche ich eine Wand ohne Streifen?",
)
FRESH = (
    "Wie kündige ich meinen Handyvertrag?",
    "Welche Autoversicherung ist die günstigste?",
    "Wie beantrage ich Kindergeld für mein zweites Kind?",
    "Wo kann man in Berlin gut frühstücken?",
    "Wie bekomme ich einen neuen Reisepass?",
    "Welche Sonnencreme schützt am besten?",
    "Wie lange hält frisch gepresster Orangensaft im Kühlschrank?",
    "Wann ist der nächste Vollmond?",
    "Wie trainiere ich für einen Halbmarathon?",
    "Welche Zimmertemperatur ist gut zum Schlafen?",
    "Wie wechsle ich meinen Stromanbieter?",
    "Wie funktioniert eine Wärmepumpe?",
    "Wer ist der aktuelle Bundeskanzler?",
    "Wie bringe ich meiner Katze bei, nicht am Sofa zu kratzen?",
    "Was ist der Unterschied zwischen Ale und Lager?",
)


@dataclass
class Searched:
    """One question's search: its label, decision, evidence and candidate cosines."""

    group: str
    answerable: bool
    answered: bool
    confidence: float
    features: dict[str, float]
    cosines: list[float] = field(default_factory=list)


@contextmanager
def _keeping_cosines(kept: dict[str, list[float]]) -> Iterator[None]:
    """The vector retriever's cosines of each search, best first, in `kept`."""
    gather = engine_module.gather_evidence

    def gathering(*args, **kwargs):  # type: ignore[no-untyped-def]
        kept["cosines"] = [cosine for _, cosine in args[3]]
        return gather(*args, **kwargs)

    with mock.patch.object(engine_module, "gather_evidence", gathering):
        yield


def search_all(engine: SearchEngine, questions: list[tuple[str, str, bool]]) -> list[Searched]:
    kept: dict[str, list[float]] = {}
    out = []
    with _keeping_cosines(kept):
        for group, text, answerable in questions:
            kept.clear()
            found = engine.search(Query(text, k=10))
            features = dict(found.features)
            cosines = kept.get("cosines", [])
            out.append(
                Searched(group, answerable, found.answered, found.confidence, features, cosines)
            )
    return out


Variant = Callable[[Searched, ConfidenceModel, float], dict[str, float]]


def _observed(names: tuple[str, ...], mix: float = 1.0, cap: bool = False) -> Variant:
    """Cross-language and translated: `names` observed (`mix` of the way from the
    neutral value; `cap`: never above it), the rest of the keyword evidence neutral."""

    def variant(s: Searched, model: ConfidenceModel, _: float) -> dict[str, float]:
        features = dict(s.features)
        if features.get("translated", 0.0) < 0.5:
            return features
        features["cross_lingual"] = 0.0
        for name in KEYWORD_EVIDENCE:
            value = model.neutral[name]
            if name in names and name in s.features:
                value = mix * s.features[name] + (1 - mix) * model.neutral[name]
                value = min(value, model.neutral[name]) if cap else value
            features[name] = value
        return features

    return variant


def _imputed(s: Searched, model: ConfidenceModel, _: float) -> dict[str, float]:
    return {**s.features, "translated": 0.0}


def _relative_cosine(s: Searched, model: ConfidenceModel, floor: float) -> dict[str, float]:
    """Cross-language: the best cosine read against the question's own last
    candidate, moved to the same-language questions' mean last candidate."""
    features = _imputed(s, model, floor)
    if features.get("cross_lingual", 0.0) >= 0.5 and s.cosines:
        features["cosine"] = features["cosine"] - s.cosines[-1] + floor
    return features


VARIANTS: Mapping[str, Variant] = {
    "imputed (until 5 December)": _imputed,
    "answer coverage observed (now)": _observed(("answer_coverage",)),
    "answer coverage observed, capped at neutral": _observed(("answer_coverage",), cap=True),
    "answer coverage and coverage observed": _observed(("answer_coverage", "coverage")),
    "all keyword evidence observed, capped": _observed(KEYWORD_EVIDENCE, cap=True),
    "all keyword evidence half-way to observed": _observed(KEYWORD_EVIDENCE, mix=0.5, cap=True),
    "cosine relative to its own candidates": _relative_cosine,
}


def auc(positive: list[float], negative: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positive for n in negative]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def report(rows: list[Searched], threshold: float, variants: bool) -> list[str]:
    lines = []
    for group in dict.fromkeys(r.group for r in rows):
        part = [r for r in rows if r.group == group]
        if part[0].answerable:
            declined = sum(not r.answered for r in part)
            lines.append(f"{group}: {declined} of {len(part)} German answerable declined")
        else:
            answered = sum(r.answered for r in part)
            lines.append(f"{group}: {answered} of {len(part)} off-topic answered")
    if not variants:
        return lines
    model = ConfidenceModel()
    # The same-language questions' mean last candidate; without any, every
    # question's (labels not used either way).
    last = [r.cosines[-1] for r in rows if r.cosines]
    same = [r.cosines[-1] for r in rows if r.cosines and r.features.get("cross_lingual", 0) < 0.5]
    floor = statistics.mean(same or last) if last else 0.0
    for name, variant in VARIANTS.items():
        scored = [
            (r, model.of(variant(r, model, floor)) if r.confidence > 0 else 0.0) for r in rows
        ]
        cells = []
        for group in dict.fromkeys(r.group for r in rows):
            part = [(r, c) for r, c in scored if r.group == group]
            below = sum(c < threshold for _, c in part)
            cells.append(f"{group} {'declined' if part[0][0].answerable else 'caught'} {below}")
        positive = [c for r, c in scored if r.answerable]
        negative = [c for r, c in scored if not r.answerable]
        lines.append(f"{name}: {', '.join(cells)}; AUC {auc(positive, negative):.4f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--content", required=True)
    parser.add_argument("--set", action="append", default=[], help="name=queries.jsonl")
    parser.add_argument("--variants", action="store_true")
    args = parser.parse_args()
    settings = Settings.load({"index_dir": args.index, "content_dir": args.content})
    questions = [("probe", t, False) for t in PROBE] + [("fresh", t, False) for t in FRESH]
    for spec in args.set:
        name, _, path = spec.partition("=")
        for q in load_queries(Path(path)):
            if q.lang == "de":
                answerable = q.kind == "answerable"
                group = name if answerable else f"{name} unanswerable"
                questions.append((group, q.text, answerable))
    engine = SearchEngine(settings)
    try:
        rows = search_all(engine, questions)
    finally:
        engine.close()
    print("\n".join(report(rows, settings.answer_threshold, args.variants)))


if __name__ == "__main__":
    main()
