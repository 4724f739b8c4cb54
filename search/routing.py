"""Routing: which department should own a question, with its own confidence.

Evidence from the content itself:

- the best articles of the fused ranking vote for their department, each
  with a weight that falls off exponentially with its distance from the best
  (scores relative to the best, so one strong match outweighs many weak ones);
- the `keywords` of each department's `_department.yml` that occur in the
  query (compared by stems; multi-word keywords must appear whole) add votes,
  which also lets departments without articles receive questions;
- the service catalogue's entry the question asks for (its trigger phrases,
  `kb.catalogue.triggers`), when the web app provides the catalogue, adds one
  such vote for the department that owns the entry: the page offers that
  department's form for the question, and the route should not name another
  on the evidence of one near-miss article alone. The vote is as strong as
  the match (`ServiceVote.strength`, the phrase weight of what the question's
  words spell): an entry found only through an everyday word ("request",
  weight 0.24) is weak evidence of its department, and voted 1.0 before.

The keywords' votes (and the catalogue's) count as shares among themselves,
weighed against the articles by `keyword_share` times their total up to one:
a department keyword found is one whole vote, so only a light catalogue
match alone weighs less than a keyword. With no articles, the winner's
confidence is that total up to one, so a light match alone goes to triage.

A department classifier fitted on the passage vectors
(`search.department_classifier`) adds, with weight `route_classifier_weight`,
what the question resembles across each department's content as a whole;
it only reweighs questions that found articles, so a question with no
evidence still goes to triage.

A further source, when the web app provides it, is learned from the requests:
questions that agents reassigned to another department vote, through their
words, for where similar questions finally belonged (`LEARNED_SHARE`).

The confidence is the winning department's share of all votes. Below the
`route_threshold` setting the question goes to the triage queue. So does a
question the engine leaves unanswered where no word of it is known to the
index, the department keywords or the reassignment history ("blorf"): the
articles it found are the vector side's nearest to nothing in particular,
and a person tells better than their departments who should own it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kb.records import Department
from search.department_classifier import DepartmentClassifier
from search.terms import stems, words

VOTE_SHARPNESS = 0.1  # an article scoring this much below the best weighs 1/e as much
KEYWORD_SHARE = 0.2  # how much the department keywords weigh against the articles
LEARNED_SHARE = 0.3  # how much reassignment history weighs when it knows the query's words
# How much the department classifier weighs against the article and keyword votes:
# on the tune halves of three sets 0.2–0.4 gained and 0.5 lost (docs/search.md, "Routing").
CLASSIFIER_SHARE = 0.3


@dataclass(frozen=True)
class Route:
    """The department that should own a question."""

    department: str
    confidence: float
    votes: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceVote:
    """The department owning the catalogue entry a question asks for, with the
    strength of the match, 0 to 1 (`kb.catalogue.types.Catalogue.matched`)."""

    department: str
    strength: float = 1.0


@dataclass(frozen=True)
class _Keyword:
    department: str
    stems: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class _DepartmentKeywords:
    """One department's keywords and their stems."""

    keywords: tuple[str, ...]
    compiled: tuple[_Keyword, ...]


# The stemmed keywords of each department as last built, in any router of this
# process. A router is built at each start, for each new index snapshot and
# whenever a department file changes (`search.live_routing`), and stemming
# every keyword each time cost a department file of 100,000 keywords 3 s of
# processor time (load average 4) at each of these, whichever department had
# changed, inside the search that noticed it; a department whose keywords are
# as before is now taken as it was.
_built: dict[str, _DepartmentKeywords] = {}
_built_lock = threading.Lock()


def _department_keywords(slug: str, keywords: tuple[str, ...]) -> _DepartmentKeywords:
    with _built_lock:
        known = _built.get(slug)
    if known is not None and known.keywords == keywords:
        return known
    compiled = tuple(
        _Keyword(slug, tuple(stems(w) for w in found))
        for keyword in keywords
        if (found := words(keyword))
    )
    made = _DepartmentKeywords(keywords, compiled)
    with _built_lock:
        _built[slug] = made
    return made


