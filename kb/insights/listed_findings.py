"""An article's findings of one kind, the first listed and the rest counted.

A content owner may publish any file, and the analyst who opens content
health trusts them no further: one article holding 20,000 broken links made
the page take seconds a view and weigh 7 MB (its API 2.4 MB). The page, the
API and its CSV, and the editor's warnings list the first
`MAX_LISTED_FINDINGS` findings of a kind in an article and count the rest;
the count stays true.

The weekly digest has fewer places (`MAX_DIGEST_FINDINGS` per department)
and spreads them over the articles (`spread_findings`): one article with 500
broken links took all 20 places, and the department's other articles'
findings were never named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kb.insights.content import Finding

# The findings of one kind one article lists in full (pages, the API and its
# CSV, the editor's warnings); those beyond are counted, not listed.
MAX_LISTED_FINDINGS = 20

# The findings a department's weekly digest names, and the most of them one
# article may take: a mail points to the content page, which lists them all;
# three of an article's findings say what is wrong with it, and the rest of
# the places name the department's other articles.
MAX_DIGEST_FINDINGS = 20
MAX_DIGEST_FINDINGS_PER_ARTICLE = 3


@dataclass(frozen=True)
class CountedFindings:
    """Some findings listed in full, and how many there are in all."""

    listed: tuple[Finding, ...]
    total: int

    def __post_init__(self) -> None:
        if not self.listed or self.total < len(self.listed):
            raise ValueError(f"{self.total} findings in all cannot list {len(self.listed)}")

    @property
    def first(self) -> Finding:
        return self.listed[0]

    @property
    def more(self) -> int:
        """How many are counted but not listed."""
        return self.total - len(self.listed)


@dataclass(frozen=True)
class KindFindings(CountedFindings):
    """The findings of one kind in one article: the first ones, listed in full,
    and how many there are in all."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.first.article,
            "kind": self.first.kind,
            "total": self.total,
            "listed": len(self.listed),
        }


def grouped_findings(
    findings: Iterable[Finding], limit: int = MAX_LISTED_FINDINGS
) -> list[KindFindings]:
    """`findings` by article and kind, in the order each pair first comes: each
    with its first `limit` findings and its true count."""
    listed: dict[tuple[str, str], list[Finding]] = {}
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for f in findings:
        key = (f.article, f.kind)
        totals[key] += 1
        kept = listed.setdefault(key, [])
        if len(kept) < limit:
            kept.append(f)
    return [KindFindings(tuple(kept), totals[key]) for key, kept in listed.items()]


@dataclass(frozen=True)
class ArticleFindings(CountedFindings):
    """The findings of one article that a digest names, and how many it has."""

    @property
    def article(self) -> str:
        return self.first.article

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "total": self.total, "listed": len(self.listed)}


def spread_findings(
    findings: Iterable[Finding],
    places: int = MAX_DIGEST_FINDINGS,
    per_article: int = MAX_DIGEST_FINDINGS_PER_ARTICLE,
) -> list[ArticleFindings]:
    """The articles of `findings` that get a place, in the order each first
    comes, each with the findings it names and its true count.

    Places go round: every article its first finding before any its second,
    up to `places` in all and `per_article` each, so the first `places`
    articles are all named however many findings one of them holds. Within an
    article its kinds go round the same way (a passed review date is not lost
    behind many broken links), and the chosen ones stay grouped by kind."""
    if places < 0 or per_article < 1:
        raise ValueError(f"cannot spread {places} places, {per_article} per article")
    # Per article and kind, no more than one article could name: the memory
    # stays small however many findings a file holds.
    kinds: dict[str, dict[str, list[Finding]]] = {}
    totals: dict[str, int] = defaultdict(int)
    for f in findings:
        totals[f.article] += 1
        kept = kinds.setdefault(f.article, {}).setdefault(f.kind, [])
        if len(kept) < per_article:
            kept.append(f)
    shares = dict.fromkeys(kinds, 0)
    left = places
    for turn in range(per_article):
        for article in kinds:
            if left and shares[article] == turn and turn < sum(map(len, kinds[article].values())):
                shares[article] += 1
                left -= 1
    return [
        ArticleFindings(_chosen(by_kind, shares[article]), totals[article])
        for article, by_kind in kinds.items()
        if shares[article]
    ]


def _chosen(by_kind: dict[str, list[Finding]], share: int) -> tuple[Finding, ...]:
    """`share` findings, the kinds taking turns, then grouped by kind."""
    taken = dict.fromkeys(by_kind, 0)
    for turn in range(share):
        for kind, kept in by_kind.items():
            if sum(taken.values()) < share and taken[kind] == turn and turn < len(kept):
                taken[kind] += 1
    return tuple(f for kind, kept in by_kind.items() for f in kept[: taken[kind]])
