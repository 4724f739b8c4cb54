"""Department keywords by word form: does a stem shared by different words misroute?

    python -m benchmarks.keyword_forms \\
        --set handbook=$SHARED/benchmarks/handbook18f-dev/queries.jsonl,var/handbook/index-e5,var/handbook/content \\
        --set labelled=benchmarks/labelled/queries.jsonl,var/sample/index-e5,content \\
        --set holdout=benchmarks/labelled/holdout/queries.jsonl,var/sample/index-e5,content \\
        --set handbook-holdout=benchmarks/handbook18f/holdout-queries.jsonl,var/handbook/index-e5,var/handbook/content

The router matches a department keyword to a query word by their stems, so
HR's "training" is found in "train ticket" and Finance's "reimbursement" in
"reimbursed". Each variant weighs a keyword word found only by its stem less:
`shorter` where the query word is shorter than the keyword by more than a
letter (a derived word such as "training" met by its base "train"),
`stem_only` for any other word of the same stem that is not the keyword's
own; the same word always counts 1. Every question is searched once
(`benchmarks.routing_levers.collect`) and routed again per variant with the
department classifier as the engine uses it, so the first line reproduces
`kb eval`'s routing accuracy. docs/search.md ("Routing") has the figures.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from benchmarks.fit_confidence import add_set_option
from benchmarks.routing_levers import Record, accuracy, collect_sets
from kb.records import Department
from search.department_classifier import DepartmentClassifier
from search.routing import Router
from search.splits import HALVES
from search.terms import stems, words

# (shorter, stem_only, keyword share); the first is the router as it is.
GRID = ((1.0, 1.0, 0.2), (0.0, 1.0, 0.2), (0.5, 1.0, 0.2), (0.5, 0.5, 0.2), (0.0, 0.5, 0.3))


class FormRouter(Router):
    """The router, with keyword words found only by their stem weighed less."""

    def __init__(
        self,
        departments: Mapping[str, Department],
        base: Router,
        classifier: DepartmentClassifier | None,
        shorter: float,
        stem_only: float,
        share: float,
    ) -> None:
        super().__init__(
            {}, base.triage, base.threshold, keyword_share=share, classifier=classifier
        )
        self.forms = [
            (slug, [(w, stems(w)) for w in words(keyword)])
            for slug, department in departments.items()
            for keyword in department.keywords
            if words(keyword)
        ]
        self.shorter, self.stem_only = shorter, stem_only

    def keyword_votes(self, query_words: Sequence[str]) -> dict[str, float]:
        query = [(w, stems(w)) for w in query_words]
        votes: dict[str, float] = {}
        for slug, keyword in self.forms:
            best = 0.0
            for i in range(len(query) - len(keyword) + 1):
                best = max(best, self._weight(keyword, query[i : i + len(keyword)]))
            if best > 0:
                votes[slug] = votes.get(slug, 0.0) + best
        return votes

    def _weight(
        self,
        keyword: Sequence[tuple[str, frozenset[str]]],
        found: Sequence[tuple[str, frozenset[str]]],
    ) -> float:
        weight = 1.0
        for (kword, kstems), (qword, qstems) in zip(keyword, found, strict=True):
            if kword == qword:
                continue
            if not kstems & qstems:
                return 0.0
            weight = min(weight, self.shorter if len(qword) < len(kword) - 1 else self.stem_only)
        return weight


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_option(parser)
    args = parser.parse_args(argv)
    records, corpora, names = collect_sets(args.sets)
    fitted = {i: DepartmentClassifier.fit(c.vectors, c.departments) for i, c in corpora.items()}
    print(
        "variant | "
        + " | ".join(names)
        + " | "
        + " | ".join(f"{n} {h}" for n in names for h in HALVES)
    )
    for shorter, stem_only, share in GRID:
        routers = {
            i: FormRouter(c.departments_by_slug, c.router, fitted[i], shorter, stem_only, share)
            for i, c in corpora.items()
        }

        def route(r: Record, routers: dict[str, FormRouter] = routers) -> str:
            return routers[r.index].route(r.scored, r.words, None, r.vector).department

        acc = accuracy(route, records)
        cells = " | ".join(f"{acc.get(n, 0.0):.4f}" for n in names)
        halves = " | ".join(f"{acc.get(f'{n}/{h}', 0.0):.3f}" for n in names for h in HALVES)
        print(
            f"shorter {shorter} stem-only {stem_only} share {share} | {cells} | {halves}",
            flush=True,
        )


if __name__ == "__main__":
    main()
