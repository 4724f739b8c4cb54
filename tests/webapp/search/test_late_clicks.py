"""A click on a search answered while the database was too busy to log it is
recorded once the search is (`webapp.search.search_refs`, `SearchLog.follow`),
by the worker that answered the search or by another, and a search reference
names only a search that was shown to the browser that sends it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import kb.store.factory
from kb.settings import Settings
from tests.store_locks import write_lock_held
from tests.support import error_of
from webapp.services import services


@pytest.fixture
def busy_app(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> Flask:
    # Every connection waits 0.2 s for the lock instead of 5 s.
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    return make_app(search_log_wait=0.3)


def unlogged_search(
    client: FlaskClient, settings: Settings, then: Callable[[dict[str, Any]], Any]
) -> Any:
    """Search while another process holds the write lock (answered without an id),
    and call `then` with the answer before the lock is let go."""
    assert client.get("/api/search?q=sick").get_json()["search_id"] is not None  # store open
    with write_lock_held(settings.database_url):
        answer = client.get("/api/search?q=vacation").get_json()
        assert answer["search_id"] is None and answer["search_ref"]
        return then(answer)


def click_of(answer: dict[str, Any], rank: int = 1) -> dict[str, Any]:
    hit = answer["results"][rank - 1]["id"]
    return {"search_ref": answer["search_ref"], "article_id": hit, "rank": rank}


def written(*apps: Flask) -> None:
    """Wait until every app's search log has written what it holds."""
    deadline = time.monotonic() + 30
    while any(services(a).search_log.stats().waiting for a in apps):
        assert time.monotonic() < deadline, "the search log did not drain"
        time.sleep(0.05)


def clicks(app: Flask) -> list[tuple[str, str, int]]:
    store = services(app).store
    queries = {e.id: e.query for e in store.search_events()}
    return [(queries[c.search_id], c.article_id, c.rank) for c in store.click_events()]


def test_a_click_on_an_unlogged_search_is_recorded_once_the_search_is(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    answer = unlogged_search(
        client, settings, lambda a: (a, client.post("/api/click", json=click_of(a)))
    )
    answer, queued = answer
    assert queued.status_code == 202 and queued.get_json() == {"id": None, "queued": True}
    written(busy_app)
    assert clicks(busy_app) == [("vacation", answer["results"][0]["id"], 1)]
    # Once the search is stored, its reference finds it at once.
    again = client.post("/api/click", json=click_of(answer, rank=2))
    assert again.status_code == 201 and again.get_json()["id"] is not None
    assert len(clicks(busy_app)) == 2


def test_another_worker_records_the_click_once_the_first_logs_the_search(
    make_app: Callable[..., Flask], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The click may reach another worker than the search did: that worker's
    queue holds it until the first worker's log has written the search."""
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    searching, clicking = make_app(search_log_wait=0.3), make_app(search_log_wait=0.3)
    browser = searching.test_client()
    answer = unlogged_search(browser, settings, lambda a: a)
    other = clicking.test_client()
    other.set_cookie("kb_uid", browser.get_cookie("kb_uid").value)  # one browser
    response = other.post("/api/click", json=click_of(answer))
    assert response.status_code in (201, 202), response.get_data(as_text=True)
    written(searching, clicking)
    assert clicks(clicking) == [("vacation", answer["results"][0]["id"], 1)]


def test_a_search_reference_names_only_a_search_shown_to_this_browser(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    answer = unlogged_search(client, settings, lambda a: a)
    written(busy_app)
    stranger = busy_app.test_client()
    error = error_of(stranger.post("/api/click", json=click_of(answer)), 404, "not_found")
    assert error["details"] == {"field": "search_ref"}
    forged = {**click_of(answer), "search_ref": answer["search_ref"][:-2] + "xx"}
    error_of(client.post("/api/click", json=forged), 404, "not_found")
    other_article = {**click_of(answer), "article_id": "it/not-shown.md"}
    error = error_of(client.post("/api/click", json=other_article), 400, "invalid_request")
    assert error["details"]["field"] == "article_id"
    too_long = {**click_of(answer), "search_ref": "x" * 20_001}
    error_of(client.post("/api/click", json=too_long), 400, "invalid_request")
    assert clicks(busy_app) == []


def test_a_logged_search_carries_no_reference(client: FlaskClient) -> None:
    answer = client.get("/api/search?q=sick").get_json()
    assert answer["search_id"] is not None and answer["search_ref"] is None
    missing = {"article_id": answer["results"][0]["id"], "rank": 1}
    error = error_of(client.post("/api/click", json=missing), 400, "invalid_request")
    assert error["details"]["field"] == "search_id"
