"""The article part of the JSON API: /api/articles/<id> and /api/feedback."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of


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
