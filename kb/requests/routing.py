"""What reassignments teach the router.

When an agent moves a request to another department, the question's words
were evidence for the wrong department. `routing_hints` turns the recorded
reassignments into counts per word: for each normalised query term, how often
a question containing it ended up in each department. The search engine may
add `RoutingHints.votes(query)` to its department votes, so a question that
used to be misrouted is routed where agents put it last time.

Terms are the query's words, case-folded, with umlauts spelled out (ä → ae),
without words shorter than three letters, numbers and common English and
German function words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kb.catalogue.triggers import fold
from kb.requests.records import Reassignment

# Words too common to say anything about a department (German with umlauts
# spelled out, as terms are).
_ENGLISH = (
    "the and for with how what when where who why can does are was not you your our "
    "have has need want get from into about this that there please help"
)
_GERMAN = (
    "der die das und oder wie was wann wo wer warum ich mein meine meinen einen eine "
    "ein ist sind nicht kann koennen muss mit fuer von bei auf aus dem den des bitte "
    "hilfe brauche"
)
STOP_WORDS = frozenset(_ENGLISH.split()) | frozenset(_GERMAN.split())


def query_terms(query: str) -> list[str]:
    """The distinct normalised terms of a query, in order."""
    terms = (w for w in fold(query).split() if len(w) >= 3 and not w.isdigit())
    return list(dict.fromkeys(t for t in terms if t not in STOP_WORDS))


@dataclass(frozen=True)
class RoutingHints:
    """Term → department → how many reassigned questions with that term went there."""

    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def votes(self, query: str) -> dict[str, float]:
        """Department → share of the query terms' reassignment evidence (sums to 1).

        Empty when no term of the query was ever in a reassigned question.
        """
        totals: Counter[str] = Counter()
        for term in query_terms(query):
            totals.update(self.counts.get(term, {}))
        whole = sum(totals.values())
        return {d: n / whole for d, n in totals.items()} if whole else {}

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {term: dict(depts) for term, depts in sorted(self.counts.items())}


def routing_hints(reassignments: Iterable[Reassignment]) -> RoutingHints:
    """Count, per query term, the departments reassigned questions finally went to.

    A request moved twice (a → b → c) counts once, for c: only the last move
    says where the question belonged. A department folder renamed moves the
    request too (a → b, then b renamed b2: it counts for b2), but a request
    that only such a rename moved was never misrouted and counts for nothing.
    """
    final: dict[int, Reassignment] = {}
    judged: set[int] = set()
    for move in reassignments:
        final[move.request_id] = move
        if not move.renamed:
            judged.add(move.request_id)
    counts: dict[str, Counter[str]] = {}
    for move in (final[request_id] for request_id in judged):
        for term in query_terms(move.query):
            counts.setdefault(term, Counter())[move.to_department] += 1
    return RoutingHints({term: dict(depts) for term, depts in counts.items()})
