"""A second look at searches the confidence model is unsure about.

The first stage is `search.confidence.ConfidenceModel` with the
`answer_threshold` setting. When its confidence lies in `GATE` (0.3–0.9, 39 %
of the searches of the two labelled sets) and the `confidence_second_look`
setting is on (off by default, below), one more piece of evidence is computed, `leave_out_rarest`:
the answer passage's cosine to the typed query with its rarest (highest-IDF)
concept that the passage lacks left out, minus its cosine to the whole typed
query. A near miss ("how do I expense a company choir trip") has one detail
the passage lacks pulling the query away from it, so leaving the detail out
raises the cosine; an answer that merely words things differently gains
little. Across languages the passage cannot hold the query's words, so the
evidence takes its same-language mean (like the keyword evidence). A second
logistic model fitted with it (`FITTED_SECOND_*`) and its own threshold then
decide; outside the gate the first stage decides as before.

Measured offline by `benchmarks.confidence_levers` and fitted by
`python -m benchmarks.fit_confidence --second-look` on the tune halves of
the labelled set and the 18F development set, on freshly built indexes
(docs/search.md, "Answered or not"); refitted on the code of 30 November
(evening): through `kb eval`, 18F report half AUC 0.795 → 0.846 and
unanswerable caught 0.417 → 0.667 at the same declines (0.056). The cost is
one extra query embedding in gated searches only (about 40 % of the 18F
set's; CPU per search mean 20.1 → 34.0 ms, p95 31.6 → 75.6 ms with the
query cache off, on a busy machine), and none when the passage holds every
concept or the question is in another language than the passage.

The setting is off by default: on the product's own sets it does not carry
(labelled report half AUC 0.929 → 0.922, unanswerable caught 13 → 12 of 16,
declined 6 → 7 of 69; the own holdout AUC 0.859 → 0.703, caught 3 → 2 of
4), so the gain on the 18F set is not one on the product's own content.
Eleven variants (gate band, weight, rules for the concept left out) were
measured by `benchmarks.second_look_variants`; none is better on both tune
halves. Refitted over the first stage with the second embedding model's
evidence (`second_top`), it reaches 18F AUC 0.900 (caught 0.72, declined
0.069) but the labelled report half falls to 0.892 and the own holdout to
0.680 (docs/search.md): still off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from indexer.metadata import Passage
from kb.settings import Settings
from search.answering import AnswerCandidate, ConceptMatch
from search.confidence import FEATURES, ConfidenceModel, Evidence, is_answered
from search.understanding import QueryPlan
from search.vector import VectorRetriever

FEATURE = "leave_out_rarest"
GATE = (0.3, 0.9)

# Fitted by `python -m benchmarks.fit_confidence --on-committed second_top
# --second-look` on the tune halves of the labelled set and the 18F
# development set, on freshly built indexes, over the first stage with the
# second model's evidence (docs/search.md, eighth round).
FITTED_SECOND_BIAS = -20.282
FITTED_SECOND_WEIGHTS: dict[str, float] = {
    "keyword": 0.993,
    "cosine": 16.434,
    "cosine_gap": 3.049,
    "coverage": 0.995,
    "answer_coverage": 2.447,
    "agreement": 0.106,
    "keyword_share": 1.187,
    "second_top": 4.75,
    "leave_out_rarest": -94.087,
}
# The neutral values the script printed with them: same-language means over
# today's tune halves (within 0.03 of the first stage's older ones).
FITTED_SECOND_NEUTRAL: dict[str, float] = {
    "keyword": 2.7577,
    "coverage": 0.7371,
    "answer_coverage": 0.6983,
    "found": 0.9182,
    "agreement": 0.7676,
    "keyword_share": 0.4655,
    "second_top": 0.5573,
    "leave_out_rarest": 0.0005,
}
FITTED_SECOND_THRESHOLD = 0.68


def without(text: str, drop: Iterable[str]) -> str:
    """`text` with every whole-word occurrence of `drop` removed."""
    for word in drop:
        text = re.sub(rf"(?i)\b{re.escape(word)}\b", " ", text)
    return " ".join(text.split())


def rarest_missing(plan: QueryPlan, passage: Passage) -> str | None:
    """The query word of the highest-IDF concept the passage does not hold."""
    held = ConceptMatch(plan).held(
        " ".join((passage.title, *passage.headings, passage.text, *passage.tags))
    )
    missing = [(c.weight, c.word) for c, h in zip(plan.concepts, held, strict=True) if not h]
    return max(missing)[1] if missing else None


def leave_out_rarest(
    embed: Callable[[str], np.ndarray],
    cosine: Callable[[np.ndarray], float],
    plan: QueryPlan,
    passage: Passage,
) -> float | None:
    """The passage's cosine gain when the rarest concept it lacks leaves the
    typed query; None when it holds every concept (nothing to leave out).
    `embed` is the engine's cached query embedding: the typed text's vector
    is already there, only the shortened text costs an embedding."""
    word = rarest_missing(plan, passage)
    if word is None:
        return None
    shorter = without(plan.text, [word])
    if shorter == " ".join(plan.text.split()):
        return None  # a corrected or glossary word the typed text does not hold
    return cosine(embed(shorter)) - cosine(embed(plan.text))


def deferred_leave_out(
    embed: Callable[[str], np.ndarray],
    vectors: VectorRetriever,
    plan: QueryPlan,
    loaded: Mapping[int, Passage],
    candidates: Sequence[AnswerCandidate],
) -> Callable[[], float | None]:
    """`leave_out_rarest` of the best answer candidate, computed when called
    (only a second look pays for the embedding)."""

    def compute() -> float | None:
        pid = candidates[0].pid if candidates else None
        if pid is None or pid not in loaded:
            return None
        return leave_out_rarest(
            embed, lambda v: vectors.cosines(v, [pid], {})[pid], plan, loaded[pid]
        )

    return compute


@dataclass(frozen=True)
class Judgement:
    """The answered decision and the evidence it was made from."""

    confidence: float
    answered: bool
    features: dict[str, float]


@dataclass(frozen=True)
class SecondLook:
    """The second stage: its model (the first stage's evidence plus FEATURE),
    its threshold, and the band of first-stage confidence that pays for it."""

    model: ConfidenceModel = field(
        default_factory=lambda: ConfidenceModel(
            bias=FITTED_SECOND_BIAS,
            weights=dict(FITTED_SECOND_WEIGHTS),
            neutral=dict(FITTED_SECOND_NEUTRAL),
            known=(*FEATURES, FEATURE),
        )
    )
    threshold: float = FITTED_SECOND_THRESHOLD
    band: tuple[float, float] = GATE

    def looks_at(self, confidence: float) -> bool:
        """Whether a first-stage confidence is unsure enough for a second look."""
        return self.band[0] <= confidence <= self.band[1]


@dataclass(frozen=True)
class Judge:
    """The answered decision: the first stage with its threshold, and where it is
    unsure (and `second` is given) the second stage (`TwoStage`)."""

    first: ConfidenceModel
    threshold: float
    second: SecondLook | None = None

    @classmethod
    def of(cls, first: ConfidenceModel, settings: Settings) -> Judge:
        """The engine's judge: `answer_threshold`, and the second look when the
        `confidence_second_look` setting is on."""
        second = SecondLook() if settings.confidence_second_look else None
        return cls(first, settings.answer_threshold, second)

    def __call__(
        self,
        evidence: Evidence | None,
        leave_out: Callable[[], float | None] = lambda: None,
        nonsense: bool = False,
    ) -> Judgement:
        """Confidence and decision; a nonsense query is unanswered (no second look)."""
        if evidence is None:
            return Judgement(0.0, False, {})
        features = evidence.features()
        if nonsense:
            return Judgement(0.0, False, features)
        if self.second is None:
            confidence = self.first.of(features)
            return Judgement(confidence, is_answered(confidence, self.threshold), features)
        confidence, looked = TwoStage(self.first, self.second).judged(features, leave_out)
        cut = self.second.threshold if looked else self.threshold
        return Judgement(confidence, is_answered(confidence, cut), features)


@dataclass(frozen=True)
class TwoStage:
    """The first model, and the second one where the first is unsure and a
    concept was left out; the fitting script scores samples with it."""

    first: ConfidenceModel
    second: SecondLook

    def judged(
        self, features: dict[str, float], leave_out: Callable[[], float | None]
    ) -> tuple[float, bool]:
        """(confidence, whether the second stage decided); FEATURE is added to
        `features` when computed. `leave_out()` runs only for a same-language
        answer inside the gate; across languages FEATURE is neutral."""
        confidence = self.first.of(features)
        if not self.second.looks_at(confidence):
            return confidence, False
        if features.get("cross_lingual", 0.0) >= 0.5:
            gain: float | None = self.second.model.neutral.get(FEATURE, 0.0)
        else:
            gain = leave_out()
        if not gain:  # nothing left out: the first stage stands, as fitted
            return confidence, False
        features[FEATURE] = gain
        return self.second.model.of(features), True

    def of(self, features: Mapping[str, float]) -> float:
        """Confidence of a sample whose FEATURE was computed beforehand."""
        values = dict(features)
        return self.judged(values, lambda: values.get(FEATURE))[0]
