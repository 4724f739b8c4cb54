"""Attachments in SQL: what is known about each file, the files' bytes, and search.

Attachments are written with the change that brings them (a reply, or the
"attached" entry), in its transaction (`insert_attachments`, called by
`update_request`); the bytes go first, by content (`put_blob`), so a change
never names a file that is not there. Search matches every word of the
query against the name and text, folded as the queue's search of requests
folds them (`kb.store.word_folding`: case and accents ignored for every
letter, an umlaut typed as "ü", "u" or "ue" alike, the same on SQLite and
PostgreSQL). Files stored before that folding (no line break in their
`search_text`) are folded again by `fold_attachment_texts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Row, func, insert, or_, select

from kb.attachments.records import Attachment
from kb.errors import ConflictError, NotFoundError
from kb.requests.internal_notes import SHARED_WITH
from kb.requests.records import RequestEntry
from kb.store.schema import attachment_blobs, request_attachments, requests
from kb.store.sql_base import SqlBase, check_limit, inserted_id
from kb.store.sql_request_search import within_queues
from kb.store.word_folding import every_word, fold_rows, searchable
from kb.validators import utc_now

_A = request_attachments
_PAGE = 100  # files a page when folding again: each text may hold 200,000 characters


def shared_lines(departments: Sequence[str]) -> str:
    """`shared_with` as stored: each department on a line of its own, so that a
    department is found whole ("it" is not in "\nit_ops\n"); "" for none."""
    return "".join(f"\n{d}" for d in sorted(set(departments))) + "\n" if departments else ""


def shared_departments(entry: RequestEntry | None) -> list[str]:
    """The task departments an internal note (`entry`) was shared with."""
    shared = entry.data.get(SHARED_WITH) if entry is not None else None
    return [str(d) for d in shared] if isinstance(shared, list) else []


def _row(attachment: Attachment, entry_id: int | None, shared: str) -> dict[str, Any]:
    return {
        "request_id": attachment.request_id,
        "entry_id": entry_id,
        "name": attachment.name,
        "kind": attachment.kind,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_by": attachment.uploaded_by,
        "created": attachment.created,
        "visible_to_requester": attachment.visible_to_requester,
        "text": attachment.text,
        "text_problem": attachment.text_problem,
        "search_text": searchable(attachment.name, attachment.text),
        "shared_with": "" if attachment.visible_to_requester else shared,
    }


def _record(row: Row[Any]) -> Attachment:
    return Attachment(
        id=row.id,
        request_id=row.request_id,
        entry_id=row.entry_id,
        name=row.name,
        kind=row.kind,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        created=row.created,
        visible_to_requester=row.visible_to_requester,
        text=row.text,
        text_problem=row.text_problem,
    )


def fold_attachment_texts(conn: Connection) -> int:
    """Fold again the name and text of every file whose `search_text` was
    folded the old way (umlauts only spelled out: "uberweisung" did not find
    "Überweisung"), which holds no line break; returns how many."""
    old = ~_A.c.search_text.contains("\n")
    return fold_rows(conn, _A, [_A.c.name, _A.c.text], old, _PAGE)


def insert_attachments(
    conn: Connection, attachments: Sequence[Attachment], entry: RequestEntry | None
) -> list[Attachment]:
    """Store attachments that came with the history entry `entry` (shared, when
    internal, with the departments it is shared with)."""
    stored = []
    entry_id = entry.id if entry is not None else None
    shared = shared_lines(shared_departments(entry))
    for attachment in attachments:
        result = conn.execute(insert(_A).values(_row(attachment, entry_id, shared)))
        stored.append(replace(attachment, id=inserted_id(result), entry_id=entry_id))
    return stored


class SqlAttachments(SqlBase):
    """The attachments part of `SqlStore` (and the bytes of the database blob store)."""

    def put_blob(self, digest: str, data: bytes) -> None:
        """Keep `data` under `digest` unless it is there already."""
        try:
            with self._write("keep an attachment's file") as conn:
                found = conn.execute(
                    select(attachment_blobs.c.sha256).where(attachment_blobs.c.sha256 == digest)
                ).first()
                if found is None:
                    conn.execute(
                        insert(attachment_blobs).values(
                            sha256=digest, size=len(data), data=data, created=utc_now()
                        )
                    )
        except ConflictError:
            return  # the same content was stored by someone else at the same moment

    def get_blob(self, digest: str) -> bytes | None:
        query = select(attachment_blobs.c.data).where(attachment_blobs.c.sha256 == digest)
        with self._read("read an attachment's file") as conn:
            data = conn.execute(query).scalar()
        return None if data is None else bytes(data)

    def has_blob(self, digest: str) -> bool:
        query = select(attachment_blobs.c.sha256).where(attachment_blobs.c.sha256 == digest)
        with self._read("look for an attachment's file") as conn:
            return conn.execute(query).first() is not None

    def attachments(self, request_id: int) -> list[Attachment]:
        query = select(_A).where(_A.c.request_id == request_id).order_by(_A.c.id)
        with self._read("read a request's attachments") as conn:
            return [_record(row) for row in conn.execute(query)]

    def attachment(self, attachment_id: int) -> Attachment:
        with self._read("read an attachment") as conn:
            row = conn.execute(select(_A).where(_A.c.id == attachment_id)).first()
        if row is None:
            raise NotFoundError(
                f"no attachment with id {attachment_id!r}",
                details={"attachment": attachment_id},
                key="no_attachment",
                values={"attachment": attachment_id},
            )
        return _record(row)

    def count_attachments(self, request_id: int) -> int:
        query = select(func.count()).select_from(_A).where(_A.c.request_id == request_id)
        with self._read("count a request's attachments") as conn:
            return int(conn.execute(query).scalar() or 0)

    def search_attachments(
        self, words: Sequence[str], departments: Sequence[str] | None, limit: int = 50
    ) -> list[Attachment]:
        """Attachments whose name and text hold every word, newest first, of requests
        in `departments`, or of requests with a task there the visible ones and the
        internal ones shared with it (None: every department): the owning queue's
        internal files stay with it, as its notes do."""
        check_limit(limit)
        wanted = every_word(_A.c.search_text, words)
        if wanted is None:
            return []
        query = select(_A).join(requests, requests.c.id == _A.c.request_id).where(wanted)
        if departments is not None:
            shared = [_A.c.shared_with.contains(f"\n{d}\n", autoescape=True) for d in departments]
            query = query.where(within_queues(departments, or_(_A.c.visible_to_requester, *shared)))
        query = query.order_by(_A.c.created.desc(), _A.c.id.desc()).limit(limit)
        with self._read("search attachments") as conn:
            return [_record(row) for row in conn.execute(query)]
