"""The history of a draft discarded since (its file gone): shown with the
discard last, and a version of it restored as a new draft by an owner."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_discarding import draft


def discard(client: FlaskClient, token: str) -> None:
    done = client.post(
        "/manage/discard/it/notes.md", data={"csrf_token": token, "version": "1", "what": "draft"}
    )
    assert done.status_code == 303


def test_a_discarded_draft_s_history_opens_with_the_discard_last(
    client: FlaskClient, content: Path
) -> None:
    path = draft(content)
    token = sign_in_as(client, "cora")
    discard(client, token)
    assert not path.exists()
    page = client.get("/manage/history/it/notes.md?hl=en")
    assert page.status_code == 200, text_of(page)
    html = page.get_data(as_text=True)
    rows = re.findall(r'<tr data-version="(\d+)">', html)
    assert rows == ["2", "1"]  # newest first: the discard, then the draft
    shown = text_of(page)
    assert "discarded" in shown and "This draft was discarded" in shown
    assert 'href="/manage/edit/it/notes.md"' not in html  # there is no file to edit
    assert "Restore as a new draft: 1" in shown and "Restore as a new draft: 2" not in shown
    api = client.get("/api/articles/it/notes.md/versions").get_json()["versions"]
    assert [(v["version"], v["action"]) for v in api] == [(2, "discard"), (1, "disk")]
    german = text_of(client.get("/manage/history/it/notes.md?hl=de"))
    assert "Dieser Entwurf wurde verworfen" in german
    # Another department's owner may neither read it nor bring it back.
    token = sign_in_as(client, "helga")
    assert client.get("/manage/history/it/notes.md").status_code == 403
    restore = {"csrf_token": token, "number": "1", "version": "2"}
    assert client.post("/manage/restore/it/notes.md", data=restore).status_code == 403
    assert not path.exists()


def test_an_owner_restores_a_discarded_draft_as_a_new_draft(
    client: FlaskClient, content: Path
) -> None:
    path = draft(content)
    text = path.read_text(encoding="utf-8")
    token = sign_in_as(client, "cora")
    discard(client, token)
    # A page shown before someone took the name again is stale: nothing written.
    stale = client.post(
        "/manage/restore/it/notes.md", data={"csrf_token": token, "number": "1", "version": "1"}
    )
    assert stale.status_code == 303 and not path.exists()
    done = client.post(
        "/manage/restore/it/notes.md?hl=en",
        data={"csrf_token": token, "number": "1", "version": "2"},
    )
    assert done.status_code == 303 and done.location.endswith("/manage/edit/it/notes.md")
    assert path.exists() and "status: draft" in path.read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8").split("---", 2)[2] == text.split("---", 2)[2]
    history = client.get("/manage/history/it/notes.md?hl=en").get_data(as_text=True)
    assert re.findall(r'<tr data-version="(\d+)">', history) == ["3", "2", "1"]
    assert "This draft was discarded" not in history


def test_a_discarded_draft_of_a_sub_folder_never_comes_back_as_another_article(
    client: FlaskClient, content: Path
) -> None:
    """A new draft is written where a new article is, `<department>/<name>.md`:
    a discarded `it/sub/notes.md` restored that way became `it/notes.md`,
    another article (continuing that id's history), while the page led to an
    editor of a file that was not there. It is refused; nothing is written."""
    nested = content / "it" / "sub" / "notes.md"
    nested.parent.mkdir()
    draft(content).rename(nested)
    token = sign_in_as(client, "cora")
    gone = client.delete(
        "/api/articles/it/sub/notes.md", headers={"X-CSRF-Token": token, "If-Match": '"1"'}
    )
    assert gone.status_code == 200, text_of(gone)
    page = client.get("/manage/history/it/sub/notes.md?hl=en")
    assert "Restore as a new draft" not in text_of(page)  # the page offers no way that fails
    assert "copy its text from a version into a new article" in text_of(page)
    assert "in einen neuen Artikel" in text_of(client.get("/manage/history/it/sub/notes.md?hl=de"))
    restore = {"csrf_token": token, "number": "1", "version": "2"}
    refused = client.post("/manage/restore/it/sub/notes.md?hl=en", data=restore)
    assert refused.status_code == 400, text_of(refused)
    assert sorted(p.name for p in (content / "it").rglob("*.md")) == ["vpn-setup.md"]
