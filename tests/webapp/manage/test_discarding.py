"""Discard draft in the editor and `DELETE /api/articles/<id>`: offered for a
draft never published, confirmed on a page of its own (a form with the CSRF
token, no script), refused to another department's owner and for a published
article, which is never removed. Discard changes (and `POST
/api/articles/<id>/discard-changes`) brings a published article's text back
over the drafts saved since."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import FakeEngine, make_article, sign_in_as, text_of
from tests.webapp.manage.conftest import VPN

DRAFT = VPN.replace("status: published", "status: draft").replace("VPN setup", "VPN notes")


def draft(content: Path) -> Path:
    path = content / "it" / "notes.md"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_the_editor_offers_discard_for_a_never_published_draft_only(
    client: FlaskClient, content: Path
) -> None:
    draft(content)
    sign_in_as(client, "cora")
    editor = client.get("/manage/edit/it/notes.md?hl=en").get_data(as_text=True)
    assert 'href="/manage/discard/it/notes.md"' in editor and "Discard draft" in editor
    published = client.get("/manage/edit/it/vpn-setup.md?hl=en").get_data(as_text=True)
    assert "/manage/discard/" not in published
    german = client.get("/manage/edit/it/notes.md?hl=de").get_data(as_text=True)
    assert "Entwurf verwerfen" in german


def test_a_draft_is_discarded_after_the_confirmation_page(
    client: FlaskClient, content: Path
) -> None:
    path = draft(content)
    token = sign_in_as(client, "cora")
    page = client.get("/manage/discard/it/notes.md?hl=en")
    said = text_of(page)
    assert page.status_code == 200 and "Discard the draft “VPN notes”?" in said
    assert 'name="csrf_token"' in page.get_data(as_text=True) and path.exists()
    # Without the session's token nothing happens.
    refused = client.post("/manage/discard/it/notes.md", data={"version": "1", "what": "draft"})
    assert refused.status_code in (400, 403) and path.exists()
    done = client.post(
        "/manage/discard/it/notes.md?hl=en",
        data={"csrf_token": token, "version": "1", "what": "draft"},
    )
    assert done.status_code == 303 and "/manage/" in done.location
    assert not path.exists()
    assert "The draft it/notes.md was discarded." in text_of(client.get(done.location))


def test_another_department_s_owner_cannot_discard(client: FlaskClient, content: Path) -> None:
    path = draft(content)
    token = sign_in_as(client, "helga")
    assert client.get("/manage/discard/it/notes.md").status_code == 403
    posted = client.post(
        "/manage/discard/it/notes.md", data={"csrf_token": token, "version": "1", "what": "draft"}
    )
    assert posted.status_code == 403 and path.exists()
    api = client.delete(
        "/api/articles/it/notes.md", headers={"X-CSRF-Token": token, "If-Match": '"1"'}
    )
    assert api.status_code == 403 and path.exists()


def test_a_published_article_is_never_discarded(client: FlaskClient, content: Path) -> None:
    path = content / "it" / "vpn-setup.md"
    before = path.read_text(encoding="utf-8")
    token = sign_in_as(client, "cora")
    posted = client.post(
        "/manage/discard/it/vpn-setup.md?hl=en",
        data={"csrf_token": token, "version": "1", "what": "draft"},
    )
    assert posted.status_code == 303
    assert "it/vpn-setup.md is or was published" in text_of(client.get(posted.location))
    api = client.delete(
        "/api/articles/it/vpn-setup.md", headers={"X-CSRF-Token": token, "If-Match": '"1"'}
    )
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "published_before"
    assert path.read_text(encoding="utf-8") == before


def test_the_api_discards_a_draft_at_the_version_named(client: FlaskClient, content: Path) -> None:
    path = draft(content)
    token = sign_in_as(client, "cora")
    headers = {"X-CSRF-Token": token}
    assert client.delete("/api/articles/it/notes.md", headers=headers).status_code == 428
    stale = client.delete("/api/articles/it/notes.md", headers={**headers, "If-Match": '"7"'})
    assert stale.status_code == 412 and path.exists()
    done = client.delete("/api/articles/it/notes.md", headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200 and not path.exists()
    answer = done.get_json()
    assert (answer["discarded"], answer["action"], answer["author"]) == (True, "discard", "cora")
    assert client.get("/manage/edit/it/notes.md").status_code == 404


def drafted_over_published(client: FlaskClient, token: str) -> None:
    """it/vpn-setup.md saved as a draft with a new text (version 2)."""
    saved = client.post(
        "/manage/edit/it/vpn-setup.md",
        data={
            "csrf_token": token,
            "version": "1",
            "action": "save",
            "title": "VPN setup",
            "body": "Half-written new steps.",
        },
    )
    assert saved.status_code == 303


def test_the_changes_over_a_published_article_are_discarded_after_confirming(
    client: FlaskClient, content: Path
) -> None:
    path = content / "it" / "vpn-setup.md"
    token = sign_in_as(client, "cora")
    drafted_over_published(client, token)
    editor = client.get("/manage/edit/it/vpn-setup.md?hl=en").get_data(as_text=True)
    assert "Discard changes" in editor and "Discard draft" not in editor
    page = text_of(client.get("/manage/discard/it/vpn-setup.md?hl=en"))
    assert "Discard the changes to “VPN setup”?" in page and "version 1" in page
    # Asked as a draft's discard, it is refused: the article was published.
    wrong = client.post(
        "/manage/discard/it/vpn-setup.md",
        data={"csrf_token": token, "version": "2", "what": "draft"},
    )
    assert wrong.status_code == 303 and path.exists()
    done = client.post(
        "/manage/discard/it/vpn-setup.md?hl=en",
        data={"csrf_token": token, "version": "2", "what": "changes"},
    )
    assert done.status_code == 303
    assert "version 3 holds the published text again" in text_of(client.get(done.location))
    text = path.read_text(encoding="utf-8")
    assert "status: published" in text and "Open the VPN client" in text
    assert "Half-written" not in text


def test_the_api_discards_changes_and_refuses_another_department(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    drafted_over_published(client, token)
    url = "/api/articles/it/vpn-setup.md/discard-changes"
    helga = sign_in_as(client, "helga")
    other = client.post(url, headers={"X-CSRF-Token": helga, "If-Match": '"2"'})
    assert other.status_code == 403
    token = sign_in_as(client, "cora")
    assert client.post(url, headers={"X-CSRF-Token": token}).status_code == 428
    done = client.post(url, headers={"X-CSRF-Token": token, "If-Match": '"2"'})
    assert done.status_code == 200 and done.headers["ETag"] == '"3"'
    assert done.get_json()["status"] == "published"
    again = client.post(url, headers={"X-CSRF-Token": token, "If-Match": '"3"'})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "nothing_published"


def test_discarding_reaches_no_file_but_an_own_department_s_article(
    client: FlaskClient, content: Path
) -> None:
    """Tried in the security review: ids that climb out of the department, another
    department's draft, a file that is no article, and a call without the token
    discard nothing; the confirmation page is refused to another department too."""
    draft(content)
    leave = content / "hr" / "annual-leave.md"
    (content / "hr" / "leave-draft.md").write_text(
        DRAFT.replace("VPN notes", "Leave notes"), encoding="utf-8"
    )
    (content / "it" / "images").mkdir(exist_ok=True)
    (content / "it" / "images" / "logo.png").write_bytes(b"png")
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    token = sign_in_as(client, "cora")
    headers = {"X-CSRF-Token": token, "If-Match": '"1"'}
    for article_id in (
        "hr/leave-draft.md",
        "it/../hr/leave-draft.md",
        "it/%2e%2e/hr/leave-draft.md",
        "it/..%2fhr/leave-draft.md",
        "it/images/logo.png",
        "it/_department.yml",
        "it/.hidden.md",
    ):
        answer = client.delete(f"/api/articles/{article_id}", headers=headers)
        assert answer.status_code in (400, 403, 404), (article_id, answer.status_code)
        changes = client.post(f"/api/articles/{article_id}/discard-changes", headers=headers)
        assert changes.status_code in (400, 403, 404), (article_id, changes.status_code)
    assert client.get("/manage/discard/hr/leave-draft.md").status_code == 403
    form = {"csrf_token": token, "what": "draft", "version": "1"}
    assert client.post("/manage/discard/hr/leave-draft.md", data=form).status_code == 403
    no_token = client.delete("/api/articles/it/notes.md", headers={"If-Match": '"1"'})
    assert no_token.status_code in (400, 403)
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before
    assert leave.exists()


def test_a_draft_published_on_disk_only_is_retired_not_discarded(
    client: FlaskClient, content: Path, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Published on disk and set back to draft on disk: its history holds only the
    draft, but the published index holds the article, so the editor offers
    Retire and not Discard draft, and a discard is refused."""
    path = content / "it" / "vpn-setup.md"
    path.write_text(VPN.replace("status: published", "status: draft"), encoding="utf-8")
    indexed = make_article("it/vpn-setup.md", "VPN setup", "Connect to the VPN.")
    monkeypatch.setattr(engine, "article", {"it/vpn-setup.md": indexed}.get)
    token = sign_in_as(client, "cora")
    editor = client.get("/manage/edit/it/vpn-setup.md?hl=en").get_data(as_text=True)
    assert "/manage/discard/" not in editor and 'href="/manage/retire/it/vpn-setup.md"' in editor
    api = client.delete(
        "/api/articles/it/vpn-setup.md", headers={"X-CSRF-Token": token, "If-Match": '"1"'}
    )
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "published_before"
    assert path.exists()
    # Out of the index and never read: a draft like any other, discarded.
    monkeypatch.setattr(engine, "article", {}.get)
    editor = client.get("/manage/edit/it/vpn-setup.md?hl=en").get_data(as_text=True)
    assert 'href="/manage/discard/it/vpn-setup.md"' in editor
