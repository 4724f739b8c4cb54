"""Routing levers, measured offline from one search per labelled question.

    python -m benchmarks.routing_levers \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set german=benchmarks/handbook18f/german-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --set holdout=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-e5,content

Every question is searched once with default settings and the department
classifier off; what the engine hands the router (the best articles'
departments and scores, the query's words and vector) is recorded with the
answered decision and confidence. Each variant then routes every question
again from that record, so the grid takes seconds; the first line (the
router as it was) reproduces `kb eval`'s routing accuracy exactly, and the
chosen classifier line reproduces it with the classifier on.

One line per variant: routing accuracy on each set's tune and report half
and the mean over the tune halves of the sets named in `--tune` (choose by
that column; the report halves and a set used only for reporting, such as
the own holdout, are read, never chosen on). docs/search.md ("Routing")
has the figures and what was kept.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from benchmarks.fit_confidence import add_set_option, query_set
from indexer.heading_vectors import heading_path
from indexer.reader import Snapshot
from kb.records import EVERYONE, Department
from kb.results import Query
from kb.settings import Settings
from search.department_classifier import DepartmentClassifier
from search.engine import SearchEngine
from search.evaluation import load_queries
from search.routing import Route, Router
from search.splits import HALVES, half_of
from search.terms import is_stopword, words


@dataclass
class Record:
    """What routing saw for one labelled question."""

    set: str
    id: str
    label: str
    answered: bool
    confidence: float
    scored: list[tuple[str, float]]
    words: list[str]
    vector: np.ndarray
    index: str


@dataclass
class Corpus:
    """One snapshot's router inputs: departments and visible passage vectors."""

    router: Router
    vectors: np.ndarray
    departments: list[str]
    articles: list[str]
    # Each department's "name: description", embedded in the query role.
    descriptions: dict[str, np.ndarray]
    departments_by_slug: dict[str, Department]
    # Each visible passage's section heading path vector (query role), where stored.
    headings: list[np.ndarray | None]


def collect(name: str, queries: Any, index: str, content: str) -> tuple[list[Record], Corpus]:
    """Search every labelled question once and record the router's inputs."""
    settings = Settings.load(
        {"index_dir": index, "content_dir": content, "route_classifier_weight": 0}
    )
    engine = SearchEngine(settings)
    prepared = engine.prepared()
    router = prepared.router
    seen: dict[str, Any] = {}
    original = router.route

    def recording(
        scored: Sequence[tuple[str, float]],
        words: Sequence[str],
        learned: Mapping[str, float] | None = None,
        query_vector: np.ndarray | None = None,
        heard: bool = True,
        service: str | None = None,
    ) -> Route:
        seen.update(scored=list(scored), words=list(words), vector=query_vector)
        return original(scored, words, learned, query_vector, heard, service)

    router.route = recording  # type: ignore[method-assign]
    records = []
    for q in load_queries(queries):
        if not q.department:
            continue
        response = engine.search(Query(q.text, k=10))
        vector = np.asarray(seen["vector"], dtype=np.float32).ravel()
        records.append(
            Record(
                name,
                q.id,
                q.department,
                response.answered,
                response.confidence,
                seen["scored"],
                seen["words"],
                vector,
                index,
            )  # fmt: skip
        )
    snapshot = prepared.snapshot
    owners = snapshot.owners
    pids = sorted(p for p, o in owners.items() if EVERYONE in {a.lower() for a in o.audience})
    stored = snapshot.vectors.vectors(pids)
    kept = [p for p in pids if p in stored]
    corpus = Corpus(
        Router(snapshot.departments, settings.triage_department, settings.route_threshold),
        np.stack([stored[p] for p in kept]),
        [owners[p].department for p in kept],
        [owners[p].article_id for p in kept],
        {
            slug: engine.embedder.embed_query(f"{d.name}: {d.description}")
            for slug, d in snapshot.departments.items()
        },
        dict(snapshot.departments),
        heading_rows(snapshot, kept),
    )
    engine.close()
    return records, corpus


def heading_rows(snapshot: Snapshot, pids: Sequence[int]) -> list[np.ndarray | None]:
    """The heading path vector of each passage (None where the snapshot has none)."""
    paths: dict[int, str] = {}
    for start in range(0, len(pids), 500):
        for pid, p in snapshot.passages(list(pids[start : start + 500])).items():
            paths[pid] = heading_path(p.title, p.headings)
    vectors = snapshot.heading_vectors(set(paths.values()))
    return [vectors.get(paths.get(p, "")) for p in pids]


