"""Which passages a search may return: department, tags and audience.

Audience: `groups=None` is an unrestricted caller (CLI, administrators); any
other caller sees an article only when its audience holds "everyone" or one of
the caller's groups. Several tags narrow the search: a passage must carry all
of them. Comparisons ignore case, as the keyword index does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kb.records import EVERYONE
from kb.results import Query


class Filterable(Protocol):
    """What filters look at: a stored passage or its in-memory `Owner`."""

    @property
    def department(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def audience(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Filters:
    """The restrictions of one search."""

    department: str | None = None
    tags: tuple[str, ...] = ()
    groups: frozenset[str] | None = None

    @classmethod
    def of(cls, query: Query) -> Filters:
        groups = None if query.groups is None else frozenset(g.lower() for g in query.groups)
        return cls(
            department=query.department or None,
            tags=tuple(sorted({t.strip().lower() for t in query.tags if t.strip()})),
            groups=groups,
        )

    @property
    def active(self) -> bool:
        return bool(self.department or self.tags or self.groups is not None)

    def audience_allows(self, audience: tuple[str, ...]) -> bool:
        if self.groups is None:
            return True
        lowered = {a.lower() for a in audience}
        return EVERYONE in lowered or bool(lowered & self.groups)

    def without_audience(self) -> Filters:
        """The same filters for an unrestricted caller."""
        return Filters(department=self.department, tags=self.tags)

    def allows(self, passage: Filterable) -> bool:
        if self.department and passage.department != self.department:
            return False
        if self.tags and not set(self.tags) <= {t.lower() for t in passage.tags}:
            return False
        return self.audience_allows(passage.audience)
