"""docs/api.md names every route of the JSON API and every error code a
caller can meet, its error table only codes the product answers and each with
the status it is answered with, and no page of the docs names a call the app
does not answer.

The OpenAPI document is generated from the routes (tests/webapp/openapi);
this keeps the prose that people read beside it in step with the same routes.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.conftest import ROOT
from webapp.openapi.document import openapi_document

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CALL = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) (/api/[^\s`|,;)]*)")
# Any call the pages name, of the API or of a page (`POST /auth/sign-in`).
ANY_CALL = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) (/[^\s`|,;)]*)")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|<[^>]*>|…")
_IGNORED = {"HEAD", "OPTIONS"}
# Calls the docs name on purpose although the app does not answer them.
NOT_ROUTES = {("GET", "/api/click")}  # the example of a 405 in docs/api.md


def _shape(path: str) -> str:
    """A path with its parameters as `{}`, without its query."""
    return _PLACEHOLDER.sub("{}", path.split("?")[0]).rstrip(".:")


def app_calls(app: Flask) -> set[tuple[str, str]]:
    calls = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<[^>]*>", "{}", rule.rule)
            calls |= {(m, path) for m in rule.methods or () if m not in _IGNORED}
    return calls


def test_api_md_names_every_route(app: Flask) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    named = {(method, _shape(path)) for method, path in CALL.findall(text)}
    missing = sorted(app_calls(app) - named, key=lambda call: call[::-1])
    assert not missing, f"describe these calls in docs/api.md: {missing}"


def test_every_call_the_docs_name_is_answered(app: Flask) -> None:
    adapter = app.url_map.bind("kb.example.org")
    wrong = []
    for page in PAGES:
        for method, path in set(ANY_CALL.findall(page.read_text(encoding="utf-8"))):
            if (method, path) in NOT_ROUTES:
                continue
            try:
                adapter.match(_PLACEHOLDER.sub("1", path.split("?")[0]), method=method)
            except RequestRedirect:
                pass  # the route is there, with or without its trailing slash
            except HTTPException:
                wrong.append(f"{page.relative_to(ROOT)}: {method} {path}")
    assert not wrong, f"the docs name calls the app does not answer: {wrong}"
    assert _shape("/api/requests/<id>/watchers/{username}?x=1") == "/api/requests/{}/watchers/{}"


# Error codes of the indexer and the command line, which no API call answers.
NOT_API_ERRORS = {
    "config_error",
    "index_locked",
    "model_mismatch",
    "snapshot_store_error",
    "unreadable_document",
}


# Codes Flask's own refusals answer, which no class of the product names.
FLASK_CODES = {"method_not_allowed", "payload_too_large", "internal_error"}
_TABLE_ROW = re.compile(r"^\| (\d{3}|—) \| (.+?) \|", re.M)


def _statuses() -> dict[str, set[int]]:
    """Each error code of the product with the statuses its classes answer,
    a class's status inherited from its bases (read from the source)."""
    classes: dict[str, tuple[list[str], dict[str, object]]] = {}
    for package in ("kb", "webapp", "search", "indexer"):
        for source in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    names = [getattr(base, "id", getattr(base, "attr", "")) for base in node.bases]
                    classes[node.name] = (names, _constants(node))

    def inherited(name: str, attribute: str) -> object:
        bases, constants = classes.get(name, ([], {}))
        if attribute in constants:
            return constants[attribute]
        found = (inherited(base, attribute) for base in bases)
        return next((value for value in found if value is not None), None)

    found: dict[str, set[int]] = {}
    for name in classes:
        code, answered = inherited(name, "code"), inherited(name, "status")
        if isinstance(code, str) and isinstance(answered, int):
            found.setdefault(code, set()).add(answered)
    return found


def _constants(node: ast.ClassDef) -> dict[str, object]:
    """A class's own `code = "…"` and `status = 409` (or `status: int = 500`)."""
    found = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                value = statement.value
                if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
                    found[target.id] = value.value
    return {name: value for name, value in found.items() if name in ("code", "status")}


def test_api_md_names_every_error_code() -> None:
    codes = _statuses()
    assert codes["invalid_request"] == {400} and codes["review_required"] == {403, 409}
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = sorted(code for code in set(codes) - NOT_API_ERRORS if f"`{code}`" not in text)
    assert not missing, f"say in docs/api.md's error table when these are answered: {missing}"
    table = {
        (code, status)
        for status, cell in _TABLE_ROW.findall(text.split("## Errors", 1)[1].split("\n## ")[0])
        for code in re.findall(r"`([a-z_]+)`", cell)
    }
    unknown = sorted(code for code, _ in table if code not in codes and code not in FLASK_CODES)
    assert not unknown, f"docs/api.md's error table names codes nothing answers: {unknown}"
    answered = {(code, str(status)) for code, statuses in codes.items() for status in statuses}
    over_http = {code for code, status in table if status != "—"} - FLASK_CODES
    wrong = sorted(
        f"{code} {status}"
        for code, status in table ^ {call for call in answered if call[0] in over_http}
        if code in over_http
    )
    assert not wrong, f"docs/api.md's error table gives these codes another status: {wrong}"


