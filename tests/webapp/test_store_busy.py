"""A SQLite database whose write lock another process holds past the busy
timeout (a long `kb insights refresh`, a backup, a stuck worker): writes answer
503 with Retry-After in the one error shape, never a 500 with "database is
locked"; searches go on, without waiting for their log line; the same write
goes through once the lock is free."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import kb.store.factory
from kb.settings import Settings
from tests.store_locks import write_lock_held
from tests.support import publish_fake_snapshot
from webapp.services import services

FEEDBACK = {"article_id": "hr/sick-leave.md", "helpful": True}


@pytest.fixture
def busy_app(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> Flask:
    # Every connection of this app waits 0.2 s for the lock instead of 5 s.
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    return make_app(search_log_wait=0.3)


def test_a_write_while_another_process_holds_the_lock_is_503_then_goes_through(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    assert client.get("/api/search?q=sick").status_code == 200  # the store is open
    with write_lock_held(settings.database_url):
        response = client.post("/api/feedback", json=FEEDBACK)
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "10"
        error = response.get_json()["error"]
        assert error["code"] == "store_unavailable" and "try again" in error["message"]
        assert "locked" not in response.get_data(as_text=True)
        assert client.get("/api/search?q=sick").status_code == 200  # searches go on
    assert client.post("/api/feedback", json=FEEDBACK).status_code in (200, 201)


def test_a_search_under_a_held_lock_answers_at_once_and_is_logged_after_it(
    make_app: Callable[..., Flask], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A search that logged its event itself waited the store's busy timeout for
    # its answer. A long one here (60 s) sets that wait far apart from a search
    # that waits `wait` and is slow only because the machine is loaded.
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 60_000)
    wait = 0.3
    app = make_app(search_log_wait=wait)
    client = app.test_client()
    first = client.get("/api/search?q=sick").get_json()["search_id"]
    assert first is not None  # the store is open, and a free database gives the id
    with write_lock_held(settings.database_url):
        started = time.monotonic()
        response = client.get("/api/search?q=vacation")
        took = time.monotonic() - started
        assert response.status_code == 200 and took < 30, took
        assert response.get_json()["search_id"] is None  # no click can name an unstored search
        publish_fake_snapshot(Path(settings.index_dir))
        health = client.get("/api/health").get_json()
        assert health["search_log"] == {"waiting": 1, "dropped": 0}
    deadline = time.monotonic() + 30
    while waiting(client) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting(client) == 0
    store = services(app).store
    assert [e.query for e in store.search_events()] == ["sick", "vacation"]
    # Searches after the lock carry their id again, and clicks on them count.
    logged = client.get("/api/search?q=vacation").get_json()
    assert logged["search_id"] is not None
    hit = logged["results"][0]["id"]
    click = {"search_id": logged["search_id"], "article_id": hit, "rank": 1}
    assert client.post("/api/click", json=click).status_code in (200, 201)


def waiting(client: FlaskClient) -> int:
    """Search events this worker has still to write (`/api/health`)."""
    return int(client.get("/api/health").get_json()["search_log"]["waiting"])
