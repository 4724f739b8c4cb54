"""Routing levers on where the evidence comes from, measured offline (6 December).

    python -m benchmarks.routing_evidence --records routing-records.pickle --set ...

with the five `--set`s of `benchmarks.routing_votes` (the 18F development
set, the labelled set, the own German set, the own holdout, the 18F English
holdout, each with its index and content).

The records of `benchmarks.routing_levers` (one search per labelled
question, the router's inputs kept; with `--records` they are searched
once and read from that file afterwards), routed again with the department
classifier as chosen and one lever changed:

- the classifier fitted with each passage weighing 1 / (its article's
  passages) ^ p, so a long page that touches many topics (an office guide)
  pulls the directions of those topics no harder than a short page;
- the nearest passages vote: the query vector's k nearest passages (every
  employee's, the classifier's rows) vote for their department with
  exp((cosine − best) / t), blended in after the classifier at weight w;
- the article votes softer (sharpness s) where the engine leaves the
  question unanswered: its first article is a near miss, and the
  departments of the articles near it are the evidence, not the first one;
- the first article's department routes alone only when it clearly leads:
  softer votes (sharpness s) whenever the best article of another
  department scores within `gap` of the first;
- with `--second`: the classifier's shares mixed with those of a classifier
  fitted on the second model's passage vectors (the index's
  `vectors-secondary.faiss`), read from the second model's vector of each
  English question (the ensemble embeds it anyway: no model call added).

The first line reproduces `kb eval`'s routing. Columns as in
`benchmarks.routing_levers`; docs/search.md ("Routing") has the figures.
"""

from __future__ import annotations

import argparse
import math
import pickle
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.fit_confidence import add_set_option, query_set
from benchmarks.routing_levers import Corpus, Record, collect_sets, report, with_profile
from benchmarks.routing_votes import RouteFn, Routing
from indexer.reader import SnapshotReader
from indexer.secondary import load_secondary
from kb.language import detect_language
from kb.records import EVERYONE
from kb.settings import Settings
from search.department_classifier import REGULARISATION, DepartmentClassifier
from search.evaluation import load_queries
from search.routing import Router, _blend


class NearestPassages:
    """Department votes of the query vector's k nearest passages."""

    def __init__(self, corpus: Corpus) -> None:
        vectors = corpus.vectors.astype(np.float32)
        self.vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        self.departments = corpus.departments

    def shares(self, vector: np.ndarray, k: int, t: float) -> dict[str, float]:
        query = vector / max(float(np.linalg.norm(vector)), 1e-12)
        cos = self.vectors @ query
        top = np.argsort(-cos)[:k]
        votes: dict[str, float] = {}
        for i in top:
            department = self.departments[i]
            votes[department] = votes.get(department, 0.0) + math.exp((cos[i] - cos[top[0]]) / t)
        total = sum(votes.values())
        return {d: v / total for d, v in votes.items()}


def _decide(router: Router, votes: Mapping[str, float]) -> str:
    best = max(sorted(votes), key=lambda d: votes[d])
    return best if votes[best] >= router.threshold else router.triage


def _softer(routing: Routing, r: Record, sharpness: float) -> str:
    router = routing.routers[r.index]
    router.sharpness = sharpness
    try:
        return router.route(r.scored, r.words, None, r.vector).department
    finally:
        router.sharpness = 0.1


def _other_gap(r: Record) -> float:
    """How far below the first article the best article of another department scores."""
    if not r.scored:
        return 1.0
    first, top = r.scored[0]
    others = [score for department, score in r.scored if department != first]
    return top - max(others) if others else 1.0


def article_weighted(corpus: Corpus, power: float) -> DepartmentClassifier | None:
    """The classifier with each passage weighing 1 / (its article's passages) ^ power:
    a long page (an office guide that touches every topic) pulls no more than a short one."""
    counts = Counter(corpus.articles)
    weights = np.array([1.0 / counts[a] ** power for a in corpus.articles], dtype=np.float32)
    weights *= len(weights) / weights.sum()
    labels = tuple(sorted(set(corpus.departments)))
    x = corpus.vectors.astype(np.float32).copy()
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    mean = x.mean(axis=0)
    x -= mean
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    n, dim = x.shape
    y = (np.asarray(corpus.departments)[:, None] == np.asarray(labels)[None, :]).astype(np.float32)
    y -= (weights[:, None] * y).sum(axis=0) / weights.sum()
    xw = x * weights[:, None]
    gram = (xw.T @ x).astype(np.float64) + REGULARISATION * n / dim * np.eye(dim)
    solved = np.linalg.solve(gram, (xw.T @ y).astype(np.float64))
    return DepartmentClassifier(labels, mean, solved.astype(np.float32))


