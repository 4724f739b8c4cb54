"""docs/api.md names every route of the JSON API and every error code a
caller can meet, and no page of the docs names a call the app does not answer.

The OpenAPI document is generated from the routes (tests/webapp/openapi);
this keeps the prose that people read beside it in step with the same routes.
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.conftest import ROOT

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


def test_api_md_names_every_error_code() -> None:
    sources = [*(ROOT / "kb").rglob("*.py"), *(ROOT / "webapp").rglob("*.py")]
    codes = {
        code
        for source in sources
        for code in re.findall(r'^\s+code = "([a-z_]+)"', source.read_text(encoding="utf-8"), re.M)
    }
    assert "invalid_request" in codes
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = sorted(code for code in codes - NOT_API_ERRORS if f"`{code}`" not in text)
    assert not missing, f"say in docs/api.md's error table when these are answered: {missing}"
