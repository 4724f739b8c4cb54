"""A SQLite database whose write lock another process holds past the busy
timeout (a long `kb insights refresh`, a backup, a stuck worker): writes answer
503 with Retry-After in the one error shape, never a 500 with "database is
locked"; searches go on; the same write goes through once the lock is free."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

import kb.store.factory
from kb.settings import Settings
from tests.support import FakeEngine
from webapp import create_app

FEEDBACK = {"article_id": "hr/sick-leave.md", "helpful": True}


@pytest.fixture
def busy_app(
    settings: Settings, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    # Every connection of this app waits 0.2 s for the lock instead of 5 s.
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    yield create_app(
        {"KB_SETTINGS": settings, "TESTING": True, "KB_ENGINE_FACTORY": lambda _settings: engine}
    )


def test_a_write_while_another_process_holds_the_lock_is_503_then_goes_through(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    assert client.get("/api/search?q=sick").status_code == 200  # the store is open
    other = sqlite3.connect(Path(settings.database_url.removeprefix("sqlite:///")))
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")  # the write lock, as another process's writer holds it
    try:
        response = client.post("/api/feedback", json=FEEDBACK)
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "10"
        error = response.get_json()["error"]
        assert error["code"] == "store_unavailable" and "try again" in error["message"]
        assert "locked" not in response.get_data(as_text=True)
        assert client.get("/api/search?q=sick").status_code == 200  # searches go on
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert client.post("/api/feedback", json=FEEDBACK).status_code in (200, 201)
