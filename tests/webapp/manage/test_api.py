"""The article API for content owners, on SQLite and PostgreSQL: GET with version and
ETag, PUT with If-Match, versions, preview, permissions, header (SSO) mode."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.conftest import RecordingBuilder
from webapp.services import services

BODY = {
    "title": "VPN setup",
    "summary": "How to connect from home or on the road.",
    "tags": ["vpn", "remote"],
    "lang": "en",
    "audience": ["everyone"],
    "review_by": "2027-06-01",
    "body": "## Connect\n\nOpen the VPN client, sign in and choose *Office*.",
    "status": "published",
}


def put(
    client: FlaskClient, token: str, article_id: str, body: dict[str, Any], **headers: str
) -> Any:
    return client.put(
        f"/api/articles/{article_id}", json=body, headers={"X-CSRF-Token": token, **headers}
    )


def test_get_answers_owners_the_stored_article_with_version_and_etag(client: FlaskClient) -> None:
    token = sign_in_as(client, "cora")
    assert token
    response = client.get("/api/articles/it/vpn-setup.md")
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 1 and response.headers["ETag"] == '"1"'
    assert body["status"] == "published" and body["body"].startswith("## Connect")
    assert body["tags"] == ["vpn", "remote"] and body["review_by"] == "2026-01-10"


def test_put_saves_a_version_and_answers_with_the_new_etag(
    client: FlaskClient, content: Path, builder: RecordingBuilder, app: Flask
) -> None:
    token = sign_in_as(client, "cora")
    response = put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"1"'})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["version"] == 2 and response.headers["ETag"] == '"2"'
    assert body["summary"] == BODY["summary"] and body["status"] == "published"
    assert "<em>Office</em>" in body["html"]
    text = (content / "it" / "vpn-setup.md").read_text(encoding="utf-8")
    assert "review_by: 2027-06-01" in text and "choose *Office*" in text
    assert services(app).index_worker.wait_idle(60)  # type: ignore[union-attr]
    assert builder.runs >= 1
    versions = client.get("/api/articles/it/vpn-setup.md/versions").get_json()["versions"]
    assert [(v["version"], v["action"], v["author"]) for v in versions] == [
        (2, "save", "cora"),
        (1, "disk", None),
    ]


def test_an_older_if_match_gets_412_and_nothing_changes(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    assert put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"1"'}).status_code == 200
    before = (content / "it" / "vpn-setup.md").read_bytes()
    stale = {**BODY, "summary": "Someone else's idea."}
    error = error_of(
        put(client, token, "it/vpn-setup.md", stale, **{"If-Match": '"1"'}), 412, "stale_edit"
    )
    assert error["details"]["current_version"] == 2
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
    versions = client.get("/api/articles/it/vpn-setup.md/versions").get_json()["versions"]
    assert len(versions) == 2
    # Without any version an existing article is not overwritten either.
    error_of(put(client, token, "it/vpn-setup.md", stale), 428, "precondition_required")


def test_a_weak_if_match_is_a_412_and_nothing_changes(client: FlaskClient, content: Path) -> None:
    """RFC 9110 §13.1.1: a weak entity tag never matches If-Match, even the current
    version's (`W/"1"` was taken as `"1"`); the body's version does not override it."""
    token = sign_in_as(client, "cora")
    before = (content / "it" / "vpn-setup.md").read_bytes()
    for body in (BODY, {**BODY, "version": 1}):
        sent = put(client, token, "it/vpn-setup.md", body, **{"If-Match": 'W/"1"'})
        error = error_of(sent, 412, "weak_etag")
        assert error["details"]["field"] == "If-Match" and "strong" in error["message"]
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
    restore = client.post(
        "/api/articles/it/vpn-setup.md/restore",
        json={"version": 1},
        headers={"X-CSRF-Token": token, "If-Match": 'W/"1"'},
    )
    error_of(restore, 412, "weak_etag")
    assert put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"1"'}).status_code == 200


def test_a_weak_version_in_the_body_is_a_412_as_in_if_match(
    client: FlaskClient, content: Path
) -> None:
    """The body's `version` stands in for If-Match, and took `W/"1"` as version 1:
    it is compared strongly too, in German as well, and nothing changes."""
    token = sign_in_as(client, "cora")
    before = (content / "it" / "vpn-setup.md").read_bytes()
    sent = put(client, token, "it/vpn-setup.md", {**BODY, "version": 'W/"1"'})
    error = error_of(sent, 412, "weak_etag")
    assert error["details"] == {"field": "version", "value": 'W/"1"'}
    assert "strong" in error["message"]
    german = client.put(
        "/api/articles/it/vpn-setup.md",
        json={**BODY, "version": 'W/"1"'},
        headers={"X-CSRF-Token": token, "Accept-Language": "de"},
    )
    assert "schwaches" in error_of(german, 412, "weak_etag")["message"]
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
    assert put(client, token, "it/vpn-setup.md", {**BODY, "version": '"1"'}).status_code == 200


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_if_match_is_a_400_naming_it_not_a_missing_one(
    client: FlaskClient, content: Path, blank: str
) -> None:
    """An empty If-Match (a script's unset $ETAG) was taken as no header (428), while
    the requests API answers it with a 400 naming the header: now the same here,
    even with a version in the body, and on a new article too."""
    token = sign_in_as(client, "cora")
    before = (content / "it" / "vpn-setup.md").read_bytes()
    for body in (BODY, {**BODY, "version": 1}):
        error = error_of(
            put(client, token, "it/vpn-setup.md", body, **{"If-Match": blank}),
            400,
            "invalid_request",
        )
        assert error["details"]["field"] == "If-Match" and "If-Match" in error["message"]
        assert "empty" in error["message"]
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
    fresh = put(client, token, "it/guest-wifi.md", BODY, **{"If-Match": blank})
    error_of(fresh, 400, "invalid_request")
    assert not (content / "it" / "guest-wifi.md").exists()
    german = put(
        client, token, "it/vpn-setup.md", BODY, **{"If-Match": blank, "Accept-Language": "de"}
    )
    assert "Der Header ist leer" in error_of(german, 400, "invalid_request")["message"]


def test_put_creates_a_new_article_with_201(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    response = put(client, token, "it/guest-wifi.md", {**BODY, "title": "Guest Wi-Fi"})
    assert response.status_code == 201
    assert response.headers["ETag"] == '"1"'
    assert (content / "it" / "guest-wifi.md").is_file()
    error_of(put(client, token, "it/Guest Wifi.md", BODY), 400, "invalid_request")


def test_the_four_eyes_rule_in_the_api(client: FlaskClient) -> None:
    helga = sign_in_as(client, "helga")
    body = {**BODY, "title": "Annual leave", "body": "## Entitlement\n\n30 days."}
    error_of(
        put(client, helga, "hr/annual-leave.md", body, **{"If-Match": "1"}), 409, "review_required"
    )
    submitted = put(
        client, helga, "hr/annual-leave.md", {**body, "status": "review"}, **{"If-Match": "1"}
    )
    assert submitted.status_code == 200 and submitted.get_json()["submitted_by"] == "helga"
    assert submitted.get_json()["authors"] == ["helga"]
    own = put(client, helga, "hr/annual-leave.md", body, **{"If-Match": "2"})
    assert error_of(own, 403, "review_required")["details"]["reason"] == "wrote_changes"
    hans = sign_in_as(client, "hans")
    approved = put(client, hans, "hr/annual-leave.md", body, **{"If-Match": "2"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "published"


def test_an_author_of_a_waiting_change_may_not_approve_it_after_someone_adds_to_it(
    client: FlaskClient,
) -> None:
    body = {**BODY, "title": "Annual leave", "body": "## Entitlement\n\n30 days."}
    helga = sign_in_as(client, "helga")
    put(client, helga, "hr/annual-leave.md", {**body, "status": "review"}, **{"If-Match": "1"})
    hans = sign_in_as(client, "hans")
    added = {**body, "body": body["body"] + "\n\n## Carry over\n\nUntil March."}
    on_top = put(
        client, hans, "hr/annual-leave.md", {**added, "status": "review"}, **{"If-Match": "2"}
    )
    assert on_top.status_code == 200 and on_top.get_json()["submitted_by"] == "hans"
    assert on_top.get_json()["authors"] == ["helga", "hans"]
    helga = sign_in_as(client, "helga")
    # Not waiting for her approval: she wrote part of it, though hans saved last.
    assert 'class="manage-approvals"' not in text_of(client.get("/manage/?department=hr"))
    refused = put(client, helga, "hr/annual-leave.md", added, **{"If-Match": "3"})
    error = error_of(refused, 403, "review_required")
    assert "helga wrote part of the changes waiting for review" in error["message"]
    assert error["details"]["authors"] == ["helga", "hans"]
    assert error["details"]["reason"] == "wrote_changes"
    last = put(client, sign_in_as(client, "hans"), "hr/annual-leave.md", added, **{"If-Match": "3"})
    assert error_of(last, 403, "review_required")["details"]["reason"] == "wrote_changes"
    editor = text_of(client.get("/manage/edit/hr/annual-leave.md"))
    assert "Submitted for review by hans." in editor
    assert "The changes waiting for review were written by helga, hans" in editor
    ada = sign_in_as(client, "ada")
    listing = text_of(client.get("/manage/?department=hr"))
    waiting = re.search(r'<ul class="manage-approvals">.*?</ul>', listing, re.S)
    assert waiting and 'data-article="hr/annual-leave.md"' in waiting[0]
    assert "helga, hans" in waiting[0]
    approved = put(client, ada, "hr/annual-leave.md", added, **{"If-Match": "3"})
    assert approved.status_code == 200 and approved.get_json()["status"] == "published"


@pytest.mark.parametrize(
    ("user", "article_id", "status", "code"),
    [
        ("helga", "it/vpn-setup.md", 403, "forbidden"),
        ("emma", "it/vpn-setup.md", 403, "forbidden"),
        ("cora", "../etc/passwd.md", 400, "invalid_request"),
        ("cora", "it/../hr/annual-leave.md", 400, "invalid_request"),
        ("cora", "it/_department.yml", 400, "invalid_request"),
        ("ada", "nowhere/x.md", 404, "not_found"),
    ],
)
def test_put_refuses_other_departments_and_bad_ids(
    client: FlaskClient, content: Path, user: str, article_id: str, status: int, code: str
) -> None:
    token = sign_in_as(client, user)
    before = sorted(p.as_posix() for p in content.rglob("*"))
    error_of(put(client, token, article_id, BODY, **{"If-Match": "1"}), status, code)
    assert sorted(p.as_posix() for p in content.rglob("*")) == before


@pytest.mark.parametrize("user", ["cora", "emma"])
def test_a_put_tells_who_may_not_write_there_nothing_of_what_is_there(
    client: FlaskClient, content: Path, user: str
) -> None:
    """A 428 ("exists: send If-Match") for a name in use and a 403 for a free one
    told anyone signed in which articles, drafts and restricted ones too, another
    department keeps: both are the same 403 now, and nothing is written."""
    draft = "---\ntitle: Reorganisation 2027\nstatus: draft\naudience: [managers]\n---\nText.\n"
    (content / "hr" / "reorganisation-2027.md").write_text(draft, encoding="utf-8")
    token = sign_in_as(client, user)
    before = sorted(p.as_posix() for p in content.rglob("*"))
    there = error_of(put(client, token, "hr/reorganisation-2027.md", BODY), 403, "forbidden")
    free = error_of(put(client, token, "hr/no-such-article.md", BODY), 403, "forbidden")
    assert there["message"] == free["message"] and "reorganisation" not in str(there)
    assert sorted(p.as_posix() for p in content.rglob("*")) == before


def test_put_needs_sign_in_and_valid_fields(client: FlaskClient) -> None:
    error_of(client.put("/api/articles/it/vpn-setup.md", json=BODY), 401, "unauthenticated")
    token = sign_in_as(client, "cora")
    for bad in (
        {**BODY, "title": ""},
        {**BODY, "tags": "x" * 100},
        {**BODY, "review_by": "next week"},
        {**BODY, "status": "live"},
        {**BODY, "lang": "english"},
        {**BODY, "body": None},
        {**BODY, "audience": ["<script>"]},
    ):
        error_of(
            put(client, token, "it/vpn-setup.md", bad, **{"If-Match": "1"}), 400, "invalid_request"
        )
    error = error_of(
        put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": "three"}), 400, "invalid_request"
    )
    assert error["message"].startswith("Version (If-Match): “three” is not a version number")


def test_a_body_over_the_article_limit_is_refused(client: FlaskClient, app: Flask) -> None:
    token = sign_in_as(client, "cora")
    limit = services(app).settings.max_file_bytes
    big = {**BODY, "body": "x" * (limit + 10)}
    response = put(client, token, "it/vpn-setup.md", big, **{"If-Match": "1"})
    assert response.status_code in (400, 413)


def test_preview_renders_with_the_article_page_sanitiser(client: FlaskClient) -> None:
    token = sign_in_as(client, "cora")
    response = client.post(
        "/api/preview",
        json={
            "body": "**Hi** <script>alert(1)</script> [x](javascript:alert(1)) [leave](../hr/annual-leave.md)",
            "id": "it/x.md",
        },
        headers={"X-CSRF-Token": token},
    )
    html = response.get_json()["html"]
    assert "<strong>Hi</strong>" in html and "<script" not in html and "javascript:" not in html
    assert 'href="/articles/hr/annual-leave.md"' in html


def test_the_preview_refuses_what_a_save_would_refuse(client: FlaskClient) -> None:
    """A whole file pasted into the text previewed as a rule and a heading,
    though a save refuses it: the preview says why instead."""
    token = sign_in_as(client, "cora")
    response = client.post(
        "/api/preview",
        json={"body": "---\ntitle: VPN\nstatus: draft\n---\nConnect.", "id": "it/x.md"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 422
    assert (
        "the text starts with front matter (title, status)"
        in response.get_json()["error"]["message"]
    )


def test_a_preview_of_an_id_no_save_takes_is_a_400_naming_the_id(client: FlaskClient) -> None:
    """`"id": "../../etc/passwd"` or `"-0"` (an API client's mistake, or a probe)
    reached the article record's own check and answered 500."""
    token = sign_in_as(client, "cora")
    for bad in ("../../etc/passwd", "-0", "it/x.txt", "it", "/it/x.md"):
        response = client.post(
            "/api/preview", json={"body": "**x**", "id": bad}, headers={"X-CSRF-Token": token}
        )
        error = error_of(response, 400, "invalid_request")
        assert error["details"]["field"] == "id", (bad, error)
        assert "hr/sick-leave.md" in error["message"], error  # what an id looks like


def test_the_preview_shows_the_body_below_the_title_as_the_page_does(
    client: FlaskClient,
) -> None:
    """A leading `# Title` showed as a second <h1> in the editor's preview too."""
    token = sign_in_as(client, "cora")

    def preview(**fields: str) -> str:
        response = client.post(
            "/api/preview", json={"id": "it/x.md", **fields}, headers={"X-CSRF-Token": token}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return str(response.get_json()["html"])

    body = "# VPN setup\n\nInstall the client.\n\n## On a Mac\n"
    html = preview(body=body, title="VPN setup")
    assert "<h1" not in html and "VPN setup" not in html and "<h2>On a Mac</h2>" in html
    assert "<h1" not in preview(body=body)  # no title yet: the leading heading is it
    other = preview(body=body, title="Remote access")
    assert "<h2>VPN setup</h2>" in other and "<h3>On a Mac</h3>" in other
    opened = client.get("/api/articles/it/vpn-setup.md").get_json()
    assert "<h1" not in opened["html"]


def test_a_body_the_html_parser_gives_up_on_is_saved_previewed_and_opened(
    client: FlaskClient,
) -> None:
    """`<![<![` in a raw HTML block made Python's HTML parser raise while the
    body was cut into sections and its headings placed under the title: the
    preview, the save and the editor's GET of such a file were a 500."""
    token = sign_in_as(client, "cora")
    body = "<div>\n<![<![<![\n</div>\n\nInstall the client.\n"
    response = client.post(
        "/api/preview", json={"id": "it/x.md", "body": body}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Install the client." in response.get_json()["html"]
    response = put(client, token, "it/vpn-setup.md", {**BODY, "body": body}, **{"If-Match": '"1"'})
    assert response.status_code == 200, response.get_data(as_text=True)
    opened = client.get("/api/articles/it/vpn-setup.md")
    assert opened.status_code == 200 and "Install the client." in opened.get_json()["html"]


def test_only_people_who_edit_articles_may_render_previews(client: FlaskClient) -> None:
    """Rendering costs seconds of a worker for some Markdown (up to PREVIEW_SECONDS
    where a timer can stop it, unbounded on a gthread worker): an employee has
    no article to preview and must not be able to make the server do it."""
    token = sign_in_as(client, "emma")
    refused = client.post(
        "/api/preview", json={"body": "**x**", "id": "it/x.md"}, headers={"X-CSRF-Token": token}
    )
    assert "content owners" in error_of(refused, 403, "forbidden")["message"]
    for name in ("helga", "ada"):
        token = sign_in_as(client, name)
        allowed = client.post(
            "/api/preview", json={"body": "**x**", "id": "it/x.md"}, headers={"X-CSRF-Token": token}
        )
        assert allowed.status_code == 200 and "<strong>x</strong>" in allowed.get_json()["html"]


def test_markdown_that_cannot_render_is_a_422_not_a_500(client: FlaskClient) -> None:
    """Too slow (thousands of `[`) or nested too deeply (thousands of list markers):
    the preview answered 500 for both, and saving the second did too."""
    token = sign_in_as(client, "cora")
    headers = {"X-CSRF-Token": token}
    for body in ("[" * 8_000, "1. " * 3_000):
        preview = client.post("/api/preview", json={"body": body, "id": "it/x.md"}, headers=headers)
        assert "render" in error_of(preview, 422, "content_error")["message"]
    deep = put(client, token, "it/deep.md", {**BODY, "body": "1. " * 3_000})
    assert "nested too deeply" in error_of(deep, 422, "content_error")["message"]


def test_header_mode_with_content_owner_groups(app: Flask, client: FlaskClient) -> None:
    services(app).settings = services(app).settings.replace(
        auth_mode="header", trusted_proxies="127.0.0.1,::1"
    )
    sso = {"X-Remote-User": "olaf", "X-Remote-Groups": "content_owner:it"}
    me = client.get("/api/me", headers=sso).get_json()
    token = me["csrf_token"]
    got = client.get("/api/articles/it/vpn-setup.md", headers=sso)
    assert got.headers["ETag"] == '"1"'
    saved = put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"1"', **sso})
    assert saved.status_code == 200 and saved.headers["ETag"] == '"2"'
    other = {"X-Remote-User": "hugo", "X-Remote-Groups": "content_owner:hr"}
    error_of(
        put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"2"', **other}),
        403,
        "forbidden",
    )
