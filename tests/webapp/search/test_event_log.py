"""The event log never slows or breaks a search: a failing store is logged, not fatal."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from kb.errors import StoreError
from kb.results import Query, SearchResponse
from tests.support import FakeEngine
from webapp import create_app
from webapp.search.event_log import search_event
from webapp.services import services


def test_api_search_answers_when_logging_fails(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="webapp.search.event_log"):
        response = failing_app.test_client().get("/api/search?q=sick")
    assert response.status_code == 200
    body = response.get_json()
    assert body["answered"] is True
    assert body["search_id"] is None
    assert "could not log the search 'sick'" in caplog.text
    assert "store is down" in caplog.text  # the traceback is logged too


def test_search_page_answers_when_logging_fails(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/?q=sick")
    assert response.status_code == 200
    assert b"Reporting sick" in response.data
    assert b'data-search-id=""' in response.data


def test_a_store_that_cannot_open_is_not_retried_on_every_search(
    settings: Any, engine: FakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    opened = []

    def broken_store(_settings: Any) -> Any:
        opened.append(1)
        raise StoreError("database is unreachable")

    app = create_app(
        {
            "KB_SETTINGS": settings,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _s: engine,
            "KB_STORE_FACTORY": broken_store,
        }
    )
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            assert client.get("/api/search?q=sick").status_code == 200
    assert opened == [1]
    assert "database is unreachable" in caplog.text


def test_clicks_and_feedback_report_store_failures(failing_app: Flask) -> None:
    client = failing_app.test_client()
    response = client.post("/api/click", json={"search_id": 1, "article_id": "a.md", "rank": 1})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] in {"store_error", "internal_error"}


def test_search_events_are_clamped_to_the_record_rules() -> None:
    response = SearchResponse(
        query="q",
        answered=True,
        confidence=1.7,
        answer=None,
        department="",
        department_confidence=-0.2,
        did_you_mean=None,
        results=[],
        lang="",
    )
    event = search_event(Query(text="q"), response, latency_ms=-1.0, user="u")
    assert event.confidence == 1.0 and event.department_confidence == 0.0
    assert event.department is None and event.latency_ms == 0.0


def test_services_are_created_lazily_and_closed(app: Flask) -> None:
    svc = services(app)
    assert svc._engine is None and svc._store is None  # nothing opened by create_app
    app.test_client().get("/api/search?q=sick")
    assert svc._engine is not None and svc._store is not None
    svc.close()
    assert svc._store is None
