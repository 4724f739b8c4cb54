"""Routing levers on how the articles vote, measured offline (5 December).

    python -m benchmarks.routing_votes \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set german=benchmarks/handbook18f/german-queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --set holdout=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-e5,content \\
        --set ho18=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/index-e5,var/handbook/content

The records of `benchmarks.routing_levers` (one search per labelled
question, the router's inputs kept), routed again with the department
classifier as chosen (`search.department_classifier`) and one lever
changed: how many articles vote, their votes divided by their department's
size, votes by rank instead of score, the classifier's weight by the
engine's answered decision, and a lexical department model (multinomial
naive Bayes over each department's words) blended after the classifier.
The first line reproduces `kb eval`'s routing. Columns as in
`benchmarks.routing_levers`: each set's tune and report half and the mean
of the tune halves of `--tune`; docs/search.md ("Routing") has the figures.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence

from benchmarks.fit_confidence import add_set_option
from benchmarks.routing_levers import Corpus, Record, collect_sets, report
from kb.records import EVERYONE
from kb.settings import Settings
from search.department_classifier import DepartmentClassifier
from search.engine import SearchEngine
from search.routing import Router, _blend
from search.terms import is_stopword, words

RouteFn = Callable[[Record], str]


class Routing:
    """One router per index with the classifier as chosen, and the lever's hooks."""

    def __init__(self, corpora: Mapping[str, Corpus]) -> None:
        self.corpora = corpora
        self.routers: dict[str, Router] = {}
        self.sizes: dict[str, Counter[str]] = {}
        for index, corpus in corpora.items():
            base = corpus.router
            fitted = DepartmentClassifier.fit(corpus.vectors, corpus.departments)
            router = Router({}, base.triage, base.threshold, classifier=fitted)
            router._keywords, router._starting = base._keywords, base._starting
            self.routers[index] = router
            owner = dict(zip(corpus.articles, corpus.departments, strict=True))
            self.sizes[index] = Counter(owner.values())

    def route(
        self,
        r: Record,
        scored: Sequence[tuple[str, float]] | None = None,
        votes: Mapping[str, float] | None = None,
        share: float | None = None,
    ) -> str:
        """The department for `r`, with other article `votes` or classifier `share`."""
        router = self.routers[r.index]
        if votes is not None:
            router.passage_votes = lambda _scored: dict(votes)  # type: ignore[method-assign]
        if share is not None:
            router.classifier_share = share
        try:
            found = router.route(r.scored if scored is None else scored, r.words, None, r.vector)
        finally:
            router.__dict__.pop("passage_votes", None)
            router.classifier_share = 0.3
        return found.department


def lexical_counts(
    corpora: Mapping[str, Corpus], contents: Mapping[str, str]
) -> dict[str, dict[str, Counter[str]]]:
    """Index -> department -> word counts of the passages every employee reads."""
    counts: dict[str, dict[str, Counter[str]]] = {}
    for index in corpora:
        engine = SearchEngine(Settings.load({"index_dir": index, "content_dir": contents[index]}))
        snapshot = engine.prepared().snapshot
        owners = snapshot.owners
        pids = sorted(p for p, o in owners.items() if EVERYONE in {a.lower() for a in o.audience})
        found: dict[str, Counter[str]] = {}
        for start in range(0, len(pids), 500):
            for pid, p in snapshot.passages(pids[start : start + 500]).items():
                text = " ".join([p.title, *p.headings, p.text])
                counter = found.setdefault(owners[pid].department, Counter())
                counter.update(w for w in words(text) if not is_stopword(w))
        counts[index] = found
        engine.close()
    return counts


def naive_bayes(
    counts: Mapping[str, Counter[str]], query: Sequence[str], alpha: float, t: float
) -> dict[str, float]:
    """Department shares: softmax of the mean log-likelihood of the query's known words."""
    vocabulary = set().union(*counts.values())
    known = [w.lower() for w in query if w.lower() in vocabulary]
    if not known:
        return {}
    scores = {}
    for department, c in counts.items():
        total = sum(c.values()) + alpha * len(vocabulary)
        scores[department] = sum(math.log((c[w] + alpha) / total) for w in known) / len(known)
    top = max(scores.values())
    z = {d: math.exp((s - top) / t) for d, s in scores.items()}
    return {d: v / sum(z.values()) for d, v in z.items()}


def variants(
    routing: Routing, counts: Mapping[str, Mapping[str, Counter[str]]]
) -> Iterator[tuple[str, RouteFn]]:
    """Every variant, the router as it is first."""
    yield "classifier as chosen (now)", lambda r: routing.route(r)
    for k in (3, 5, 20):
        yield f"best {k} articles vote", lambda r, k=k: routing.route(r, scored=r.scored[:k])
    for power in (0.25, 0.5, 1.0):

        def by_size(r: Record, power: float = power) -> str:
            sizes = routing.sizes[r.index]
            mean = sum(sizes.values()) / len(sizes)
            votes = routing.routers[r.index].passage_votes(r.scored)
            return routing.route(
                r, votes={d: v / (sizes.get(d, 1) / mean) ** power for d, v in votes.items()}
            )

        yield f"article votes / department size ^ {power}", by_size
    for k0 in (1, 3, 10):

        def by_rank(r: Record, k0: int = k0) -> str:
            votes: dict[str, float] = {}
            for rank, (department, _) in enumerate(r.scored):
                votes[department] = votes.get(department, 0.0) + 1 / (k0 + rank)
            return routing.route(r, votes=votes)

        yield f"votes by rank 1 / ({k0} + rank)", by_rank
    for answered, unanswered in (
        (0.3, 0.4),
        (0.3, 0.5),
        (0.3, 0.6),
        (0.4, 0.3),
        (0.3, 0.2),
        (0.2, 0.3),
    ):
        yield (
            f"classifier {answered} answered / {unanswered} unanswered",
            lambda r, a=answered, u=unanswered: routing.route(r, share=a if r.answered else u),
        )
    for alpha in (0.1, 1.0):
        for t in (0.1, 0.3, 1.0):
            for w in (0.1, 0.2, 0.3):

                def lexical(r: Record, alpha: float = alpha, t: float = t, w: float = w) -> str:
                    router = routing.routers[r.index]
                    route = router.route(r.scored, r.words, None, r.vector)
                    extra = naive_bayes(counts[r.index], r.words, alpha, t)
                    if not route.votes or not extra:
                        return route.department
                    blended = _blend(route.votes, extra, w)
                    best = max(sorted(blended), key=lambda d: blended[d])
                    return best if blended[best] >= router.threshold else router.triage

                yield f"lexical naive Bayes alpha {alpha} t {t} w {w}", lexical


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    parser.add_argument("--tune", default="handbook,labelled,german")
    args = parser.parse_args(argv)
    records, corpora, names = collect_sets(args.sets)
    contents = {spec.split(",")[1]: spec.split(",")[2] for spec in args.sets}
    routing = Routing(corpora)
    counts = lexical_counts(corpora, contents)
    report(variants(routing, counts), records, names, args.tune)


if __name__ == "__main__":
    main()