def heading_classifier(corpus: Corpus, both: bool) -> DepartmentClassifier | None:
    """The classifier fitted on heading path vectors (and, with `both`, passages too)."""
    rows = [
        (h, d) for h, d in zip(corpus.headings, corpus.departments, strict=True) if h is not None
    ]
    vectors = [h for h, _ in rows] + (list(corpus.vectors) if both else [])
    labels = [d for _, d in rows] + (corpus.departments if both else [])
    return DepartmentClassifier.fit(np.stack(vectors), labels)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = np.exp((scores - scores.max()) / temperature)
    return z / z.sum()


class Centroids:
    """Softmax of the query's cosines to each department's mean passage vector."""

    def __init__(self, corpus: Corpus, temperature: float) -> None:
        self.labels = sorted(set(corpus.departments))
        unit, depts = _unit(corpus.vectors), np.asarray(corpus.departments)
        self.centroids = _unit(np.stack([unit[depts == d].mean(0) for d in self.labels]))
        self.temperature = temperature

    def shares(self, vector: np.ndarray) -> dict[str, float]:
        probs = _softmax(self.centroids @ _unit(vector), self.temperature)
        return dict(zip(self.labels, probs.tolist(), strict=True))


class Descriptions:
    """Softmax of the query's cosines to each department's embedded description."""

    def __init__(self, corpus: Corpus, temperature: float) -> None:
        self.labels = sorted(corpus.descriptions)
        self.vectors = _unit(np.stack([corpus.descriptions[d] for d in self.labels]))
        self.temperature = temperature

    def shares(self, vector: np.ndarray) -> dict[str, float]:
        probs = _softmax(self.vectors @ _unit(vector), self.temperature)
        return dict(zip(self.labels, probs.tolist(), strict=True))


class ArticleNeighbours:
    """The ten nearest articles (mean passage vector) vote with exp(Δcosine / t)."""

    def __init__(self, corpus: Corpus, temperature: float, k: int = 10) -> None:
        unit, arts = _unit(corpus.vectors), np.asarray(corpus.articles)
        names = sorted(set(corpus.articles))
        self.vectors = _unit(np.stack([unit[arts == a].mean(0) for a in names]))
        owner = dict(zip(corpus.articles, corpus.departments, strict=True))
        self.departments = [owner[a] for a in names]
        self.temperature, self.k = temperature, k

    def shares(self, vector: np.ndarray) -> dict[str, float]:
        cos = self.vectors @ _unit(vector)
        top = np.argsort(-cos)[: self.k]
        votes: dict[str, float] = {}
        for i in top:
            weight = math.exp((cos[i] - cos[top[0]]) / self.temperature)
            votes[self.departments[i]] = votes.get(self.departments[i], 0.0) + weight
        total = sum(votes.values())
        return {d: v / total for d, v in votes.items()}


RouteFn = Callable[[Record], str]


def with_profile(corpora: Mapping[str, Corpus], make: Callable[[Corpus], Any], w: float) -> RouteFn:
    """Route through the router with `make(corpus)` as its classifier at weight w."""
    routers: dict[str, Router] = {}
    for index, corpus in corpora.items():
        base = corpus.router
        router = Router({}, base.triage, base.threshold, classifier=make(corpus))
        router._keywords = base._keywords
        router.classifier_share = w
        routers[index] = router
    return lambda r: routers[r.index].route(r.scored, r.words, None, r.vector).department


def falling_with_confidence(corpora: Mapping[str, Corpus], w: float) -> RouteFn:
    """The classifier (as chosen) at weight w × (1 − confidence)."""
    classifiers = {
        i: DepartmentClassifier.fit(c.vectors, c.departments) for i, c in corpora.items()
    }

    def route(r: Record) -> str:
        base = corpora[r.index].router
        router = Router({}, base.triage, base.threshold, classifier=classifiers[r.index])
        router._keywords = base._keywords
        router.classifier_share = w * (1 - r.confidence)
        return router.route(r.scored, r.words, None, r.vector).department

    return route


def description_keywords(corpora: Mapping[str, Corpus], share: float) -> RouteFn:
    """The words of each department's description (4+ letters) as extra keywords."""
    routers = {}
    for index, corpus in corpora.items():
        base = corpus.router
        extended = {
            slug: replace(
                d,
                keywords=(
                    *d.keywords,
                    *(w for w in words(d.description) if len(w) > 3 and not is_stopword(w)),
                ),
            )
            for slug, d in corpus.departments_by_slug.items()
        }
        routers[index] = Router(extended, base.triage, base.threshold, keyword_share=share)
    return lambda r: routers[r.index].route(r.scored, r.words).department