def variants(routing: Routing, corpora: Mapping[str, Corpus]) -> Iterator[tuple[str, RouteFn]]:
    """Every variant, the router as it is first."""
    yield "classifier as chosen (now)", lambda r: routing.route(r)
    for power in (0.5, 1.0):
        for w in (0.3, 0.4):
            yield (
                f"classifier by article weight ^ {power}, w {w}",
                with_profile(corpora, lambda c, p=power: article_weighted(c, p), w),
            )
    nearest = {index: NearestPassages(corpus) for index, corpus in corpora.items()}
    for k in (10, 30):
        for t in (0.01, 0.03):
            for w in (0.1, 0.2, 0.3):

                def by_passages(r: Record, k: int = k, t: float = t, w: float = w) -> str:
                    router = routing.routers[r.index]
                    route = router.route(r.scored, r.words, None, r.vector)
                    if not route.votes:
                        return route.department
                    extra = nearest[r.index].shares(r.vector, k, t)
                    return _decide(router, _blend(route.votes, extra, w))

                yield f"nearest {k} passages t {t} w {w}", by_passages
    for s in (0.2, 0.3, 0.5, 1.0):
        yield (
            f"unanswered: sharpness {s}",
            lambda r, s=s: routing.route(r) if r.answered else _softer(routing, r, s),
        )
    for gap in (0.05, 0.1, 0.2):
        for s in (0.2, 0.3, 0.5):
            yield (
                f"another department within {gap}: sharpness {s}",
                lambda r, g=gap, s=s: (
                    _softer(routing, r, s) if _other_gap(r) < g else routing.route(r)
                ),
            )


def second_model(
    records: list[Record], specs: list[str]
) -> tuple[dict[str, DepartmentClassifier | None], dict[tuple[str, str], np.ndarray]]:
    """A classifier on each index's second-model passage vectors, and the
    second model's vector of every English question (as the ensemble embeds
    it, the typed text; no glossary terms)."""
    settings = Settings.load({})
    embedder = load_secondary(settings, True)
    texts: dict[tuple[str, str], tuple[str, str]] = {}
    classifiers: dict[str, DepartmentClassifier | None] = {}
    for spec in specs:
        name, queries, index, _content = query_set(spec)
        for q in load_queries(queries):
            texts[(name, q.id)] = (q.text, q.lang or "")
        if index in classifiers:
            continue
        snapshot = SnapshotReader(Path(index)).get()
        owners = snapshot.owners
        pids = sorted(p for p, o in owners.items() if EVERYONE in {a.lower() for a in o.audience})
        assert snapshot.secondary is not None, f"{index} holds no second-model vectors"
        stored = snapshot.secondary.vectors(pids)
        kept = [p for p in pids if p in stored]
        classifiers[index] = DepartmentClassifier.fit(
            np.stack([stored[p] for p in kept]), [owners[p].department for p in kept]
        )
    vectors = {}
    for r in records:
        text, lang = texts[(r.set, r.id)]
        if detect_language(text) == "en":
            vectors[(r.set, r.id)] = np.asarray(embedder.embed_query(text), dtype=np.float32)
    return classifiers, vectors


def second_variants(
    routing: Routing,
    classifiers: Mapping[str, DepartmentClassifier | None],
    vectors: Mapping[tuple[str, str], np.ndarray],
) -> Iterator[tuple[str, RouteFn]]:
    """The classifier's shares averaged with the second model's (English questions)."""
    yield "classifier as chosen (now)", lambda r: routing.route(r)
    for mix in (0.3, 0.5):
        for w in (0.3, 0.4):

            def both(r: Record, mix: float = mix, w: float = w) -> str:
                router = routing.routers[r.index]
                first, second = router.classifier, classifiers[r.index]
                vector = vectors.get((r.set, r.id))
                if first is None or second is None or vector is None:
                    return routing.route(r)
                router.classifier = _Mixed(first, second, vector, mix)
                try:
                    return routing.route(r, share=w)
                finally:
                    router.classifier = first

            yield f"second model's classifier mixed {mix}, w {w}", both


@dataclass(frozen=True)
class _Mixed:
    first: DepartmentClassifier
    second: DepartmentClassifier
    second_vector: np.ndarray
    mix: float

    def shares(self, vector: np.ndarray) -> dict[str, float]:
        a, b = self.first.shares(vector), self.second.shares(self.second_vector)
        return {d: (1 - self.mix) * a.get(d, 0.0) + self.mix * b.get(d, 0.0) for d in {*a, *b}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument("--tune", default="handbook,labelled,german")
    parser.add_argument(
        "--records",
        type=Path,
        help="Search once into this file, then read it (only a file this script wrote: "
        "unpickling runs whatever the file says).",
    )
    parser.add_argument(
        "--second", action="store_true", help="The second model's classifier instead."
    )
    args = parser.parse_args(argv)
    if args.records and args.records.exists():
        records, corpora, names = pickle.loads(args.records.read_bytes())
    else:
        records, corpora, names = collect_sets(args.sets)
        if args.records:
            args.records.write_bytes(pickle.dumps((records, corpora, names)))
    if args.second:
        classifiers, vectors = second_model(records, args.sets)
        report(second_variants(Routing(corpora), classifiers, vectors), records, names, args.tune)
        return
    report(variants(Routing(corpora), corpora), records, names, args.tune)


if __name__ == "__main__":
    main()
