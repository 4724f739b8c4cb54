"""Renaming an article from the editor: a page that asks for the new name, the
form (CSRF token, version), the editor of the new name, the old article address
leading on to the new one, and the API's counterpart."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import VPN


@pytest.mark.parametrize(
    ("lang", "link", "asked", "explained"),
    [
        ("en", "Rename", "Rename “VPN setup”", "gets a new file name in the folder it"),
        ("de", "Umbenennen", "„VPN setup“ umbenennen", "bekommt im Ordner it einen neuen"),
    ],
)
def test_the_editor_leads_to_a_page_that_asks_for_the_new_name(
    client: FlaskClient, lang: str, link: str, asked: str, explained: str
) -> None:
    sign_in_as(client, "cora")
    editor = text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}"))
    assert f'href="/manage/move/it/vpn-setup.md">{link}</a>' in editor
    page = client.get(f"/manage/move/it/vpn-setup.md?hl={lang}")
    html = text_of(page)
    assert page.status_code == 200 and asked in html and explained in html
    assert 'name="csrf_token"' in html and 'name="version" value="1"' in html
    assert 'name="slug" value="vpn-setup"' in html


def test_a_rename_leads_to_the_editor_of_the_new_name_and_the_old_address_follows(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    done = client.post(
        "/manage/move/it/vpn-setup.md?hl=en",
        data={"csrf_token": token, "version": "1", "slug": "vpn-from-home"},
    )
    assert done.status_code == 303 and done.location.endswith("/manage/edit/it/vpn-from-home.md")
    assert not (content / "it" / "vpn-setup.md").exists()
    assert (content / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == VPN
    said = text_of(client.get(done.location))
    assert "it/vpn-setup.md is now it/vpn-from-home.md." in said
    old = client.get("/articles/it/vpn-setup.md?q=vpn")
    assert old.status_code == 302
    assert old.location.endswith("/articles/it/vpn-from-home.md?q=vpn")
    assert client.get(old.location).status_code == 200
    history = text_of(client.get("/manage/history/it/vpn-setup.md?hl=en"))
    assert "This article was renamed" in history and "moved to it/vpn-from-home.md" in history
    assert 'action="/manage/restore/' not in history


def renamed_by_cora(client: FlaskClient, slug: str) -> None:
    """it/vpn-setup.md renamed to it/<slug>.md by its content owner."""
    token = sign_in_as(client, "cora")
    done = client.post(
        "/manage/move/it/vpn-setup.md",
        data={"csrf_token": token, "version": "1", "slug": slug},
    )
    assert done.status_code == 303


def test_the_old_address_says_nothing_to_a_reader_who_may_not_read_the_article(
    client: FlaskClient, content: Path
) -> None:
    restricted = VPN.replace("lang: en", "lang: en\naudience: [it-staff]")
    (content / "it" / "vpn-setup.md").write_text(restricted, encoding="utf-8")
    renamed_by_cora(client, "vpn-staff")
    sign_in_as(client, "emma")
    old = client.get("/articles/it/vpn-setup.md")
    assert old.status_code == 404 and "vpn-staff" not in text_of(old)
    api = client.get("/api/articles/it/vpn-setup.md")
    assert api.status_code == 404 and "vpn-staff" not in api.get_data(as_text=True)
    assert api.get_json()["error"]["details"] == {"id": "it/vpn-setup.md"}


def test_the_api_names_where_a_renamed_article_went_to_a_caller_who_may_read_it(
    client: FlaskClient, content: Path
) -> None:
    renamed_by_cora(client, "vpn-from-home")
    sign_in_as(client, "emma")
    old = client.get("/api/articles/it/vpn-setup.md")
    assert old.status_code == 404  # not followed silently: the caller decides
    error = old.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["details"] == {"id": "it/vpn-setup.md", "moved_to": "it/vpn-from-home.md"}
    assert client.get("/api/articles/it/vpn-from-home.md").status_code == 200


@pytest.mark.parametrize(
    ("who", "data", "status", "said"),
    [
        ("cora", {"slug": "../../hr/annual-leave"}, 400, "names a folder"),
        ("cora", {"slug": "Bad Name"}, 400, "lower-case letters"),
        ("cora", {"slug": "vpn-2", "version": "0"}, 400, ""),
        ("helga", {"slug": "vpn-2"}, 403, ""),
        ("emma", {"slug": "vpn-2"}, 403, ""),
    ],
)
def test_a_refused_rename_changes_nothing_and_keeps_the_name_typed(
    client: FlaskClient, content: Path, who: str, data: dict[str, str], status: int, said: str
) -> None:
    token = sign_in_as(client, who)
    refused = client.post(
        "/manage/move/it/vpn-setup.md?hl=en",
        data={"csrf_token": token, "version": "1", **data},
    )
    assert refused.status_code == status
    assert said in text_of(refused)
    if status == 400 and said:
        assert f'value="{data["slug"][:6]}' in text_of(refused).replace("&#34;", '"')
    assert sorted(p.name for p in (content / "it").iterdir()) == ["_department.yml", "vpn-setup.md"]


def test_a_rename_without_the_session_token_is_refused(client: FlaskClient, content: Path) -> None:
    sign_in_as(client, "cora")
    forged = client.post("/manage/move/it/vpn-setup.md", data={"version": "1", "slug": "x"})
    assert forged.status_code == 403
    assert (content / "it" / "vpn-setup.md").exists() and not (content / "it" / "x.md").exists()


def test_a_stale_rename_and_a_name_taken_are_refused(client: FlaskClient, content: Path) -> None:
    (content / "it" / "vpn-guide.md").write_text(VPN, encoding="utf-8")
    token = sign_in_as(client, "cora")
    taken = client.post(
        "/manage/move/it/vpn-setup.md?hl=en",
        data={"csrf_token": token, "version": "1", "slug": "vpn-guide"},
    )
    assert taken.status_code == 409 and "it/vpn-guide.md already exists" in text_of(taken)
    stale = client.post(
        "/manage/move/it/vpn-setup.md?hl=en",
        data={"csrf_token": token, "version": "7", "slug": "vpn-new"},
    )
    assert stale.status_code == 412 and not (content / "it" / "vpn-new.md").exists()


def test_the_api_renames_with_if_match_and_names_the_new_address(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    headers = {"X-CSRF-Token": token}
    path = "/api/articles/it/vpn-setup.md/move"
    assert client.post(path, json={"name": "vpn-2"}, headers=headers).status_code == 428
    stale = client.post(path, json={"name": "vpn-2"}, headers={**headers, "If-Match": '"4"'})
    assert stale.status_code == 412
    done = client.post(path, json={"name": "vpn-2"}, headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["id"] == "it/vpn-2.md" and done.headers["ETag"] == '"2"'
    assert done.headers["Location"].endswith("/api/articles/it/vpn-2.md")
    assert (content / "it" / "vpn-2.md").exists() and not (content / "it" / "vpn-setup.md").exists()
    versions = client.get("/api/articles/it/vpn-setup.md/versions").get_json()["versions"]
    assert versions[0]["action"] == "move" and versions[0]["message"] == "moved to it/vpn-2.md"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_name_the_browser_refuses_is_explained_in_the_page_s_language(
    client: FlaskClient, lang: str
) -> None:
    """A name typed with a space or capitals was stopped by the browser with its
    own "Please match the requested format." alone; the field's title (which the
    browser shows under it) is the rule, as the hint below the field words it."""
    import re

    sign_in_as(client, "cora")
    for path, field in (
        (f"/manage/move/it/vpn-setup.md?hl={lang}", "m-slug"),
        (f"/manage/new?department=it&hl={lang}", "e-slug"),
    ):
        html = text_of(client.get(path))
        found = re.search(rf'<input id="{field}"[^>]* pattern="[^"]+" title="([^"]+)"', html)
        assert found is not None, path
        hint = re.search(rf'<p class="hint" id="{field}-hint">([^<]+)</p>', html)
        assert hint is not None and found.group(1) == hint.group(1), path
