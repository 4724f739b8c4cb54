"""`VersionStore`: the versions of article files, and how much each article is read.

The SQL implementation (`kb.store.sql_versions`) shares the engine of the
app's `Store`; `version_store(store)` builds it from that store, as
`kb.insights.store` does. Closing the `Store` closes both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from kb.authoring.records import ArticleActivity, ArticleVersion


@runtime_checkable
class VersionStore(Protocol):
    """Article versions, one numbered series per article id."""

    def add_version(self, version: ArticleVersion) -> ArticleVersion:
        """Store a version; ConflictError when its number is taken (someone else
        saved that article in between: nothing is stored)."""
        ...

    def remove_version(self, article_id: str, number: int) -> None:
        """Take back a version whose file could not be written."""
        ...

    def versions(self, article_id: str) -> list[ArticleVersion]:
        """Every version of the article, oldest first."""
        ...

    def version(self, article_id: str, number: int) -> ArticleVersion:
        """NotFoundError when there is no such version."""
        ...

    def latest(self, article_id: str) -> ArticleVersion | None: ...

    def latest_versions(self, prefix: str, *, skip_disk: bool = False) -> dict[str, ArticleVersion]:
        """The newest version of every article whose id starts with `prefix`; with
        `skip_disk`, the newest that is not a change found on disk (a document's
        upload waiting for review stays its newest then, as `pending` reads it)."""
        ...

    def latest_move_notes(self) -> dict[str, str]:
        """The note of every article whose newest version is a `move`, by id:
        "moved to <new id>" for the old id of a renamed article."""
        ...

    def activity(self, article_ids: Iterable[str]) -> dict[str, ArticleActivity]:
        """Views and votes of each article (those with none are left out)."""
        ...


def version_store(store: object) -> VersionStore:
    """The version store over the same database as `store` (a `SqlStore`)."""
    from kb.store.sql_versions import SqlVersions

    engine = getattr(store, "engine", None)
    if engine is None:
        raise TypeError(f"{store!r} has no SQL engine to share with article versions")
    return SqlVersions(engine)
