"""Reading what callers send about requests: the ask form, JSON bodies, changes.

Every check fails with `kb.errors.ValidationError` (400) naming the field, so
the form shows it beside the input and API clients can point at it. The
records here are what the views hand to `RequestService`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kb.accounts.records import User
from kb.errors import ValidationError
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request
from kb.requests.service import RequestService
from kb.requests.submission import NewRequest
from kb.requests.working import RequestChanges
from kb.validators import parse_choice
from webapp.inputs import (
    MAX_INT,
    bool_field,
    digits,
    int_field,
    invalid,
    known,
    text_field,
    too_long,
)
from webapp.preconditions import if_match_version, version_of

MAX_DESCRIPTION_CHARS = 5000
MAX_TEXT_CHARS = 10_000
MAX_KEY_CHARS = 100
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_ABSENT = object()


def idempotency_key(value: str | None, field: str = IDEMPOTENCY_HEADER) -> str | None:
    """A checked idempotency key (letters, digits, . _ : -), or None when absent."""
    key = (value or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_CHARS or not _KEY.match(key):
        raise invalid(
            field,
            f"must be 1-{MAX_KEY_CHARS} letters, digits or . _ : - (a UUID is ideal), "
            f"got {key[:120]!r}",
            key="idempotency_key",
            values={"limit": MAX_KEY_CHARS},
            value=key[:120],
        )
    return key


def _confidence(raw: Any, field: str = "department_confidence") -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise invalid(field, "must be a number between 0 and 1, got a boolean", key="zero_to_one")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise invalid(
            field, f"must be a number between 0 and 1, got {raw!r}", key="zero_to_one"
        ) from None
    if not math.isfinite(value):  # "NaN" or "1e999" as text: no number JSON can answer
        raise invalid(field, f"must be between 0 and 1, got {str(raw)[:40]!r}", key="zero_to_one")
    if not 0.0 <= value <= 1.0:
        raise invalid(
            field, f"must be between 0 and 1, got {value}", key="zero_to_one", value=value
        )
    return value


def _limited(field: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise too_long(field, len(text), limit)
    return text


def submission_from_form(form: Mapping[str, str], max_query_chars: int) -> NewRequest:
    """The ask form. The suggestion's confidence only counts while the employee
    kept the department the form preselected: a department they picked
    themselves is always respected."""
    query = _limited("query", (form.get("query") or "").strip(), max_query_chars)
    description = _limited(
        "description", (form.get("description") or "").strip(), MAX_DESCRIPTION_CHARS
    )
    department = (form.get("department") or "").strip() or None
    kept = department == ((form.get("preselected") or "").strip() or None)
    raw_id = (form.get("search_id") or "").strip()
    searched = _limited("search_query", (form.get("search_query") or "").strip(), max_query_chars)
    return NewRequest(
        query=query,
        description=description,
        department=department,
        suggested_department=(form.get("suggested") or "").strip() or None,
        department_confidence=_confidence(form.get("confidence")) if kept else None,
        # Whether articles were suggested is the server's to say (the form's
        # `suggestions_shown` holds its proof, `webapp.ask.form_token`); filing
        # the request after they were is going on anyway.
        suggestions_shown=False,
        went_on_anyway=True,
        search_id=digits(raw_id, "search_id") or None,
        search_query=searched,
        priority=(form.get("priority") or "normal").strip(),
        idempotency_key=idempotency_key(form.get("idempotency_key"), "idempotency_key"),
        workflow=(form.get("workflow") or "").strip() or None,
    )


def _optional_text(data: Mapping[str, Any], name: str, limit: int = 500) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    return text_field(data, name, required=False, max_chars=limit) or None


def _optional_bool(data: Mapping[str, Any], name: str) -> bool:
    """False when left out; null is not a boolean (it is refused like any other)."""
    return False if name not in data else bool_field(data, name)


NEW_REQUEST_FIELDS = (
    "query",
    "type",
    "fields",
    "description",
    "department",
    "suggested_department",
    "department_confidence",
    "suggestions_shown",
    "went_on_anyway",
    "suggestions_token",
    "search_id",
    "search_ref",
    "search_query",
    "priority",
    "workflow",
    "idempotency_key",
)


def submission_from_json(
    data: Mapping[str, Any], header_key: str | None, max_query_chars: int, lang: str = "en"
) -> NewRequest:
    """The body of `POST /api/requests`; the key comes from the Idempotency-Key header
    (or the body's `idempotency_key`; both must then agree). With `type` (a catalogue
    entry) the question may be left out: the type's summary with the `fields` filled
    in (in `lang`) becomes the title."""
    known(data, NEW_REQUEST_FIELDS)
    key = idempotency_key(header_key)
    body_key = data.get("idempotency_key")
    if body_key is not None:
        if not isinstance(body_key, str):
            raise invalid("idempotency_key", "must be a string", key="not_text")
        body_key = idempotency_key(body_key, "idempotency_key")
        if key is not None and body_key != key:
            raise invalid(
                "idempotency_key",
                f"differs from the {IDEMPOTENCY_HEADER} header; send one key",
                key="idempotency_differs",
            )
        key = body_key
    search_id = int_field(data, "search_id", required=False, minimum=1)
    request_type = _optional_text(data, "type", 60)
    fields = data.get("fields")
    if fields is not None and not isinstance(fields, dict):
        raise invalid(
            "fields",
            "must be an object of field names and values",
            key="not_object",
            expected="object",
        )
    return NewRequest(
        query=text_field(data, "query", required=request_type is None, max_chars=max_query_chars),
        description=text_field(
            data, "description", required=False, max_chars=MAX_DESCRIPTION_CHARS
        ),
        department=_optional_text(data, "department"),
        suggested_department=_optional_text(data, "suggested_department"),
        department_confidence=_confidence(data.get("department_confidence")),
        suggestions_shown=_optional_bool(data, "suggestions_shown"),
        went_on_anyway=_optional_bool(data, "went_on_anyway"),
        search_id=search_id,
        search_query=text_field(data, "search_query", required=False, max_chars=max_query_chars),
        priority=_optional_text(data, "priority") or "normal",
        idempotency_key=key,
        workflow=_optional_text(data, "workflow"),
        request_type=request_type,
        fields=fields,
        lang=lang,
    )


@dataclass(frozen=True)
class Comment:
    text: str
    internal: bool = False

    def add(self, service: RequestService, actor: User, request_id: int) -> Request:
        return service.comment(actor, request_id, self.text, visible_to_requester=not self.internal)


def comment_from_json(data: Mapping[str, Any]) -> Comment:
    known(data, ("text", "internal"))
    return Comment(
        text=text_field(data, "text", max_chars=MAX_TEXT_CHARS),
        internal=_optional_bool(data, "internal"),
    )


@dataclass(frozen=True)
class RequestPatch:
    """`PATCH /api/requests/<id>`: the fields to change, all saved or none.

    Order: `department` (a reassignment; needs `reason`), then `assignee`
    (null unassigns), then `status` with `note` — or `resolution`, which
    resolves. Each is checked on the request as the ones before leave it, and
    each gets its own history entry (`RequestService.patch`).
    """

    department: str | None = None
    reason: str = ""
    assignee: Any = _ABSENT
    status: str | None = None
    note: str = ""
    resolution: str | None = None
    version: int | None = None  # If-Match: the version the changes are based on

    def apply(self, service: RequestService, actor: User, request_id: int) -> Request:
        """Make the changes; returns the request after the last one."""
        wanted = RequestChanges(
            department=self.department,
            reason=self.reason,
            assign=self.assignee is not _ABSENT,
            assignee=None if self.assignee is _ABSENT else self.assignee,
            status=self.status,
            note=self.note,
            resolution=self.resolution,
            version=self.version,
        )
        return service.patch(actor, request_id, wanted)


PATCH_FIELDS = ("department", "reason", "assignee", "status", "note", "resolution")


def patch_from_json(data: Mapping[str, Any], if_match: str | None = None) -> RequestPatch:
    """The patch of a JSON body, based on the version in `if_match` (an ETag,
    `"3"`; None or `*`: whichever version is current)."""
    known(data, PATCH_FIELDS)
    version = if_match_version(if_match)
    for name, value in data.items():
        if value is None and name != "assignee":
            raise invalid(
                name,
                "must not be null; leave it out to keep it (only assignee: null unassigns)",
                key="not_null",
            )
    status = _optional_text(data, "status")
    if status is not None:
        # Checked before anything is loaded: a 400 for the body comes first.
        parse_choice(RequestStatus, "status", status)
    resolution = _optional_text(data, "resolution", MAX_TEXT_CHARS)
    if status is not None and status != "resolved" and resolution is not None:
        raise invalid(
            "resolution",
            f"only goes with status resolved, not {status}",
            key="resolution_alone",
            values={"status_to": status},
        )
    if status == "resolved" and resolution is None:
        raise invalid(
            "resolution",
            "is needed to resolve: the answer the requester gets",
            key="resolution_needed",
        )
    assignee: Any = _ABSENT
    if "assignee" in data:
        assignee = _optional_text(data, "assignee", 254)
    department = _optional_text(data, "department")
    # Blank strings count as left out (schema fuzzing: {"department": ""} hit the
    # assertion in apply), so the check comes after reading the fields.
    if department is None and assignee is _ABSENT and status is None and resolution is None:
        for name in ("resolution", "status", "department"):
            if name in data:  # sent, but blank: say which, not "nothing to change"
                raise invalid(name, "must not be blank", key="missing")
        raise ValidationError(
            "nothing to change: send status, department (with reason), assignee or resolution",
            details={"known": list(PATCH_FIELDS)},
            key="nothing_to_change",
        )
    return RequestPatch(
        department=department,
        reason=text_field(data, "reason", required=False, max_chars=MAX_TEXT_CHARS),
        assignee=assignee,
        status=status,
        note=text_field(data, "note", required=False, max_chars=MAX_TEXT_CHARS),
        resolution=resolution,
        version=version,
    )


@dataclass(frozen=True)
class BulkChoice:
    """The requests a bulk change names, in the order sent, and the version the
    client read of those it gave one for."""

    ids: list[int]
    versions: dict[int, int]


def bulk_choice_from_json(raw: Any) -> BulkChoice:
    """`ids` of a bulk change: request numbers, or `{"id", "version"}` objects (the
    version read; a request changed since is left as it is). Both may be mixed."""
    if not isinstance(raw, list):
        raise _not_request_numbers()
    ids: list[int] = []
    versions: dict[int, int] = {}
    for index, item in enumerate(raw):
        request_id, version = _bulk_item(item, index)
        ids.append(request_id)
        if version is None:
            continue
        if versions.setdefault(request_id, version) != version:
            raise invalid(
                f"ids[{index}].version",
                f"request {request_id} is named twice with different versions",
                key="bulk_versions_differ",
                values={"id": request_id},
            )
    return BulkChoice(ids, versions)


def _bulk_item(item: Any, index: int) -> tuple[int, int | None]:
    """One item of `ids`: a request number, or `{"id", "version"}` (version optional)."""
    if not isinstance(item, dict):
        return _request_number(item, index), None
    where = f"ids[{index}]"
    unknown = sorted(set(item) - {"id", "version"})
    if unknown:
        raise invalid(
            f"{where}.{unknown[0]}",
            "is not a field of an item of ids; send id and version",
            key="unknown_field",
            values={"known": "id, version"},
        )
    request_id = _request_number(item.get("id"), index)
    if "version" not in item:
        return request_id, None
    # A null or empty version (an unset variable) is refused, never taken as
    # absent: that would drop the check the client meant to make.
    version = version_of(item["version"], f"{where}.version")
    if version is None:
        raise invalid(
            f"{where}.version",
            "is empty; send the version you read (a number such as 3) or leave it out",
            key="bulk_version_blank",
        )
    return request_id, version


def _request_number(value: Any, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise _not_request_numbers(index)
    return value


def _not_request_numbers(index: int | None = None) -> ValidationError:
    """A 400 naming `ids` (and the `index` of the item that is wrong)."""
    at = {} if index is None else {"index": index}
    return ValidationError(
        f"ids: send a list of request numbers (1 to {MAX_INT}), or of "
        '{"id": <number>, "version": <the version you read>}',
        details={"field": "ids", "expected": "array", **at},
        key="request_numbers",
        values={"limit": MAX_INT},
    )
