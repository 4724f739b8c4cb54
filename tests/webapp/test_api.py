"""The JSON API as a whole: health, JSON bodies, body size and cross-site posts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.settings import Settings
from tests.support import error_of, publish_fake_snapshot, sign_in_as
from webapp.openapi.document import openapi_document


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


@pytest.mark.parametrize("origin", ["http://[::1", "http://[kb.example", "https://x:99999"])
def test_an_origin_that_does_not_parse_is_refused_not_a_server_error(
    client: FlaskClient, origin: str
) -> None:
    """`urlsplit` raises `ValueError` for such an Origin header: every POST,
    signed in or not, answered 500 and logged a traceback."""
    response = client.post(
        "/api/feedback",
        json={"article_id": "hr/sick-leave.md", "helpful": True},
        headers={"Origin": origin},
    )
    error_of(response, 403, "forbidden")


def test_health_reports_snapshot_articles_and_store(
    client: FlaskClient, settings: Settings
) -> None:
    publish_fake_snapshot(Path(settings.index_dir))
    body = client.get("/api/health").get_json()
    assert body["status"] == "ok"
    assert body["index"]["snapshot"] == "20260101T000000-test"
    assert body["index"]["articles"] == 3
    assert body["store"] == {"ok": True}
    assert body["search_log"] == {"waiting": 0, "dropped": 0}
    described = openapi_document(client.application)["components"]["schemas"]["Health"]
    assert fields_of(body) <= fields_of(described["properties"], schema=True), "see docs/api.md"


def fields_of(value: Any, *, schema: bool = False, within: str = "") -> set[str]:
    """The dotted names of every field of an answer, or of what a schema's
    `properties` describe (objects within objects, and each item of a list)."""
    found = set()
    for name, inner in value.items() if isinstance(value, dict) else ():
        found.add(f"{within}{name}")
        if schema:
            inner = inner.get("items", inner).get("properties", {})
        elif isinstance(inner, list):
            inner = inner[0] if inner else {}
        found |= fields_of(inner, schema=schema, within=f"{within}{name}.")
    return found


def test_health_without_an_index_is_503(client: FlaskClient, settings: Settings) -> None:
    """Anyone may call it: the answer says so in the caller's language and
    never names the server's index folder, which only the log and the CLI show."""
    error = error_of(client.get("/api/health"), 503, "index_not_ready")
    assert error["message"].startswith("No search index has been published yet")
    german = error_of(client.get("/api/health?hl=de"), 503, "index_not_ready")
    assert german["message"].startswith("Es wurde noch kein Suchindex veröffentlicht")
    for message in (error["message"], german["message"]):
        assert str(settings.index_dir) not in message


def test_health_with_a_failing_store_is_degraded(failing_app: Any, settings: Settings) -> None:
    publish_fake_snapshot(Path(settings.index_dir))
    body = failing_app.test_client().get("/api/health").get_json()
    assert body["status"] == "degraded"
    assert body["store"] == {"ok": False}


def test_health_shows_the_database_error_to_admins_only(
    app: Any, client: FlaskClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database's error text names hosts, paths and drivers (issue 13: shown to
    anyone); admins see it, everyone else only that the store is not ok."""
    from kb.accounts.service import add_user
    from kb.errors import StoreError
    from webapp.services import services

    publish_fake_snapshot(Path(settings.index_dir))
    store = services(app).store
    add_user(store, "ada", "admin")
    add_user(store, "emma", "employee")

    def down(*_args: Any) -> None:
        raise StoreError("could not connect to db.internal:5432 as kb_app")

    monkeypatch.setattr(store, "hit_count", down)
    for name in (None, "emma"):
        if name:
            sign_in_as(client, name)
        answer = client.get("/api/health")
        assert answer.get_json()["store"] == {"ok": False}
        assert "db.internal" not in answer.get_data(as_text=True)
    sign_in_as(client, "ada")
    assert "db.internal:5432" in client.get("/api/health").get_json()["store"]["error"]


def test_private_api_answers_are_never_cached(
    app: Any, client: FlaskClient, request_content: Path
) -> None:
    """Answers that depend on who asks carry Cache-Control: no-store (issue 13)."""
    from kb.accounts.service import add_user
    from webapp.services import services

    add_user(services(app).store, "emma", "employee")
    sign_in_as(client, "emma")
    for path in ("/api/me", "/api/requests?mine=1", "/api/search?q=sick", "/api/suggest?q=re"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in answer.headers["Vary"], path
    assert "no-store" not in client.get("/api/openapi.json").headers.get("Cache-Control", "")
