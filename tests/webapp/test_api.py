"""The JSON API: every endpoint, its limits and its error answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.settings import Settings
from kb.store.protocols import Store
from tests.webapp.conftest import FakeEngine, publish_fake_snapshot


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# -- search ----------------------------------------------------------------------


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


# -- articles --------------------------------------------------------------------


def test_article_has_sanitised_html_and_metadata(client: FlaskClient) -> None:
    body = client.get("/api/articles/hr/sick-leave.md").get_json()
    assert body["title"] == "Reporting sick"
    assert body["department"] == "hr" and body["department_name"] == "Human Resources"
    assert body["updated"] == "2026-05-20" and body["review_by"] == "2026-11-20"
    assert body["owner"] == "hr-content@example.com"
    assert body["tags"] == ["sick", "absence"]
    # Related articles that are not published are left out.
    assert body["related"] == [{"id": "hr/krankmeldung.md", "title": "Krankmeldung"}]
    assert body["url"] == "/articles/hr/sick-leave.md"
    assert "<strong>by 9:30</strong>" in body["html"]
    assert 'href="/articles/hr/krankmeldung.md"' in body["html"]


def test_hostile_article_html_is_clean(client: FlaskClient) -> None:
    html = client.get("/api/articles/it/hostile.md").get_json()["html"].lower()
    for bad in (
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "<object",
        "<form",
        "<input",
        "style=",
    ):
        assert bad not in html, bad
    assert "/articles/hr/sick-leave.md#c-notice" in html


def test_unknown_article_is_404(client: FlaskClient) -> None:
    error = error_of(client.get("/api/articles/hr/nope.md"), 404, "not_found")
    assert error["details"] == {"id": "hr/nope.md"}


# -- clicks ----------------------------------------------------------------------


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


# -- feedback --------------------------------------------------------------------


def test_feedback_is_recorded(client: FlaskClient, store: Store) -> None:
    search_id = client.get("/api/search?q=sick").get_json()["search_id"]
    response = client.post(
        "/api/feedback",
        json={
            "article_id": "hr/sick-leave.md",
            "helpful": False,
            "comment": " Too short ",
            "search_id": search_id,
        },
    )
    assert response.status_code == 201
    [vote] = store.feedback_events()
    assert (vote.article_id, vote.helpful, vote.comment, vote.search_id) == (
        "hr/sick-leave.md",
        False,
        "Too short",
        search_id,
    )


def test_feedback_on_an_unknown_article_is_404(client: FlaskClient) -> None:
    error_of(
        client.post("/api/feedback", json={"article_id": "hr/nope.md", "helpful": True}),
        404,
        "not_found",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"helpful": True}, "article_id"),
        ({"article_id": "hr/sick-leave.md"}, "helpful"),
        ({"article_id": "hr/sick-leave.md", "helpful": "yes"}, "helpful"),
        ({"article_id": "hr/sick-leave.md", "helpful": 1}, "helpful"),
        ({"article_id": "hr/sick-leave.md", "helpful": True, "comment": 3}, "comment"),
        ({"article_id": "hr/sick-leave.md", "helpful": True, "comment": "x" * 2001}, "comment"),
        ({"article_id": "hr/sick-leave.md", "helpful": True, "search_id": "7"}, "search_id"),
    ],
)
def test_feedback_refuses_bad_fields(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    error = error_of(client.post("/api/feedback", json=body), 400, "invalid_request")
    assert error["details"]["field"] == field


@pytest.mark.parametrize("path", ["/api/feedback", "/api/click"])
def test_posts_need_a_json_object(client: FlaskClient, path: str) -> None:
    error = error_of(
        client.post(path, data="helpful=yes", content_type="application/x-www-form-urlencoded"),
        400,
        "invalid_request",
    )
    assert "application/json" in error["message"]
    error_of(
        client.post(path, data="{not json", content_type="application/json"), 400, "invalid_request"
    )
    error_of(client.post(path, json=[1, 2]), 400, "invalid_request")
    error_of(client.post(path), 400, "invalid_request")


def test_oversized_body_is_413(client: FlaskClient) -> None:
    response = client.post("/api/feedback", data="x" * (65 * 1024), content_type="application/json")
    error_of(response, 413, "payload_too_large")


def test_cross_site_posts_are_refused(client: FlaskClient) -> None:
    response = client.post(
        "/api/feedback",
        json={"article_id": "hr/sick-leave.md", "helpful": True},
        headers={"Origin": "https://evil.example"},
    )
    error_of(response, 403, "forbidden")


# -- suggest ---------------------------------------------------------------------


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


# -- health ----------------------------------------------------------------------


def test_health_reports_snapshot_articles_and_store(
    client: FlaskClient, settings: Settings
) -> None:
    publish_fake_snapshot(Path(settings.index_dir))
    body = client.get("/api/health").get_json()
    assert body["status"] == "ok"
    assert body["index"]["snapshot"] == "20260101T000000-test"
    assert body["index"]["articles"] == 3
    assert body["store"] == {"ok": True}


def test_health_without_an_index_is_503(client: FlaskClient) -> None:
    error_of(client.get("/api/health"), 503, "index_not_ready")


def test_health_with_a_failing_store_is_degraded(failing_app: Any, settings: Settings) -> None:
    publish_fake_snapshot(Path(settings.index_dir))
    body = failing_app.test_client().get("/api/health").get_json()
    assert body["status"] == "degraded"
    assert body["store"]["ok"] is False and "down" in body["store"]["error"]


# -- identity --------------------------------------------------------------------


def test_the_pseudonymous_id_is_a_signed_cookie(client: FlaskClient, store: Store) -> None:
    from itsdangerous import URLSafeSerializer

    client.get("/")
    cookie = client.get_cookie("kb_uid")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    client.get("/api/search?q=one")
    client.get("/api/search?q=two")
    users = {e.user for e in store.search_events()}
    assert len(users) == 1
    signed = URLSafeSerializer("test-secret", salt="kb-pseudonymous-user")
    assert signed.loads(cookie.value) == users.pop()


def test_a_forged_cookie_gets_a_fresh_id(client: FlaskClient, store: Store) -> None:
    client.set_cookie("kb_uid", "someone-else")
    client.get("/api/search?q=one")
    [event] = store.search_events()
    assert event.user and event.user != "someone-else"
