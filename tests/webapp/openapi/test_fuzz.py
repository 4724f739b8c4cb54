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
"""

from __future__ import annotations

import json
import os
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
from tests.support import publish_fake_snapshot, sign_in_as

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
