"""The editor offers Retire only for an article that was once published, and asks
again on a page of its own before it takes the article out of search."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import VPN
from tests.webapp.manage.test_routes import form

RETIRE_BUTTON = 'href="/manage/retire/it/'


def test_a_never_published_draft_is_offered_no_retire(client: FlaskClient, content: Path) -> None:
    """A draft that never reached readers was offered Retire, which marked it
    retired as though it had been taken out of search."""
    draft = content / "it" / "draft.md"
    draft.write_text(VPN.replace("status: published", "status: draft"), encoding="utf-8")
    token = sign_in_as(client, "cora")
    editor = client.get("/manage/edit/it/draft.md?hl=en").get_data(as_text=True)
    assert "Save draft" in editor and RETIRE_BUTTON not in editor
    published = client.get("/manage/edit/it/vpn-setup.md?hl=en").get_data(as_text=True)
    assert RETIRE_BUTTON in published
    before = draft.read_text(encoding="utf-8")
    refused = client.post(
        "/manage/status/it/draft.md?hl=en",
        data={"csrf_token": token, "action": "retire", "confirm": "retire", "version": "1"},
    )
    assert refused.status_code == 303
    told = text_of(client.get(refused.location))
    assert "it/draft.md was never published, so there is nothing to retire" in told
    assert draft.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("lang", "asked", "explained", "cancel"),
    [
        (
            "en",
            "Retire “VPN setup”?",
            "Search will no longer find this article; publish it again to bring it back.",
            "Cancel and go back to the editor",
        ),
        (
            "de",
            "„VPN setup“ zurückziehen?",
            "Die Suche findet diesen Artikel dann nicht mehr; veröffentlichen Sie ihn erneut",
            "Abbrechen und zurück zum Editor",
        ),
    ],
)
def test_retire_asks_again_on_a_page_of_its_own(
    client: FlaskClient, content: Path, lang: str, asked: str, explained: str, cancel: str
) -> None:
    """Retire sat one click beside Publish and took a published article out of
    search at once, with no page to confirm it."""
    sign_in_as(client, "cora")
    editor = client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}").get_data(as_text=True)
    assert 'href="/manage/retire/it/vpn-setup.md"' in editor
    assert 'name="action" value="retire" class="button' not in editor
    page = client.get(f"/manage/retire/it/vpn-setup.md?hl={lang}")
    said, html = text_of(page), page.get_data(as_text=True)
    assert page.status_code == 200 and asked in said and explained in said and cancel in said
    assert 'name="csrf_token"' in html and 'name="confirm" value="retire"' in html
    assert 'action="/manage/status/it/vpn-setup.md"' in html
    assert 'href="/manage/edit/it/vpn-setup.md"' in html
    assert "status: published" in (content / "it" / "vpn-setup.md").read_text()


def test_a_retire_without_the_confirmation_changes_nothing_and_says_why(
    client: FlaskClient, content: Path
) -> None:
    path = content / "it" / "vpn-setup.md"
    before = path.read_bytes()
    token = sign_in_as(client, "cora")
    asked = {"csrf_token": token, "action": "retire", "version": "1"}
    refused = client.post("/manage/status/it/vpn-setup.md?hl=en", data=asked)
    assert refused.status_code == 303 and "/manage/retire/it/vpn-setup.md" in refused.location
    said = text_of(client.get(refused.location))
    assert "confirmed on its own page first; nothing was changed" in said
    typed = form(token, action="retire", body="My own new text.")
    in_editor = client.post("/manage/edit/it/vpn-setup.md?hl=de", data=typed)
    page = text_of(in_editor)
    assert in_editor.status_code == 400 and "es wurde nichts geändert" in page
    assert "My own new text." in page
    assert path.read_bytes() == before
    assert 'data-version="2"' not in text_of(client.get("/manage/history/it/vpn-setup.md"))


def test_a_confirmed_retire_takes_the_article_out_of_search(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    confirmed = {"csrf_token": token, "action": "retire", "confirm": "retire", "version": "1"}
    # Without the session's token the confirmation page's form does nothing.
    forged = client.post("/manage/status/it/vpn-setup.md", data={**confirmed, "csrf_token": "x"})
    assert forged.status_code in (400, 403)
    assert "status: published" in (content / "it" / "vpn-setup.md").read_text()
    done = client.post("/manage/status/it/vpn-setup.md?hl=en", data=confirmed)
    assert done.status_code == 303 and done.location.endswith("/manage/edit/it/vpn-setup.md")
    said = text_of(client.get(f"{done.location}?hl=en"))
    assert "Saved as version 2 (Retired)." in said and "Publish it again" in said
    assert "status: retired" in (content / "it" / "vpn-setup.md").read_text()


def test_a_status_change_that_names_no_status_changes_nothing(
    client: FlaskClient, content: Path
) -> None:
    """The status form read a post without `action` as "save": with the version
    alone it took the published article out of search as a draft."""
    token = sign_in_as(client, "cora")
    before = (content / "it" / "vpn-setup.md").read_bytes()
    refused = client.post(
        "/manage/status/it/vpn-setup.md?hl=en", data={"csrf_token": token, "version": "1"}
    )
    assert refused.status_code == 400
    assert "please choose one of save, submit, publish, retire" in text_of(refused)
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