def _described_fields(
    schema: object, components: dict[str, Any], seen: frozenset = frozenset()
) -> set[str]:
    """Every field name a part of the OpenAPI document describes, at any depth."""
    if isinstance(schema, list):
        return {name for part in schema for name in _described_fields(part, components, seen)}
    if not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return (
            set()
            if name in seen
            else _described_fields(components.get(name), components, seen | {name})
        )
    found = set(schema.get("properties", {})) | {
        p["name"] for p in schema.get("parameters", []) if isinstance(p, dict) and "name" in p
    }
    return found | {
        name for part in schema.values() for name in _described_fields(part, components, seen)
    }


# Fields an example fills in that are a request type's own (`fields` of a service form).
FORM_FIELDS = {"new_hire", "start_date", "job_title", "manager", "team_department", "laptop"}


_STATUS_CODE = re.compile(r"\b(4\d\d|5\d\d)\*{0,2},? \(?`([a-z_]+)`")


def test_every_status_and_code_the_docs_write_is_answered() -> None:
    """ "409 `conflict`" in the docs is what a client branches on: the code must be
    one the product answers, with that status (a message's key, `move_taken`, or
    a `details.reason` written where the code goes, is not)."""
    codes = _statuses()
    http = {
        int(status)
        for status, _cell in _TABLE_ROW.findall(
            (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
        )
        if status != "—"
    }
    wrong = [
        f"{page.relative_to(ROOT)}: {status} `{code}`"
        for page in PAGES
        for status, code in _STATUS_CODE.findall(page.read_text(encoding="utf-8"))
        if int(status) in http
        and code not in FLASK_CODES
        and int(status) not in codes.get(code, set())
    ]
    assert not wrong, f"write the code these calls answer (and details.reason after it): {wrong}"


def test_every_field_an_api_md_example_shows_is_described(app: Flask) -> None:
    """Each key of a JSON example under an endpoint's heading of docs/api.md is
    a field the OpenAPI document describes for that endpoint (its parameters,
    body or answers), so an example cannot show a field the API dropped or
    renamed, nor the API answer one its description lacks."""
    document = openapi_document(app)
    components = document["components"]["schemas"]
    operations = {
        (method.upper(), _shape(path)): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    wrong = []
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        calls = CALL.findall(section.splitlines()[0])
        described = {
            name
            for method, path in calls
            for name in _described_fields(operations.get((method, _shape(path)), {}), components)
        }
        for example in re.findall(r"^```(?:json|console)\n(.*?)^```", section, re.M | re.S):
            shown = set(re.findall(r'"([a-z_]+)":', example)) - FORM_FIELDS
            if calls and shown - described:
                wrong.append(f"{section.splitlines()[0]}: {sorted(shown - described)}")
    assert not wrong, f"docs/api.md's examples show fields the OpenAPI lacks: {wrong}"


QUERY_CALL = re.compile(r"(/api/[^\s`'\"?)|]*)\?([^\s`'\")|#]*)")
# The example of the refusal in docs/api.md ("Query parameters").
REFUSED_ON_PURPOSE = {"/api/requests?departmnt=hr"}


def test_the_docs_send_only_the_parameters_each_call_takes(app: Flask) -> None:
    """Every call refuses a query parameter it does not declare
    (`webapp.query_params`): an example that sends one would fail as written."""
    from webapp.query_params import accepted

    adapter = app.url_map.bind("kb.example.org")
    wrong, seen = [], 0
    for page in PAGES:
        for path, query in QUERY_CALL.findall(page.read_text(encoding="utf-8")):
            if f"{path}?{query}" in REFUSED_ON_PURPOSE:
                continue
            endpoint = _endpoint(adapter, _PLACEHOLDER.sub("1", path))
            names = {part.split("=")[0] for part in query.split("&")}
            for name in sorted(n for n in names if n and "…" not in n):
                seen += 1
                if endpoint is None or name not in accepted(endpoint):
                    wrong.append(f"{page.relative_to(ROOT)}: {path}?{query} sends {name}")
    assert not wrong, f"the docs send parameters their calls do not take: {wrong}"
    assert seen > 10


def _endpoint(adapter: Any, path: str) -> str | None:
    for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        return str(endpoint)
    return None
