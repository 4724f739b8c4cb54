"""Property-based fuzzing of the JSON API from its own OpenAPI document
(schemathesis), signed in as each role: no answer may be a 5xx, and every
answer must be one the document describes (status, content type, schema).

schemathesis turns each operation's parameters and body schemas into
hypothesis strategies, both valid data and data that breaks the schema, and
checks the answers against the document; hand-written fuzzing would repeat
the document's schemas in generators and miss the response checks. Issue 13's
500s (ids beyond 64 bits, PATCH of nulls, NUL characters) were found this way.

The run is bounded and repeatable: `EXAMPLES` cases per operation and mode,
derandomized (the same cases on every run, so CI does not fail by chance), no
example database, no deadline; about 20 s per role on two cores. To search
wider, set KB_FUZZ_EXAMPLES (e.g. 200) and KB_FUZZ_RANDOM=1: each run then
draws new cases.

Schema-driven cases rarely hold what a careless or hostile client sends on
purpose (an integer of 400 digits, half a surrogate pair in a field name, an
id such as `../../etc/passwd`, a body in UTF-16 or nested 30,000 deep), so a
second test sends a fixed list of such inputs to every operation of the same
document, each parameter and body field in turn: about 10 s per role.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from kb.settings import Settings
from tests.support import filed_request, publish_fake_snapshot, sign_in_as

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("people")]

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "8"))
RANDOM = os.environ.get("KB_FUZZ_RANDOM") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def settings_(settings: Settings) -> Settings:
    return settings


ROLES = [None, "emma", "ivan", "cora", "ada", "analyst"]


def _send(client: FlaskClient, case: Any, token: str) -> Any:
    """Send a generated case through the Flask test client (with the session)."""
    headers = {k: v for k, v in (case.headers or {}).items() if isinstance(v, str)}
    if token:
        headers["X-CSRF-Token"] = token
    kwargs: dict[str, Any] = {"headers": headers, "query_string": case.query or None}
    media_type = case.media_type or "application/json"
    if _is_unset(case.body):
        pass
    elif isinstance(case.body, (bytes, str)):
        kwargs["data"] = case.body
        kwargs["content_type"] = media_type
    elif media_type == "application/json":
        kwargs["json"] = case.body
    elif isinstance(case.body, dict):  # a form or multipart body: the client encodes it
        kwargs["data"] = case.body
    else:  # not an object where a form was expected (negative cases)
        kwargs["data"] = json.dumps(case.body, default=str)
        kwargs["content_type"] = media_type
    return client.open(case.formatted_path, method=case.method, **kwargs)


def _is_unset(value: Any) -> bool:
    return type(value).__name__ == "NotSet"


def _fuzz(operation: Any, run: Callable[[Any], None], mode: GenerationMode) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        run(data.draw(operation.as_strategy(generation_mode=mode)))

    check()


@pytest.mark.parametrize("username", ROLES, ids=lambda r: r or "anonymous")
def test_no_5xx_and_no_answer_outside_the_document(
    app: Flask, settings_: Settings, username: str | None
) -> None:
    from kb.accounts.service import add_user
    from webapp.services import services

    publish_fake_snapshot(Path(settings_.index_dir))
    if username == "analyst":
        add_user(services(app).store, "analyst", "analyst")
    client = app.test_client()
    token = sign_in_as(client, username) if username else ""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: list[str] = []

    def run(case: Any) -> None:
        response = _send(client, case, token)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            failures.append(f"{case.method} {case.formatted_path}: {str(exc)[:600]}")
            raise

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, run, mode)
            except Unsatisfiable:  # nothing of this operation can be made invalid
                continue
            except BaseException as exc:  # noqa: BLE001 - the failure is in `failures`
                if not failures:
                    raise
                del exc
    assert not failures, "\n\n".join(failures[:20])


# Inputs a careless or hostile client sends that schema-driven generation rarely
# draws: each found a 500 or an answer that could not be sent (docs/security.md).
HUGE = "1" + "0" * 400  # an integer literal no float holds
ODD_VALUES = [
    None, [], {}, True, -0.0, 2**63, -(2**63) - 1, "", "-0", "../../etc/passwd",
    "2026-02-30", "x" * 70_000, ["a"] * 5_000, {"a": {"b": [None]}},
]  # fmt: skip
ODD_LITERALS = [HUGE, f"-{HUGE}", "1e999", "NaN", '"\\ud800"', '"a\\u0000b"', "[" * 900 + "]" * 900]
ODD_BODIES: list[tuple[bytes, str]] = [
    (b"", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b'{"\\ud800": 1}', "application/json"),
    (b'{"a": 1, "a": 2}', "application/json"),
    (b'{"a": "\xc0\xaf"}', "application/json"),
    (b'{"a": "\xed\xa0\x80"}', "application/json"),
    ('{"a": "ü"}'.encode("utf-16"), "application/json"),
    (b'{"a": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "application/json"),
    (b"a=b", "application/x-www-form-urlencoded"),
    (b'{"a": 1}', "text/plain"),
]
ODD_QUERY = ["1e999", "NaN", "-0", str(2**63), "9" * 500, "2026-02-30", "%00", "\x00"]


def _placeholder(schema: dict[str, Any], doc: dict[str, Any]) -> Any:
    """A value of `schema` good enough to get past its presence check."""
    schema = _resolved(schema, doc)
    for key in ("examples", "enum"):
        if schema.get(key):
            return schema[key][0]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
    return {"integer": 1, "number": 0.5, "boolean": True, "array": [], "object": {}}.get(
        str(kind), "x"
    )


def _resolved(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its `$ref` followed and its `allOf` parts' properties merged."""
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    merged = dict(schema)
    for part in schema.get("allOf", ()):
        part = _resolved(part, doc)
        merged["properties"] = {**part.get("properties", {}), **merged.get("properties", {})}
        merged["required"] = [*part.get("required", ()), *merged.get("required", ())]
    return merged


