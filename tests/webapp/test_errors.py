"""One error shape: JSON under /api/ (also for Flask's own errors), HTML elsewhere."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.errors import ConflictError, KbError, ValidationError
from tests.support import FakeEngine


def test_the_error_shape_is_pinned(client: FlaskClient) -> None:
    response = client.get("/api/search?q=x&k=0")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "code": "invalid_request",
            "message": "k: must be between 1 and 100, got 0",
            "details": {"field": "k", "value": 0, "min": 1, "max": 100},
        }
    }


def test_flask_404_under_api_is_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert "/api/nothing-here" in response.get_json()["error"]["message"]


def test_flask_405_under_api_is_json_with_allow(client: FlaskClient) -> None:
    response = client.delete("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    response = client.get("/api/click")
    assert response.status_code == 405
    assert response.get_json()["error"] == {
        "code": "method_not_allowed",
        "message": "GET is not allowed on /api/click",
        "details": {},
    }


def test_unexpected_exceptions_are_500_and_logged(
    client: FlaskClient,
    engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(_query: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "search", explode)
    with caplog.at_level(logging.ERROR, logger="webapp.errors"):
        response = client.get("/api/search?q=x")
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "internal_error"
    assert "secret" not in error["message"]
    assert "secret internals" in caplog.text


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ValidationError("bad", details={"field": "x"}), 400, "invalid_request"),
        (ConflictError("stale"), 409, "conflict"),
        (KbError("boom"), 500, "internal_error"),
    ],
)
def test_domain_errors_keep_status_code_and_details(
    app: Flask, exc: KbError, status: int, code: str
) -> None:
    @app.get("/api/_raise")
    def _raise() -> str:
        raise exc

    response = app.test_client().get("/api/_raise")
    assert response.status_code == status
    assert response.get_json()["error"] == {
        "code": code,
        "message": exc.message,
        "details": exc.details,
    }


def test_pages_get_an_html_error_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"We could not find that page" in response.data
    response = client.get("/?q=x&page=zero")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert b"page: must be a whole number" in response.data
    response = client.get("/articles/hr/nope.md")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_html_error_pages_follow_the_language(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert b"Diese Seite gibt es nicht." in response.data
