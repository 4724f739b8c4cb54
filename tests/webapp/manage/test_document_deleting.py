"""Deleting an uploaded document: the list's and the history's Delete lead to a
page that asks again; its form (CSRF token, version, confirm) deletes the file
and keeps the history; the API's DELETE does the same for a document."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.kb.authoring.test_documents import PDF
from tests.support import sign_in_as, text_of

DELETE_PAGE = "/manage/document-delete/it/travel.pdf"


@pytest.fixture
def travel(content: Path) -> Path:
    path = content / "it" / "travel.pdf"
    path.write_bytes(PDF)
    return path


@pytest.mark.parametrize(
    ("lang", "asked", "explained"),
    [
        ("en", "Delete it/travel.pdf?", "The file leaves the department"),
        ("de", "it/travel.pdf löschen?", "Die Datei verlässt den Ordner der Abteilung"),
    ],
)
def test_delete_asks_again_on_a_page_of_its_own(
    client: FlaskClient, travel: Path, lang: str, asked: str, explained: str
) -> None:
    sign_in_as(client, "cora")
    listed = text_of(client.get(f"/manage/?department=it&hl={lang}"))
    assert f'href="{DELETE_PAGE}"' in listed
    history = text_of(client.get(f"/manage/document/it/travel.pdf?hl={lang}"))
    assert f'href="{DELETE_PAGE}"' in history
    page = client.get(f"{DELETE_PAGE}?hl={lang}")
    html = text_of(page)
    assert page.status_code == 200 and asked in html and explained in html
    assert 'name="csrf_token"' in html and 'name="confirm" value="delete"' in html
    assert travel.read_bytes() == PDF


def test_a_confirmed_delete_removes_the_file_and_keeps_its_history(
    client: FlaskClient, travel: Path
) -> None:
    token = sign_in_as(client, "cora")
    done = client.post(
        f"{DELETE_PAGE}?hl=en",
        data={"csrf_token": token, "version": "1", "confirm": "delete", "message": "outdated"},
    )
    assert done.status_code == 303 and done.location.endswith("/manage/?department=it")
    assert not travel.exists()
    assert "The document it/travel.pdf was deleted" in text_of(client.get(done.location))
    history = text_of(client.get("/manage/document/it/travel.pdf?hl=en"))
    assert "This document was deleted" in history and "outdated" in history
    assert "/manage/document-file/it/travel.pdf?version=1" in history


@pytest.mark.parametrize(
    ("who", "data"),
    [
        ("cora", {"version": "1"}),  # no confirmation
        ("cora", {"version": "2", "confirm": "delete"}),  # stale
        ("cora", {"confirm": "delete"}),  # no version
        ("helga", {"version": "1", "confirm": "delete"}),  # another department's owner
    ],
)
def test_a_refused_delete_keeps_the_file(
    client: FlaskClient, travel: Path, who: str, data: dict[str, str]
) -> None:
    token = sign_in_as(client, who)
    refused = client.post(DELETE_PAGE, data={"csrf_token": token, **data})
    assert refused.status_code in (303, 403)
    if refused.status_code == 303:
        assert refused.location.endswith(DELETE_PAGE)
    assert travel.read_bytes() == PDF


def test_a_delete_without_the_session_token_or_out_of_the_folder_is_refused(
    client: FlaskClient, travel: Path, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    forged = client.post(DELETE_PAGE, data={"version": "1", "confirm": "delete"})
    assert forged.status_code == 403 and travel.exists()
    (content / "hr" / "policy.pdf").write_bytes(PDF)
    for sneaky in ("it/../hr/policy.pdf", "it/%2e%2e/hr/policy.pdf"):
        client.post(
            f"/manage/document-delete/{sneaky}",
            data={"csrf_token": token, "version": "1", "confirm": "delete"},
        )
    assert (content / "hr" / "policy.pdf").read_bytes() == PDF


def test_the_api_deletes_a_document_with_if_match(client: FlaskClient, travel: Path) -> None:
    token = sign_in_as(client, "cora")
    path = "/api/articles/it/travel.pdf"
    assert client.delete(path, headers={"X-CSRF-Token": token}).status_code == 428
    stale = client.delete(path, headers={"X-CSRF-Token": token, "If-Match": '"3"'})
    assert stale.status_code == 412 and travel.exists()
    done = client.delete(path, headers={"X-CSRF-Token": token, "If-Match": '"1"'})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["action"] == "delete" and done.get_json()["deleted"] is True
    assert not travel.exists()
