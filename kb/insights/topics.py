"""Gap topics: failed questions grouped, kept stable from day to day.

`TopicBuilder.update(questions)` is the daily step: questions it has not seen
are embedded once (their vectors are kept with them in the store), each new
question joins the existing topic whose questions it is on average most
similar to (when that reaches the threshold), and the rest are grouped
among themselves into new topics. Topic ids therefore stay put, so an
assignment to a department keeps meaning the same questions.

A topic's `centroid` is the plain mean of its questions' centred vectors (not
scaled to unit length): its dot product with a question is then the
question's average similarity to the topic's questions, the same measure
the grouping uses, so one threshold serves both.

DEFAULT_THRESHOLD was chosen by
`python -m benchmarks.insights clustering --part tuning --sweep`.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from kb.insights.clustering import LanguageMeans, assign, cluster_vectors, vector_languages
from kb.insights.privacy import QuestionCount, shown_texts
from kb.insights.records import GapQuestion, GapTopic, QuestionFigures
from kb.insights.result_articles import (
    RESULTS_THRESHOLD,
    result_profiles,
    split_stored,
    with_results,
)
from kb.insights.store import InsightsStore
from kb.insights.subjects import subject_vectors
from kb.insights.vectors import QuestionEmbedder, language_prior

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.19
# Stored like a question, under a key no normalised question can have
# (questions never start with a control character after `normalise_query`).
PRIOR_KEY = "\x01language prior "


@dataclass(frozen=True)
class TopicUpdate:
    """What one update did."""

    questions: int
    embedded: int
    assigned: int
    new_topics: int
    seconds: float


def choose_label(
    members: Sequence[QuestionFigures], similarity: Mapping[str, float], min_people: int
) -> str:
    """The topic's most typical question that may be shown: among texts asked
    by at least `min_people` people, the one with most searches weighted by
    how central it is; '' when no text may be shown."""
    shown = set(
        shown_texts((QuestionCount(m.text, m.searches, m.people) for m in members), min_people)
    )
    best = sorted(
        (m for m in members if m.text in shown),
        key=lambda m: (-(m.searches * (1.0 + similarity.get(m.text, 0.0))), m.text),
    )
    return best[0].text if best else ""


def _department(members: Sequence[QuestionFigures]) -> str:
    votes: Counter[str] = Counter()
    for m in members:
        votes[m.department] += m.searches
    ranked = sorted(votes.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))
    return ranked[0][0] if ranked else ""


def centred_questions(
    raw: np.ndarray, langs: Sequence[str], prior: Mapping[str, np.ndarray]
) -> np.ndarray:
    """The questions' vectors as the grouping compares them: each centred by
    the language its vector is in, not the one the word-based detector
    guessed (`vector_languages`)."""
    read = vector_languages(raw, langs, prior)
    return LanguageMeans.fit(raw, read, prior).center(raw, read)


def _widened(centroid: np.ndarray, width: int) -> np.ndarray:
    """A topic's centre as wide as the questions' vectors: a centre kept from
    before the result profiles were appended gets zeros there, so that a
    question meets it by its vector alone until the topic's centre is computed
    again (its topic id, and the department it is assigned to, stay)."""
    if len(centroid) >= width:
        return centroid[:width]
    return np.concatenate([centroid, np.zeros(width - len(centroid), dtype=np.float32)])


class TopicBuilder:
    """Keeps the gap topics of a store up to date."""

    def __init__(
        self,
        store: InsightsStore,
        embedder: Callable[[], QuestionEmbedder],
        model: str,
        prior_texts: Callable[[], Mapping[str, Sequence[str]]],
        *,
        min_people: int = 3,
        threshold: float | None = None,
        results: Callable[[Sequence[str]], Mapping[str, Sequence[str]]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self.store = store
        self._embedder_factory = embedder
        self._embedder: QuestionEmbedder | None = None
        self.model = model
        self._prior_texts = prior_texts
        self.min_people = min_people
        # With `results` (the articles each text's search showed), each stored
        # vector ends with its profile and the grouping weighs both
        # (`kb.insights.result_articles`), at the threshold chosen for both.
        self._results = results
        if threshold is None:
            threshold = DEFAULT_THRESHOLD if results is None else RESULTS_THRESHOLD
        self.threshold = threshold
        self.clock = clock

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._embedder is None:
            self._embedder = self._embedder_factory()
        # Each vector leans towards what its question is about (`subjects`).
        vectors = subject_vectors(list(texts), self._embedder.embed_questions)
        if self._results is None:
            return vectors
        return np.hstack([vectors, result_profiles(texts, self._results(texts))])

    def _space(self, stored: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """The stored vectors as the grouping compares them: centred, with
        their result profiles appended when they have them."""
        if self._results is None:
            return centred_questions(stored, langs, self.prior())
        vectors, profiles = split_stored(stored)
        return with_results(centred_questions(vectors, langs, self.prior()), profiles)

    def prior(self) -> dict[str, np.ndarray]:
        """Per-language means of the knowledge base's titles and headings,
        computed once per model and kept in the store."""
        stored = {
            q.text[len(PRIOR_KEY) :]: q.vector
            for q in self.store.gap_questions(model=self.model)
            if q.text.startswith(PRIOR_KEY)
        }
        if stored:
            return stored
        texts = self._prior_texts()
        if not texts:
            return {}
        if self._embedder is None:
            self._embedder = self._embedder_factory()
        prior = language_prior(self._embedder, texts)
        now = self.clock()
        self.store.save_gap_questions(
            GapQuestion(
                text=PRIOR_KEY + lang, lang=lang, model=self.model, vector=v, first_seen=now
            )
            for lang, v in prior.items()
        )
        return prior

    def update(self, questions: Sequence[QuestionFigures]) -> TopicUpdate:
        """Place every failed question of `questions` in a topic."""
        started = time.perf_counter()
        failed = [q for q in questions if q.failed]
        if not failed:
            return TopicUpdate(0, 0, 0, 0, time.perf_counter() - started)
        known = {g.text: g for g in self.store.gap_questions([q.text for q in failed], self.model)}
        missing = [q for q in failed if q.text not in known]
        now = self.clock()
        if missing:
            vectors = self._embed([q.text for q in missing])
            for q, v in zip(missing, vectors, strict=True):
                known[q.text] = GapQuestion(
                    text=q.text, lang=q.lang, model=self.model, vector=v, first_seen=now
                )
        raw = np.stack([known[q.text].vector for q in failed])
        centred = self._space(raw, [q.lang for q in failed])
        topic_of = np.array([known[q.text].topic_id or -1 for q in failed], dtype=np.int64)
        topics = {t.id: t for t in self.store.topics() if t.id is not None}
        ids = np.array(sorted(topics), dtype=np.int64)
        fresh = np.flatnonzero(topic_of < 0)
        assigned = 0
        if len(fresh) and len(ids):
            means = np.stack([_widened(topics[int(i)].centroid, centred.shape[1]) for i in ids])
            found = assign(centred[fresh], means, self.threshold)
            topic_of[fresh[found >= 0]] = ids[found[found >= 0]]
            assigned = int((found >= 0).sum())
        new_topics = self._new_topics(failed, centred, topic_of, topics, now)
        self._refresh_topics(failed, centred, topic_of, topics, now)
        self.store.save_gap_questions(
            replace(known[q.text], topic_id=int(topic_of[i]), lang=q.lang or known[q.text].lang)
            for i, q in enumerate(failed)
        )
        took = time.perf_counter() - started
        logger.info(
            "insights: %d failed questions, %d embedded, %d joined topics, %d new topics in %.1f s",
            len(failed),
            len(missing),
            assigned,
            new_topics,
            took,
        )
        return TopicUpdate(len(failed), len(missing), assigned, new_topics, took)

    def _new_topics(
        self,
        failed: Sequence[QuestionFigures],
        centred: np.ndarray,
        topic_of: np.ndarray,
        topics: dict[int, GapTopic],
        now: datetime,
    ) -> int:
        """Cluster the questions no topic took (`topic_of` < 0) into new topics,
        filling in `topic_of` and `topics`; returns how many were made."""
        rest = np.flatnonzero(topic_of < 0)
        if not len(rest):
            return 0
        weights = [failed[int(i)].searches for i in rest]
        groups = cluster_vectors(centred[rest], weights, self.threshold)
        made = 0
        for group in range(int(groups.max()) + 1):
            members = rest[groups == group]
            topic = self.store.save_topic(
                GapTopic(
                    label="",
                    department="",
                    centroid=centred[members].mean(axis=0),
                    created=now,
                    updated=now,
                )
            )
            assert topic.id is not None
            topics[topic.id] = topic
            topic_of[members] = topic.id
            made += 1
        return made

    def _refresh_topics(
        self,
        failed: Sequence[QuestionFigures],
        centred: np.ndarray,
        topic_of: np.ndarray,
        topics: dict[int, GapTopic],
        now: datetime,
    ) -> None:
        for topic_id in sorted(set(topic_of.tolist())):
            rows = np.flatnonzero(topic_of == topic_id)
            members = [failed[int(i)] for i in rows]
            mean = centred[rows].mean(axis=0)
            sims = {failed[int(i)].text: float(centred[i] @ mean) for i in rows}
            topic = topics[topic_id]
            label = choose_label(members, sims, self.min_people) or topic.label
            self.store.save_topic(
                replace(
                    topic, label=label, department=_department(members), centroid=mean, updated=now
                )
            )
