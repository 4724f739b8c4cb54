"""Article versions in SQL (`kb.authoring.store.VersionStore`).

Each version keeps the whole file text: articles are a few kilobytes, a
thousand saves of one are a few megabytes, and a whole text per row makes
history, diff and restore one indexed read each. The primary key (article
id, number) is what makes a concurrent save lose cleanly: two writers that
both read version 4 both try to insert 5, and the database lets one through.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Row, Subquery, and_, delete, func, insert, select, true

from kb.authoring.records import Action, ArticleActivity, ArticleVersion
from kb.errors import ConflictError, NotFoundError
from kb.store.expressions import starts_with
from kb.store.schema import article_versions, click_events, feedback_events
from kb.store.sql_base import SqlBase

_IN_BATCH = 500


def _version(row: Row[Any]) -> ArticleVersion:
    return ArticleVersion(**dict(row._mapping))


def _newest(chosen: ColumnElement[bool]) -> tuple[Subquery, ColumnElement[bool]]:
    """The join (table, condition) that keeps each chosen article's newest version."""
    newest = (
        select(article_versions.c.article_id, func.max(article_versions.c.number).label("number"))
        .where(chosen)
        .group_by(article_versions.c.article_id)
        .subquery()
    )
    return newest, and_(
        article_versions.c.article_id == newest.c.article_id,
        article_versions.c.number == newest.c.number,
    )


class SqlVersions(SqlBase):
    """Versions of article files, over the store's engine."""

    def add_version(self, version: ArticleVersion) -> ArticleVersion:
        values = {
            "article_id": version.article_id,
            "number": version.number,
            "text": version.text,
            "author": version.author,
            "action": version.action.value,
            "status": version.status.value,
            "message": version.message,
            "ts": version.ts,
            "content_hash": version.content_hash,
        }
        try:
            with self._write("save an article version") as conn:
                conn.execute(insert(article_versions).values(values))
        except ConflictError:
            raise ConflictError(
                f"{version.article_id} was saved by someone else in the meantime "
                f"(version {version.number} exists); reload it and apply your change again",
                details={"id": version.article_id, "version": version.number},
                key="saved_meanwhile",
                values={"id": version.article_id, "version": version.number},
            ) from None
        return version

    def remove_version(self, article_id: str, number: int) -> None:
        with self._write("take back an article version") as conn:
            conn.execute(
                delete(article_versions).where(
                    and_(
                        article_versions.c.article_id == article_id,
                        article_versions.c.number == number,
                    )
                )
            )

    def versions(self, article_id: str) -> list[ArticleVersion]:
        query = (
            select(article_versions)
            .where(article_versions.c.article_id == article_id)
            .order_by(article_versions.c.number)
        )
        with self._read("read article versions") as conn:
            return [_version(row) for row in conn.execute(query)]

    def version(self, article_id: str, number: int) -> ArticleVersion:
        query = select(article_versions).where(
            and_(article_versions.c.article_id == article_id, article_versions.c.number == number)
        )
        with self._read("read an article version") as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(
                f"{article_id} has no version {number}; see its history for the versions it has",
                details={"id": article_id, "version": number},
                key="no_version",
                values={"id": article_id, "version": number},
            )
        return _version(row)

    def latest(self, article_id: str) -> ArticleVersion | None:
        query = (
            select(article_versions)
            .where(article_versions.c.article_id == article_id)
            .order_by(article_versions.c.number.desc())
            .limit(1)
        )
        with self._read("read the latest article version") as conn:
            row = conn.execute(query).first()
        return None if row is None else _version(row)

    def latest_versions(self, prefix: str, *, skip_disk: bool = False) -> dict[str, ArticleVersion]:
        chosen = starts_with(article_versions.c.article_id, prefix)
        if skip_disk:
            chosen = and_(chosen, article_versions.c.action != Action.DISK.value)
        query = select(article_versions).join(*_newest(chosen))
        with self._read("read the latest article versions") as conn:
            return {row.article_id: _version(row) for row in conn.execute(query)}

    def latest_move_notes(self) -> dict[str, str]:
        query = (
            select(article_versions.c.article_id, article_versions.c.message)
            .join(*_newest(true()))
            .where(article_versions.c.action == Action.MOVE.value)
        )
        with self._read("read the renamed articles") as conn:
            return {row.article_id: row.message for row in conn.execute(query)}

    def activity(self, article_ids: Iterable[str]) -> dict[str, ArticleActivity]:
        ids = sorted(set(article_ids))
        views: dict[str, int] = {}
        votes: dict[str, list[int]] = {}
        with self._read("read how articles are used") as conn:
            for start in range(0, len(ids), _IN_BATCH):
                batch = ids[start : start + _IN_BATCH]
                for aid, count in conn.execute(
                    select(click_events.c.article_id, func.count())
                    .where(click_events.c.article_id.in_(batch))
                    .group_by(click_events.c.article_id)
                ):
                    views[aid] = int(count)
                for aid, helpful, count in conn.execute(
                    select(feedback_events.c.article_id, feedback_events.c.helpful, func.count())
                    .where(feedback_events.c.article_id.in_(batch))
                    .group_by(feedback_events.c.article_id, feedback_events.c.helpful)
                ):
                    votes.setdefault(aid, [0, 0])[0 if helpful else 1] += int(count)
        return {
            aid: ArticleActivity(views.get(aid, 0), *votes.get(aid, [0, 0]))
            for aid in set(views) | set(votes)
        }