def unsure_sharpness(
    corpora: Mapping[str, Corpus], sure: float, unsure: float, gate: float, classifier: bool = False
) -> RouteFn:
    """Softer article votes when the search is unsure (confidence below `gate`),
    optionally with the classifier as chosen."""
    routers = {}
    for index, corpus in corpora.items():
        base = corpus.router
        fitted = (
            DepartmentClassifier.fit(corpus.vectors, corpus.departments) if classifier else None
        )
        routers[index] = Router({}, base.triage, base.threshold, classifier=fitted)
        routers[index]._keywords = base._keywords

    def route(r: Record) -> str:
        router = routers[r.index]
        router.sharpness = unsure if r.confidence < gate else sure
        return router.route(r.scored, r.words, None, r.vector).department

    return route


def variants(corpora: Mapping[str, Corpus]) -> Iterator[tuple[str, RouteFn]]:
    """Every variant of the grid, the router as it was first."""
    yield (
        "votes and keywords (before)",
        lambda r: corpora[r.index].router.route(r.scored, r.words).department,
    )
    for reg in (0.03, 0.1, 0.3, 1.0):
        for t in (0.02, 0.05, 0.1):
            for w in (0.2, 0.3, 0.4, 0.5):

                def fitted(c: Corpus, reg: float = reg, t: float = t) -> Any:
                    return DepartmentClassifier.fit(c.vectors, c.departments, reg, t)

                yield f"classifier reg {reg} t {t} w {w}", with_profile(corpora, fitted, w)
    for both in (False, True):
        for w in (0.2, 0.3, 0.4):
            yield (
                f"classifier on heading vectors{' and passages' if both else ''} w {w}",
                with_profile(corpora, lambda c, both=both: heading_classifier(c, both), w),
            )
    for t in (0.005, 0.01, 0.02):
        for w in (0.3, 0.5, 0.7):
            yield f"centroids t {t} w {w}", with_profile(corpora, lambda c, t=t: Centroids(c, t), w)
    for t in (0.01, 0.02, 0.05):
        for w in (0.3, 0.5):
            yield (
                f"article kNN t {t} w {w}",
                with_profile(corpora, lambda c, t=t: ArticleNeighbours(c, t), w),
            )
    for t in (0.005, 0.01, 0.02):
        for w in (0.3, 0.5):
            yield (
                f"descriptions t {t} w {w}",
                with_profile(corpora, lambda c, t=t: Descriptions(c, t), w),
            )
    for share in (0.1, 0.2, 0.3):
        yield f"description words as keywords, share {share}", description_keywords(corpora, share)
    for w in (0.3, 0.5, 0.7):
        yield f"classifier w {w} x (1 - confidence)", falling_with_confidence(corpora, w)
    for sure in (0.1, 0.2):
        for unsure in (0.3, 0.5, 1.0):
            for gate in (0.5, 0.7):
                yield (
                    f"sharpness {sure} / {unsure} below {gate}",
                    unsure_sharpness(corpora, sure, unsure, gate),
                )
                yield (
                    f"classifier + sharpness {sure} / {unsure} below {gate}",
                    unsure_sharpness(corpora, sure, unsure, gate, classifier=True),
                )


def accuracy(route: RouteFn, records: Sequence[Record]) -> dict[str, float]:
    """Routing accuracy per set, per set half."""
    hits: dict[str, list[int]] = {}
    for r in records:
        right = int(route(r) == r.label)
        for key in (r.set, f"{r.set}/{half_of(r.id)}"):
            hits.setdefault(key, []).append(right)
    return {k: sum(v) / len(v) for k, v in hits.items()}


def collect_sets(specs: Sequence[str]) -> tuple[list[Record], dict[str, Corpus], list[str]]:
    """Every `--set`'s records, the corpus of each index, and the sets' names."""
    records: list[Record] = []
    corpora: dict[str, Corpus] = {}
    names = []
    for spec in specs:
        name, queries, index, content = query_set(spec)
        found, corpus = collect(name, queries, index, content)
        records += found
        corpora.setdefault(index, corpus)
        names.append(name)
    return records, corpora, names


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument(
        "--tune", default="handbook,labelled,german", help="Sets whose tune halves choose."
    )
    args = parser.parse_args(argv)
    records, corpora, names = collect_sets(args.sets)
    report(variants(corpora), records, names, args.tune)


def report(
    grid: Iterable[tuple[str, RouteFn]], records: Sequence[Record], names: list[str], tune: str
) -> None:
    """One line per variant: its tune mean over the sets named in `tune`, then
    each set's halves."""
    chosen = [n for n in tune.split(",") if n in names]
    print("variant | tune mean | " + " | ".join(f"{n} {h}" for n in names for h in HALVES))
    for label, route in grid:
        acc = accuracy(route, records)
        mean = sum(acc.get(f"{n}/tune", 0.0) for n in chosen) / max(len(chosen), 1)
        cells = " | ".join(f"{acc.get(f'{n}/{h}', 0.0):.3f}" for n in names for h in HALVES)
        print(f"{label} | {mean:.3f} | {cells}", flush=True)


if __name__ == "__main__":
    main()