def _odd_calls(path: str, operation: dict[str, Any], doc: dict[str, Any]) -> Any:
    """(note, keyword arguments of `client.open`) for each odd call of `operation`."""
    for parameter in operation.get("parameters", ()):
        if parameter["in"] == "query":
            for value in ODD_QUERY:
                yield (
                    f"?{parameter['name']}={value[:12]!r}",
                    {"query_string": {parameter["name"]: value}},
                )
    media = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in media:
        return
    for raw, content_type in ODD_BODIES:
        yield f"body {raw[:20]!r}", {"data": raw, "content_type": content_type}
    schema = _resolved(media["application/json"]["schema"], doc)
    properties = schema.get("properties", {})
    base = {
        name: _placeholder(properties[name], doc)
        for name in schema.get("required", ())
        if name in properties
    }
    for name in properties:
        for value in ODD_VALUES:
            yield f"{name}={str(value)[:20]!r}", {"json": {**base, name: value}}
        for literal in ODD_LITERALS:
            fields = [f'"{k}": {json.dumps(v)}' for k, v in base.items() if k != name]
            body = "{" + ", ".join([*fields, f'"{name}": {literal}']) + "}"
            yield (
                f"{name}={literal[:12]}",
                {"data": body.encode(), "content_type": "application/json"},
            )


@pytest.mark.parametrize("username", ["ada", "cora", "ivan"])
def test_odd_calls_get_the_one_error_shape_never_a_5xx(
    app: Flask, settings_: Settings, username: str
) -> None:
    """Every operation of the document, sent what a careless or hostile client
    sends (wrong types, integers beyond 64 bits, half surrogate pairs in names and
    values, NUL, odd dates and ids, bodies in other encodings or not JSON at all,
    nesting thousands deep, a name twice): each answer is a success or an error
    in the one JSON shape, never a 5xx, and always one that can be sent."""
    publish_fake_snapshot(Path(settings_.index_dir))
    client = app.test_client()
    filed = filed_request(client, "emma", "VPN drops")
    token = sign_in_as(client, username)
    doc = client.get("/api/openapi.json").get_json()
    values = {"username": "olga", "article_id": "it/fuzz-target.md"}
    failures: list[str] = []
    for template, item in doc["paths"].items():
        path = re.sub(
            r"\{([^}]+)\}",
            lambda m: values.get(m[1], str(filed) if "id" in m[1] else "1"),
            template,
        )
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for note, sent in _odd_calls(path, operation, doc):
                headers = {"X-CSRF-Token": token, "If-Match": '"1"'}
                try:
                    answer = client.open(path, method=method.upper(), headers=headers, **sent)
                    problem = _not_one_error_shape(answer)
                except Exception as exc:  # noqa: BLE001 - collected, reported together below
                    problem = f"no answer: {exc!r}"[:300]
                if problem:
                    failures.append(f"{method.upper()} {path} [{note}]: {problem}")
    assert not failures, "\n".join(failures[:40])


def _not_one_error_shape(answer: Any) -> str:
    """What is wrong with an answer ('' when nothing is): a 5xx, or an error outside
    the one shape (`tests.support.error_of`)."""
    if answer.status_code >= 500:
        return f"{answer.status_code} {answer.get_data()[:200]!r}"
    if answer.status_code < 400:
        return ""
    body = answer.get_json(silent=True) if answer.mimetype == "application/json" else None
    if not isinstance(body, dict) or set(body) != {"error"}:
        return f"{answer.status_code} not the error shape: {answer.get_data()[:200]!r}"
    if set(body["error"]) != {"code", "message", "details"} or not body["error"]["message"]:
        return f"{answer.status_code} not the error shape: {body!r}"[:300]
    return ""
