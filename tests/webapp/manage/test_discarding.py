"""Discard draft in the editor and `DELETE /api/articles/<id>`: offered for a
draft never published, confirmed on a page of its own (a form with the CSRF
token, no script), refused to another department's owner and for a published
article, which is never removed."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
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
    refused = client.post("/manage/discard/it/notes.md", data={"version": "1"})
    assert refused.status_code in (400, 403) and path.exists()
    done = client.post(
        "/manage/discard/it/notes.md?hl=en", data={"csrf_token": token, "version": "1"}
    )
    assert done.status_code == 303 and "/manage/" in done.location
    assert not path.exists()
    assert "The draft it/notes.md was discarded." in text_of(client.get(done.location))


def test_another_department_s_owner_cannot_discard(client: FlaskClient, content: Path) -> None:
    path = draft(content)
    token = sign_in_as(client, "helga")
    assert client.get("/manage/discard/it/notes.md").status_code == 403
    posted = client.post("/manage/discard/it/notes.md", data={"csrf_token": token, "version": "1"})
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
        "/manage/discard/it/vpn-setup.md?hl=en", data={"csrf_token": token, "version": "1"}
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
