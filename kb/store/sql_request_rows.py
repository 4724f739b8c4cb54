"""Requests, tasks and history entries as rows, and the writes every part shares.

The columns of `requests` are named exactly like the fields of `Request`, so
a row becomes a record by name; `search_text` alone is derived, written with
the question and description it folds. `insert_entry` and `announce` are the two
steps every change of a request ends with: its history entry, and the outbox
messages it announces, in the change's own transaction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Row, insert

from kb.errors import NotFoundError
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.store.protocols import Announce
from kb.store.request_search_text import search_text
from kb.store.schema import request_entries, requests
from kb.store.sql_base import inserted_id
from kb.store.sql_outbox import insert_message


def request_row(request: Request) -> dict[str, Any]:
    return {
        "requester": request.requester,
        "query": request.query,
        "description": request.description,
        "search_text": search_text(request.query, request.description),
        "department": request.department,
        "assignee": request.assignee,
        "status": request.status.value,
        "priority": request.priority.value,
        "created": request.created,
        "updated": request.updated,
        "first_response_due": request.first_response_due,
        "resolution_due": request.resolution_due,
        "first_responded_at": request.first_responded_at,
        "resolved_at": request.resolved_at,
        "resolution": request.resolution,
        "linked_articles": request.linked_articles,
        "search_id": request.search_id,
        "search_query": request.search_query,
        "suggestions_shown": request.suggestions_shown,
        "went_on_anyway": request.went_on_anyway,
        "workflow": request.workflow,
        "request_type": request.request_type,
        "fields": request.fields,
        "rating": request.rating,
        "rating_comment": request.rating_comment,
        "rated_at": request.rated_at,
        "watchers": request.watchers,
        "self_watchers": request.self_watchers,
        "merged_into": request.merged_into,
        "answered_at": request.answered_at,
        # Not `requester_seen_at`: only opening the request writes it
        # (`kb.store.sql_answer_notices`), so a change saved from a copy read
        # before cannot undo it.
        "idempotency_key": request.idempotency_key,
        "version": request.version,
    }


def request_record(row: Row[Any]) -> Request:
    # The columns of `requests` are named exactly like the fields of `Request`,
    # but for the text folded for search, which is derived from two of them.
    return Request(
        **{c.name: getattr(row, c.name) for c in requests.columns if c.name != "search_text"}
    )


def task_row(task: RequestTask) -> dict[str, Any]:
    return {
        "department": task.department,
        "title": task.title,
        "status": task.status.value,
        "depends_on": task.depends_on,
        "assignee": task.assignee,
        "due": task.due,
    }


def task_record(row: Row[Any]) -> RequestTask:
    return RequestTask(
        request_id=row.request_id,
        id=row.task_no,
        department=row.department,
        title=row.title,
        status=row.status,
        depends_on=row.depends_on,
        assignee=row.assignee,
        due=row.due,
        version=row.version,
    )


def entry_record(row: Row[Any]) -> RequestEntry:
    return RequestEntry(
        id=row.id,
        request_id=row.request_id,
        ts=row.ts,
        actor=row.actor,
        kind=row.kind,
        message=row.message,
        data=row.data,
        visible_to_requester=row.visible_to_requester,
    )


def announce(
    conn: Connection, announce: Announce | None, request: Request, entry: RequestEntry
) -> None:
    """Queue the messages announcing `entry` in the transaction that stored it."""
    if announce is not None:
        for message in announce(request, entry):
            insert_message(conn, message)


def insert_entry(conn: Connection, entry: RequestEntry) -> RequestEntry:
    result = conn.execute(
        insert(request_entries).values(
            request_id=entry.request_id,
            ts=entry.ts,
            actor=entry.actor,
            kind=entry.kind,
            message=entry.message,
            data=entry.data,
            visible_to_requester=entry.visible_to_requester,
        )
    )
    return replace(entry, id=inserted_id(result))


def no_request(request_id: int) -> NotFoundError:
    """The error of a request id that names no request."""
    return NotFoundError(
        f"no request with id {request_id!r}",
        details={"id": request_id},
        key="no_request",
        values={"id": request_id},
    )
