"""An article's findings of one kind, the first listed and the rest counted.

A content owner may publish any file, and the analyst who opens content
health trusts them no further: one article holding 20,000 broken links made
the page take seconds a view and weigh 7 MB (its API 2.4 MB). The page, the
API and its CSV, and the editor's warnings list the first
`MAX_LISTED_FINDINGS` findings of a kind in an article and count the rest;
the count stays true.
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


@dataclass(frozen=True)
class KindFindings:
    """The findings of one kind in one article: the first ones, listed in full,
    and how many there are in all."""

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
