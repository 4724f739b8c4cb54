"""Requests as JSON-ready dicts, and exports of many requests as CSV or JSON Lines.

One form for every consumer (webhook payloads, the JSON API, `kb requests
show --json` and exports): datetimes as ISO 8601 strings in UTC, enums as
their values.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any, Literal, TextIO

from kb.errors import ValidationError
from kb.records import terminal_cell, terminal_json
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.spreadsheet_cells import safe_cell

ExportFormat = Literal["csv", "jsonl"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "jsonl")

REQUEST_FIELDS = (
    "id", "requester", "query", "description", "department", "assignee", "status",
    "priority", "created", "updated", "first_response_due", "resolution_due",
    "first_responded_at", "resolved_at", "resolution", "linked_articles", "search_id",
    "search_query", "suggestions_shown", "went_on_anyway", "workflow", "type", "fields", "rating",
    "rating_comment", "rated_at", "watchers", "merged_into",
)  # fmt: skip
# Names of the output that differ from the record's attribute.
_ATTRIBUTE = {"type": "request_type"}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def request_dict(request: Request) -> dict[str, Any]:
    """The request's fields (not its idempotency key or version); those withheld
    from the one it was read for (`kb.requests.merged_readers`) as null."""
    row = {name: _value(getattr(request, _ATTRIBUTE.get(name, name))) for name in REQUEST_FIELDS}
    return row | dict.fromkeys(request.withheld)


def entry_dict(entry: RequestEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "request_id": entry.request_id,
        "ts": entry.ts.isoformat(),
        "actor": entry.actor,
        "kind": entry.kind,
        "message": entry.message,
        "data": entry.data,
        "visible_to_requester": entry.visible_to_requester,
    }


def task_dict(task: RequestTask, *, blocked: bool | None = None) -> dict[str, Any]:
    out = {
        "request_id": task.request_id,
        "id": task.id,
        "department": task.department,
        "title": None if task.title_withheld else task.title,
        "status": task.status.value,
        "depends_on": list(task.depends_on),
        "assignee": task.assignee,
        "due": _value(task.due),
    }
    if blocked is not None:
        out["blocked"] = blocked
    return out


def write_export(requests: Iterable[Request], out: TextIO, fmt: str, terminal: bool = False) -> int:
    """Write requests as CSV (one row each, lists joined by ';') or JSON Lines.

    `terminal`: `out` is a terminal a person reads, so no control character of
    the requests' text may reach it (`kb.records.terminal_cell`); otherwise the
    export is the data, byte for byte. Returns the number written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}",
            key="export_format",
            values={"value": fmt, "known": ", ".join(EXPORT_FORMATS)},
        )
    count = 0
    if fmt == "jsonl":
        for request in requests:
            line = json.dumps(request_dict(request), ensure_ascii=False)
            out.write((terminal_json(line) if terminal else line) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, fieldnames=REQUEST_FIELDS)
    writer.writeheader()
    for request in requests:
        row = request_dict(request)
        row["linked_articles"] = ";".join(row["linked_articles"])
        row["watchers"] = ";".join(row["watchers"])
        row["fields"] = json.dumps(row["fields"], ensure_ascii=False) if row["fields"] else ""
        cells = {name: safe_cell(value) for name, value in row.items()}
        writer.writerow({n: terminal_cell(v) for n, v in cells.items()} if terminal else cells)
        count += 1
    return count
