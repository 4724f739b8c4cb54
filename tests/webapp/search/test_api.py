"""The search part of the JSON API: /api/search, /api/click and /api/suggest."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import FakeEngine, error_of


def test_search_answers_with_the_response_shape_and_a_search_id(
    client: FlaskClient, store: Store
) -> None:
    response = client.get("/api/search?q=sick")
    assert response.status_code == 200
    body = response.get_json()
    assert body["answered"] is True
    assert body["answer"]["id"] == "hr/sick-leave.md"
    assert [h["id"] for h in body["results"]][:2] == ["hr/sick-leave.md", "hr/krankmeldung.md"]
    assert {
        "query",
        "confidence",
        "department",
        "did_you_mean",
        "total",
        "page",
        "latency_ms",
    } <= set(body)
    assert isinstance(body["search_id"], int)
    [event] = store.search_events()
    assert event.id == body["search_id"]
    assert event.query == "sick" and event.answered is True
    assert event.result_ids == [h["id"] for h in body["results"]]
    assert event.department == "hr"
    assert event.user  # the pseudonymous id


def test_search_passes_filters_and_paging_to_the_engine(
    client: FlaskClient, engine: FakeEngine, store: Store
) -> None:
    response = client.get("/api/search?q=leave&k=1&page=2&department=hr&tag=sick&tag=krank")
    assert response.status_code == 200
    [query] = engine.queries
    assert (query.text, query.k, query.page, query.department) == ("leave", 1, 2, "hr")
    assert query.tags == ("sick", "krank")
    [event] = store.search_events()
    assert event.filters == {"department": "hr", "tags": ["sick", "krank"]}
    assert event.page == 2


def test_unanswered_search_is_logged_as_unanswered(client: FlaskClient, store: Store) -> None:
    body = client.get("/api/search?q=zzz").get_json()
    assert body["answered"] is False and body["answer"] is None
    assert body["did_you_mean"] == "vpn"
    assert store.search_events()[0].answered is False


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=%20%20", "q"),
        ("q=x&k=0", "k"),
        ("q=x&k=101", "k"),
        ("q=x&k=ten", "k"),
        ("q=x&page=0", "page"),
        ("q=x&page=51", "page"),
        ("q=x&page=1.5", "page"),
        ("q=x&department=nope", "department"),
        ("q=x&" + "&".join(f"tag=t{i}" for i in range(11)), "tag"),
        ("q=x&tag=" + "t" * 101, "tag"),
    ],
)
def test_search_refuses_bad_parameters(client: FlaskClient, query: str, field: str) -> None:
    error = error_of(client.get(f"/api/search?{query}"), 400, "invalid_request")
    assert error["details"]["field"] == field
    assert field in error["message"]


def test_search_refuses_queries_longer_than_the_setting(client: FlaskClient) -> None:
    error = error_of(client.get("/api/search?q=" + "a" * 501), 400, "invalid_request")
    assert error["details"] == {"field": "q", "length": 501, "max": 500}
    assert client.get("/api/search?q=" + "a" * 500).status_code == 200


def test_search_without_an_index_is_503(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.errors import IndexNotFoundError

    def no_index() -> Any:
        raise IndexNotFoundError("no index has been published yet; run `kb index` first")

    monkeypatch.setattr(engine, "departments", no_index)
    error_of(client.get("/api/search?q=x"), 503, "index_not_ready")


def test_click_is_recorded_with_its_rank(client: FlaskClient, store: Store) -> None:
    search_id = client.get("/api/search?q=sick").get_json()["search_id"]
    response = client.post(
        "/api/click", json={"search_id": search_id, "article_id": "hr/krankmeldung.md", "rank": 2}
    )
    assert response.status_code == 201
    assert isinstance(response.get_json()["id"], int)
    [click] = store.click_events()
    assert (click.search_id, click.article_id, click.rank) == (search_id, "hr/krankmeldung.md", 2)
    # The same browser: the click carries the search's pseudonymous id.
    assert click.user == store.search_events()[0].user


def test_click_on_an_unknown_search_is_404(client: FlaskClient) -> None:
    response = client.post(
        "/api/click", json={"search_id": 999, "article_id": "hr/x.md", "rank": 1}
    )
    error_of(response, 404, "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"article_id": "a.md", "rank": 1}, "search_id"),
        ({"search_id": "1", "article_id": "a.md", "rank": 1}, "search_id"),
        ({"search_id": True, "article_id": "a.md", "rank": 1}, "search_id"),
        ({"search_id": 1, "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": 5, "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": " ", "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": "a" * 501, "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": "a.md"}, "rank"),
        ({"search_id": 1, "article_id": "a.md", "rank": 0}, "rank"),
        ({"search_id": 1, "article_id": "a.md", "rank": 1.5}, "rank"),
    ],
)
def test_click_refuses_bad_fields(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    error = error_of(client.post("/api/click", json=body), 400, "invalid_request")
    assert error["details"]["field"] == field


def test_suggest_mixes_titles_and_popular_queries(client: FlaskClient) -> None:
    client.get("/api/search?q=report+a+printer")
    client.get("/api/search?q=Report+a+printer")
    body = client.get("/api/suggest?q=rep").get_json()
    assert body["query"] == "rep"
    assert {"text": "Reporting sick", "kind": "title"} in body["suggestions"]
    assert {"text": "report a printer", "kind": "query"} in body["suggestions"]
    assert len(body["suggestions"]) <= 8


def test_suggest_for_nothing_is_empty(client: FlaskClient) -> None:
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/suggest").get_json()["suggestions"] == []


def test_suggest_refuses_long_prefixes(client: FlaskClient) -> None:
    error_of(client.get("/api/suggest?q=" + "a" * 101), 400, "invalid_request")


def test_suggest_survives_a_failing_store(failing_app: Any) -> None:
    client = failing_app.test_client()
    body = client.get("/api/suggest?q=rep").get_json()
    assert body["suggestions"] == [{"text": "Reporting sick", "kind": "title"}]