class Router:
    """Routes questions to departments by passage votes and department keywords."""

    def __init__(
        self,
        departments: Mapping[str, Department],
        triage: str,
        threshold: float,
        sharpness: float = VOTE_SHARPNESS,
        keyword_share: float = KEYWORD_SHARE,
        classifier: DepartmentClassifier | None = None,
        classifier_share: float = CLASSIFIER_SHARE,
    ) -> None:
        self.triage = triage
        self.classifier = classifier if classifier_share > 0 else None
        self.classifier_share = classifier_share
        self.threshold = threshold
        self.sharpness = sharpness
        self.keyword_share = keyword_share
        self._keywords = [
            keyword
            for slug, dept in departments.items()
            for keyword in _department_keywords(slug, tuple(dept.keywords)).compiled
        ]
        # The keywords by each stem of their first word: a query looks up only
        # those that may start at each of its words. Tried one by one, every
        # keyword at every word, a department file of 100,000 keywords (1 MB)
        # added a second to every search of everyone.
        self._starting: dict[str, list[int]] = {}
        for number, keyword in enumerate(self._keywords):
            for stem in keyword.stems[0]:
                self._starting.setdefault(stem, []).append(number)

    def with_departments(self, departments: Mapping[str, Department]) -> Router:
        """This router with the keywords of `departments` (the rest as it is)."""
        share = self.classifier_share
        return Router(
            departments,
            self.triage,
            self.threshold,
            self.sharpness,
            self.keyword_share,
            classifier=self.classifier,
            classifier_share=share,
        )

    def keyword_votes(self, query_words: Sequence[str]) -> dict[str, float]:
        """Department → number of its keywords found in the query."""
        query_stems = [stems(w) for w in query_words]
        found: set[int] = set()
        for i, first in enumerate(query_stems):
            for number in {n for stem in first for n in self._starting.get(stem, ())}:
                keyword = self._keywords[number]
                following = query_stems[i : i + len(keyword.stems)]
                if len(following) == len(keyword.stems) and all(
                    k & q for k, q in zip(keyword.stems, following, strict=True)
                ):
                    found.add(number)
        votes: dict[str, float] = {}
        for number in sorted(found):  # in the keywords' order, as each was counted before
            department = self._keywords[number].department
            votes[department] = votes.get(department, 0.0) + 1.0
        return votes

    def passage_votes(self, scored: Sequence[tuple[str, float]]) -> dict[str, float]:
        """Department → summed weight of (department, similarity) candidates."""
        if not scored:
            return {}
        top = max(score for _, score in scored)
        votes: dict[str, float] = {}
        for department, score in scored:
            weight = math.exp((score - top) / self.sharpness)
            votes[department] = votes.get(department, 0.0) + weight
        return votes

    def route(
        self,
        scored: Sequence[tuple[str, float]],
        query_words: Sequence[str],
        learned: Mapping[str, float] | None = None,
        query_vector: np.ndarray | None = None,
        heard: bool = True,
        service: str | ServiceVote | None = None,
    ) -> Route:
        """Route from the best candidates' (department, similarity), the query's words,
        optionally learned department shares from past reassignments, and the
        query's vector for the department classifier; `heard` False: an
        unanswered question none of whose words the index knows; `service`:
        the department owning the catalogue entry the question asks for, which
        counts as one of its keywords found, as strong as the match (a bare
        department name: a full vote)."""
        votes = self.keyword_votes(query_words)
        if isinstance(service, str):
            service = ServiceVote(service) if service else None
        if service is not None and service.strength > 0:
            votes[service.department] = votes.get(service.department, 0.0) + service.strength
        keyword = _shares(votes)
        # A keyword found is one whole vote; votes summing to less weigh less.
        strength = min(1.0, sum(votes.values()))
        learned_shares = _shares(learned or {})
        if not (heard or keyword or learned_shares):
            return Route(self.triage, 0.0)
        shares = _shares(self.passage_votes(scored))
        if keyword and shares:
            combined = _blend(shares, keyword, self.keyword_share * strength)
        elif keyword:
            combined = {d: share * strength for d, share in keyword.items()}
        else:
            combined = shares
        if combined and query_vector is not None and self.classifier is not None:
            combined = _blend(combined, self.classifier.shares(query_vector), self.classifier_share)
        if learned_shares:
            weight = LEARNED_SHARE if combined else 1.0
            combined = _blend(combined, learned_shares, weight)
        if not combined:
            return Route(self.triage, 0.0)
        best = max(sorted(combined), key=lambda d: combined[d])
        confidence = combined[best]
        if confidence < self.threshold:
            return Route(self.triage, confidence, combined)
        return Route(best, confidence, combined)


def _shares(votes: Mapping[str, float]) -> dict[str, float]:
    total = sum(votes.values())
    return {d: v / total for d, v in votes.items()} if total > 0 else {}


def _blend(
    base: Mapping[str, float], extra: Mapping[str, float], weight: float
) -> dict[str, float]:
    return {
        d: (1 - weight) * base.get(d, 0.0) + weight * extra.get(d, 0.0) for d in {*base, *extra}
    }
