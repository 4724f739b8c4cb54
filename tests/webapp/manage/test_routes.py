"""The content owner's pages without JavaScript: the list, the editor, history,
diff, restore, stale edits, approvals, and the article page in between."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from indexer.unreadable import UnreadableDocument, write_unreadable
from kb.content.documents import problem_of
from kb.extract.problem_texts import document_error, malformed
from tests.support import ARTICLES, FakeEngine, make_article, sign_in_as, text_of


def form(token: str, **fields: Any) -> dict[str, Any]:
    base = {
        "csrf_token": token,
        "title": "VPN setup",
        "summary": "How to connect from home.",
        "tags": "vpn, remote",
        "audience": "everyone",
        "lang": "en",
        "review_by": "2027-01-10",
        "owner": "it-content@example.com",
        "related": "",
        "body": "## Connect\n\nOpen the VPN client and sign in.",
        "action": "publish",
        "version": "1",
    }
    base.update(fields)
    return base


def test_the_list_shows_status_review_dates_and_overdue(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/?department=it"))
    assert "Articles of IT Service Desk" in page
    row = re.search(r'<tr class="is-overdue" data-article="it/vpn-setup.md">.*?</tr>', page, re.S)
    assert row and "overdue" in row.group(0) and "Published" in row.group(0)
    assert "Reviews due" in page and "VPN setup" in page
    german = text_of(client.get("/manage/?department=it&hl=de"))
    assert "Artikel der Abteilung IT Service Desk" in german and "überfällig" in german
    filtered = text_of(client.get("/manage/?department=it&status=draft"))
    assert 'data-article="it/vpn-setup.md"' not in filtered


def test_the_list_names_what_is_wrong_with_a_document_as_with_an_article(
    client: FlaskClient, content: Path, tmp_path: Path
) -> None:
    sign_in_as(client, "cora")
    (content / "it" / "secret.pdf").write_bytes(b"%PDF-1.7 encrypted")
    (content / "it" / "broken.md").write_text("---\ntitle: [a\n---\nText.\n")
    (content / "it" / "fine.pdf").write_bytes(b"%PDF-1.7")
    write_unreadable(
        tmp_path / "index",
        {
            "it/secret.pdf": "warning: it/secret.pdf: PDF is password-protected; its text cannot "
            "be read (save a copy without a password)"
        },
    )
    page = text_of(client.get("/manage/?department=it"))

    def row(article_id: str) -> str:
        found = re.search(rf'<tr[^>]*data-article="{re.escape(article_id)}">.*?</tr>', page, re.S)
        assert found, article_id
        return found.group(0)

    assert "it/broken.md:2: front matter is not valid YAML" in row("it/broken.md")
    assert "PDF is password-protected; its text cannot be read" in row("it/secret.pdf")
    assert "error-text" in row("it/secret.pdf") and "error-text" not in row("it/fine.pdf")
    # In the page's language, where the problem has its words (a document's, as
    # the indexer recorded it, is shown as recorded).
    page = text_of(client.get("/manage/?department=it&hl=de"))
    said = "Fehler: it/broken.md:2: Der Front Matter ist kein gültiges YAML"
    assert said in row("it/broken.md") and "not valid YAML" not in row("it/broken.md")
    assert "PDF is password-protected; its text cannot be read" in row("it/secret.pdf")


def test_a_document_s_problem_is_said_in_the_page_s_language(
    client: FlaskClient, content: Path, tmp_path: Path
) -> None:
    """A document the index could not read was named in English on German pages:
    the record keeps its text's key and values, and the page words them."""
    sign_in_as(client, "cora")
    (content / "it" / "secret.pdf").write_bytes(b"%PDF-1.7 encrypted")
    (content / "it" / "huge.pdf").write_bytes(b"%PDF-1.7")
    too_large = document_error("too_large", "document_too_large", size="25.0 MB", limit="20.0 MB")
    write_unreadable(
        tmp_path / "index",
        {
            "it/secret.pdf": UnreadableDocument(
                problem_of(document_error("encrypted", "document_encrypted_pdf"), "it/secret.pdf")
            ),
            "it/huge.pdf": UnreadableDocument(problem_of(too_large, "it/huge.pdf"), kept=True),
        },
    )

    def row(page: str, article_id: str) -> str:
        found = re.search(rf'<tr[^>]*data-article="{re.escape(article_id)}">.*?</tr>', page, re.S)
        assert found, article_id
        return found.group(0)

    english = text_of(client.get("/manage/?department=it&hl=en"))
    assert (
        "warning: it/secret.pdf: PDF is password-protected; its text cannot be read (save a "
        "copy without a password (or a text version) in the folder)"
    ) in row(english, "it/secret.pdf")
    assert (
        "file is 25.0 MB, over the 20.0 MB limit for documents (split it into smaller "
        "documents, or ask the operator to raise document_max_bytes); the previously indexed "
        "version stays"
    ) in row(english, "it/huge.pdf")
    german = text_of(client.get("/manage/?department=it&hl=de"))
    assert (
        "Warnung: it/secret.pdf: Das PDF ist kennwortgeschützt; der Text kann nicht gelesen "
        "werden (legen Sie eine Kopie ohne Kennwort (oder eine Textfassung) in den Ordner)"
    ) in row(german, "it/secret.pdf")
    huge = row(german, "it/huge.pdf")
    assert "Die Datei ist 25,0 MB groß, mehr als die Grenze von 20,0 MB für Dokumente" in huge
    assert "; die zuvor indexierte Fassung bleibt auffindbar" in huge
    assert "limit for documents" not in huge and "previously indexed" not in huge


def test_a_document_s_kind_is_named_in_the_page_s_language(
    client: FlaskClient, content: Path, tmp_path: Path
) -> None:
    """ "In diesem Word document wurde kein Text gefunden": the kind of document a
    problem names read English inside the German sentence."""
    sign_in_as(client, "cora")
    (content / "it" / "blank.docx").write_bytes(b"PK")
    (content / "it" / "broken.html").write_bytes(b"<html>")
    no_text = document_error("empty", "document_no_text", what="Word document")
    broken = malformed("HTML page", "nested too deep")
    write_unreadable(
        tmp_path / "index",
        {
            "it/blank.docx": UnreadableDocument(problem_of(no_text, "it/blank.docx")),
            "it/broken.html": UnreadableDocument(problem_of(broken, "it/broken.html")),
        },
    )
    german = text_of(client.get("/manage/?department=it&hl=de"))
    assert "it/blank.docx: In der Datei (Word-Dokument) wurde kein Text gefunden" in german
    assert "it/broken.html: Die Datei lässt sich nicht als HTML-Seite lesen" in german
    assert "Word document" not in german and "HTML page" not in german
    english = text_of(client.get("/manage/?department=it&hl=en"))
    assert "no text found in this Word document" in english
    assert "file is not a valid HTML page: nested too deep" in english


def test_on_a_phone_every_value_of_the_list_keeps_its_label(client: FlaskClient) -> None:
    """On a phone each row is a card that shows every value beside its column's
    name (`data-label`); the article list gave none, so "50 %" and "20" stood
    beside an empty column."""
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/?department=it"))
    headers = re.findall(r'<th scope="col">([^<]+)</th>', page)
    row = re.search(r'<tr class="is-overdue" data-article="it/vpn-setup.md">(.*?)</tr>', page, re.S)
    assert row and len(headers) == 8
    assert re.findall(r'<td data-label="([^"]+)"', row.group(1)) == headers


def test_an_article_never_changed_here_says_so_in_its_last_change_cell(
    client: FlaskClient,
) -> None:
    """An article written on disk and never saved in the editor left its "Last
    change" cell empty, where "Helpful" without votes says "–": on a phone the
    card showed the column's name beside nothing."""
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/?department=it"))
    row = re.search(r'data-article="it/vpn-setup.md">(.*?)</tr>', page, re.S)
    assert row
    cell = re.search(r'<td data-label="Last change">(.*?)</td>', row.group(1), re.S)
    assert cell and cell.group(1).strip() == "–"


def test_the_list_leads_to_the_drafts_from_requests(client: FlaskClient) -> None:
    """The page of drafts written from answered requests had no link to it."""
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/?department=it&hl=de"))
    assert '<a href="/requests/drafts/">Entwürfe aus Anfragen</a>' in page
    assert client.get("/requests/drafts/").status_code == 200


def test_a_gap_assigned_to_the_department_leads_to_it_and_to_a_new_article(
    client: FlaskClient,
) -> None:
    """The list named the knowledge gaps assigned to the department as bare text:
    no way to their questions and figures, nor on to the article that closes one."""
    import numpy as np

    from kb.insights.records import GapTopic
    from kb.insights.store import insights_store
    from webapp.services import services

    gaps = insights_store(services(client.application).store)
    saved = gaps.save_topic(
        GapTopic(
            label="printer toner", department="it", assigned_department="it", centroid=np.ones(2)
        )
    )
    sign_in_as(client, "cora")
    page = client.get("/manage/?department=it").get_data(as_text=True)
    assert f'<a href="/insights/gaps?department=it#topic-{saved.id}">printer toner</a>' in page
    assert f'href="/manage/new?department=it&amp;title=Printer+toner&amp;gap={saved.id}"' in page
    editor = client.get("/manage/new?department=it&title=Printer+toner").get_data(as_text=True)
    assert 'name="title" value="Printer toner"' in editor


def test_owners_see_only_their_departments(client: FlaskClient) -> None:
    sign_in_as(client, "helga")
    assert client.get("/manage/?department=it").status_code == 403
    assert client.get("/manage/edit/it/vpn-setup.md").status_code == 403
    assert client.get("/manage/").status_code == 200
    sign_in_as(client, "emma")
    assert client.get("/manage/").status_code == 403


@pytest.mark.parametrize(("lang", "shown"), [("en", "YYYY-MM-DD"), ("de", "JJJJ-MM-TT")])
def test_the_review_date_shows_its_format_in_the_pages_language(
    client: FlaskClient, lang: str, shown: str
) -> None:
    """Where the browser has no date picker, the review date is a text box that
    shows the format to type, in the reader's words."""
    sign_in_as(client, "cora")
    for path in ("/manage/edit/it/vpn-setup.md", "/manage/new"):
        field = re.search(r'<input id="e-review"[^>]*>', text_of(client.get(f"{path}?hl={lang}")))
        assert field is not None and f'placeholder="{shown}"' in field[0], path


def test_the_audience_hint_names_everyone_in_the_pages_language(client: FlaskClient) -> None:
    """The hint began with the value `everyone` on German pages too."""
    sign_in_as(client, "cora")
    hint = r'<p class="hint" id="e-audience-hint">([^<]*)</p>'
    for lang, shown in (("en", "Leave empty for everyone,"), ("de", "Leer lassen für alle,")):
        found = re.search(hint, text_of(client.get(f"/manage/new?hl={lang}")))
        assert found is not None and found[1].startswith(shown), found


@pytest.mark.parametrize(("lang", "shown"), [("en", "everyone"), ("de", "alle")])
def test_the_audience_field_names_everyone_in_the_pages_language(
    client: FlaskClient, content: Path, lang: str, shown: str
) -> None:
    """The field showed the stored value `everyone` on German pages; saved back
    as shown, the word is read as the group everyone, not as a group "alle"."""
    token = sign_in_as(client, "cora")
    editor = text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}"))
    field = re.search(r'<input id="e-audience" name="audience" value="([^"]*)"', editor)
    assert field is not None and field[1] == shown
    saved = client.post(
        f"/manage/edit/it/vpn-setup.md?hl={lang}",
        data=form(token, audience=f"{shown.capitalize()}, hr", action="save"),
    )
    assert saved.status_code == 303
    text = (content / "it" / "vpn-setup.md").read_text()
    assert "audience: [everyone, hr]" in text
    editor = text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}"))
    assert f'name="audience" value="{shown}, hr"' in editor


def test_edit_save_history_diff_restore(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    editor = text_of(client.get("/manage/edit/it/vpn-setup.md"))
    assert 'name="version" value="1"' in editor and "Open the VPN client" in editor
    # A draft save would take the published article out of search: the editor says so.
    assert "Save draft and Submit for review take it out of search" in editor
    saved = client.post(
        "/manage/edit/it/vpn-setup.md",
        data=form(
            token, body="## Connect\n\nOpen the client, then choose Office.", message="office"
        ),
    )
    assert saved.status_code == 303
    assert "choose Office" in (content / "it" / "vpn-setup.md").read_text()
    history = text_of(client.get("/manage/history/it/vpn-setup.md"))
    assert 'data-version="2"' in history and "office" in history and "cora" in history
    diff = text_of(client.get("/manage/diff/it/vpn-setup.md?a=1&b=2"))
    assert "diff-added" in diff and "choose Office" in diff and "diff-removed" in diff
    restored = client.post(
        "/manage/restore/it/vpn-setup.md", data={"csrf_token": token, "number": "1", "version": "2"}
    )
    assert restored.status_code == 303
    assert "Open the VPN client and sign in." in (content / "it" / "vpn-setup.md").read_text()


def test_restoring_the_text_already_current_says_that_nothing_was_restored(
    client: FlaskClient, content: Path
) -> None:
    """Retired by mistake, an article's version 1 was "restored as version 2":
    a restore keeps the status, version 1's text was version 2's, so nothing
    changed, and the article stayed retired while the page said it was restored."""
    token = sign_in_as(client, "cora")
    retired = client.post(
        "/manage/status/it/vpn-setup.md",
        data={"csrf_token": token, "action": "retire", "confirm": "retire", "version": "1"},
    )
    assert retired.status_code == 303
    restored = client.post(
        "/manage/restore/it/vpn-setup.md", data={"csrf_token": token, "number": "1", "version": "2"}
    )
    assert restored.status_code == 303
    page = text_of(client.get(restored.location))
    assert "restored as version" not in page
    assert "Version 1 holds the same text as the current version 2: nothing was restored" in page
    assert "status: retired" in (content / "it" / "vpn-setup.md").read_text()
    history = text_of(client.get("/manage/history/it/vpn-setup.md"))
    assert 'data-version="3"' not in history


def test_a_save_that_changes_nothing_says_so(client: FlaskClient, content: Path) -> None:
    """Retire pressed on a retired article, or Publish on a published one with
    nothing typed, said "Saved as version 2" while no version was saved."""
    token = sign_in_as(client, "cora")
    retire = {"csrf_token": token, "action": "retire", "confirm": "retire"}
    first = client.post("/manage/status/it/vpn-setup.md", data={**retire, "version": "1"})
    assert "Saved as version 2 (Retired)." in text_of(client.get(first.location))
    again = client.post("/manage/status/it/vpn-setup.md", data={**retire, "version": "2"})
    page = text_of(client.get(again.location))
    assert "Saved as version" not in page
    assert "Nothing has changed: version 2 is the current one (Retired)." in page
    published = client.post("/manage/edit/it/vpn-setup.md", data=form(token, version="2"))
    assert "Saved as version 3 (Published)." in text_of(client.get(published.location))
    same = client.post("/manage/edit/it/vpn-setup.md", data=form(token, version="3"))
    page = text_of(client.get(same.location))
    assert "Nothing has changed: version 3 is the current one (Published)." in page
    assert 'data-version="4"' not in text_of(client.get("/manage/history/it/vpn-setup.md"))


def test_an_article_past_64_kib_is_saved_from_the_editor(
    client: FlaskClient, content: Path
) -> None:
    """Articles may be max_file_bytes (1 MB) large, but the editor's form was read by
    the checks every form passes (NUL, CSRF) under the app's 64 KiB limit for
    questions before the editor's own limit applied: "send smaller or fewer
    files", and the edit was gone. The API took the same text."""
    token = sign_in_as(client, "cora")
    long = "## Connect\n\n" + "Open the client and choose the office profile.\n\n" * 3000
    assert 100_000 < len(long.encode()) < 1_000_000
    saved = client.post("/manage/edit/it/vpn-setup.md", data=form(token, body=long))
    assert saved.status_code == 303, text_of(saved)[:300]
    assert (content / "it" / "vpn-setup.md").read_text().count("office profile") == 3000
    new = form(token, title="Printers", slug="printers", department="it", body=long)
    created = client.post("/manage/new", data=new)
    assert created.status_code == 303 and (content / "it" / "printers.md").exists()


def test_an_article_past_the_limit_gets_the_editor_s_own_page(client: FlaskClient) -> None:
    """A form past max_file_bytes and 64 KiB for the other fields got the app's
    page for too many files, naming no limit and leading back to the search."""
    token = sign_in_as(client, "cora")
    huge = "Open the client. " * 64_000  # 1.1 MB, the limit is 1 MB
    for path in ("/manage/edit/it/vpn-setup.md", "/manage/new"):
        response = client.post(path, data=form(token, body=huge, department="it"))
        page = text_of(response)
        assert response.status_code == 413, path
        assert "The article is too large to save" in page
        assert "1.0 MB" in page and "Back" in page  # the limit, and where the text still is
        assert f'href="{path}"' in page, path
        assert "fewer files" not in page
    german = text_of(client.post(f"{path}?hl=de", data=form(token, body=huge, department="it")))
    assert "(1.000.000 Bytes, Einstellung max_file_bytes)" in german and "1,000,000" not in german


def test_a_stale_edit_shows_both_texts_and_loses_nothing(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    client.post("/manage/edit/it/vpn-setup.md", data=form(token, summary="First change."))
    before = (content / "it" / "vpn-setup.md").read_bytes()
    carl = sign_in_as(client, "carl")
    response = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(carl, body="Carl's own text.", version="1")
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this article" in page
    assert "First change." in page and "Carl&#39;s own text." in page
    assert (content / "it" / "vpn-setup.md").read_bytes() == before


def test_a_stale_edit_of_ones_own_newer_version_does_not_blame_someone_else(
    client: FlaskClient, content: Path
) -> None:
    """Saving from a second tab (or from a form the back button showed again) was
    refused under "Someone else changed this article", naming the reader as that
    someone, with the time in UTC beside pages that write local times."""
    token = sign_in_as(client, "cora")
    client.post("/manage/edit/it/vpn-setup.md", data=form(token, summary="First change."))
    response = client.post(
        "/manage/edit/it/vpn-setup.md?hl=en", data=form(token, body="Tab two.", version="1")
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this article" not in page
    assert "This article changed since you opened it" in page
    assert "The newer version is your own" in page and "Tab two." in page
    assert "UTC)" not in page
    assert re.search(r"\(cora, \d{1,2} \w+ \d{4}, \d\d:\d\d [A-Z]+\)", page), page
    german = text_of(
        client.post(
            "/manage/edit/it/vpn-setup.md?hl=de", data=form(token, body="Tab two.", version="1")
        )
    )
    assert "Dieser Artikel wurde geändert, seit Sie ihn geöffnet haben" in german
    assert "Die neuere Version ist Ihre eigene" in german
    carl = sign_in_as(client, "carl")
    other = text_of(
        client.post(
            "/manage/edit/it/vpn-setup.md?hl=en", data=form(carl, body="Carl's.", version="1")
        )
    )
    assert "Someone else changed this article" in other and "conflict-own" not in other


def test_an_editor_post_without_its_version_writes_nothing(
    client: FlaskClient, content: Path
) -> None:
    """A form post with no `version` skipped the stale check and overwrote whatever
    was there (the API answers 428 for a PUT without If-Match). The editor, the
    restore and the status forms now refuse it and write nothing."""
    token = sign_in_as(client, "cora")
    client.post("/manage/edit/it/vpn-setup.md", data=form(token, summary="First change."))
    before = (content / "it" / "vpn-setup.md").read_bytes()
    unversioned = form(token, body="Carl's own text.")
    del unversioned["version"]
    response = client.post("/manage/edit/it/vpn-setup.md", data=unversioned)
    assert response.status_code == 400
    page = text_of(response)
    assert "did not say which version you edited" in page and "Carl&#39;s own text." in page
    restored = client.post(
        "/manage/restore/it/vpn-setup.md", data={"csrf_token": token, "number": "1"}
    )
    retired = client.post(
        "/manage/status/it/vpn-setup.md", data={"csrf_token": token, "action": "retire"}
    )
    assert (restored.status_code, retired.status_code) == (400, 400)
    assert (content / "it" / "vpn-setup.md").read_bytes() == before


def test_refused_input_shows_the_editor_again_with_what_was_typed(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    response = client.post(
        "/manage/edit/it/vpn-setup.md",
        data=form(token, title="", body="My long careful text."),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Title: please fill this in." in page and "My long careful text." in page
    german = client.post(
        "/manage/edit/it/vpn-setup.md?hl=de",
        data=form(token, tags="a, b#c", body="Mein langer Text."),
    )
    assert german.status_code == 400
    page = text_of(german)
    assert "Schlagwörter: Das Schlagwort „b#c“ ist zu lang" in page
    assert "Mein langer Text." in page


def test_a_nul_character_shows_the_editor_again_with_what_was_typed(
    client: FlaskClient, content: Path
) -> None:
    """A NUL pasted into the text (from a PDF, a terminal) was refused by the check
    every form passes before its page: a bare error page, the whole edit gone."""
    token = sign_in_as(client, "cora")
    before = (content / "it" / "vpn-setup.md").read_bytes()
    pasted = form(token, summary="My summary.", body="My long careful text.\x00 More.")
    response = client.post("/manage/edit/it/vpn-setup.md", data=pasted)
    assert response.status_code == 400
    page = text_of(response)
    assert "contains a NUL character" in page and "My long careful text." in page
    assert "My summary." in page
    new = form(token, title="Printer help", slug="printers", department="it", tags="a\x00")
    created = client.post("/manage/new", data=new)
    assert created.status_code == 400 and "Printer help" in text_of(created)
    assert "Tags" in text_of(created) and 'value="printers"' in text_of(created)
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
    assert not (content / "it" / "printers.md").exists()


def test_a_refused_new_article_keeps_the_what_changed_line(
    client: FlaskClient, content: Path
) -> None:
    """A new article refused for its file name, for a name already taken, or an
    edit of an article deleted meanwhile, showed the editor again with every
    field but "What changed", which came back empty."""
    token = sign_in_as(client, "cora")
    note = "First version, agreed with the works council"
    bad_slug = form(token, slug="Bad Slug!", department="it", message=note)
    taken = form(token, slug="vpn-setup", department="it", message=note)
    for refused in (
        client.post("/manage/new", data=bad_slug),
        client.post("/manage/new", data=taken),
    ):
        assert refused.status_code in (400, 409) and f'value="{note}"' in text_of(refused)
    (content / "it" / "vpn-setup.md").unlink()
    gone = client.post("/manage/edit/it/vpn-setup.md", data=form(token, message=note))
    assert gone.status_code == 404 and f'value="{note}"' in text_of(gone)


def test_a_new_article_is_created_and_shown_before_the_index_has_it(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    response = client.post(
        "/manage/new",
        data={
            **form(token, title="Guest Wi-Fi", body="Ask reception for a code."),
            "department": "it",
            "slug": "",
        },
    )
    assert response.status_code == 303, text_of(response)
    assert (content / "it" / "guest-wi-fi.md").is_file()
    # The fake engine has no such article: the page shows the stored text, no 404.
    page = client.get("/articles/it/guest-wi-fi.md")
    assert page.status_code == 200 and "Ask reception for a code." in text_of(page)


def test_the_stored_text_is_never_shown_once_the_file_says_otherwise(
    client: FlaskClient, content: Path
) -> None:
    """The stored version stands in only while the index lags behind the file: an
    article deleted, retired or restricted on disk is not served from it."""
    token = sign_in_as(client, "cora")
    client.post(
        "/manage/new",
        data={**form(token, title="Door codes", body="The code is 4711."), "department": "it"},
    )
    path = content / "it" / "door-codes.md"
    assert client.get("/articles/it/door-codes.md").status_code == 200
    text = path.read_text(encoding="utf-8")
    for changed in (
        text.replace("status: published", "status: retired"),
        text.replace("audience: everyone", "audience: [it-staff]"),
    ):
        assert changed != text
        path.write_text(changed, encoding="utf-8")
        client.post("/auth/sign-out", data={"csrf_token": token})
        assert client.get("/articles/it/door-codes.md").status_code == 404
        token = sign_in_as(client, "cora")
    path.unlink()
    assert client.get("/articles/it/door-codes.md").status_code == 404


def test_the_link_picker_offers_only_articles_the_owner_may_read(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor's link picker listed the id and title of every indexed article:
    a content owner of IT read the titles of HR's restricted articles."""
    secret = make_article(
        "hr/layoffs.md", "Layoffs in Sales, Q1", "Who is affected.", audience=("hr-leads",)
    )
    known = {**ARTICLES, secret.id: secret}
    monkeypatch.setattr(engine, "titles", lambda: {a.id: a.title for a in known.values()}, False)
    monkeypatch.setattr(engine, "article", known.get)
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/edit/it/vpn-setup.md"))
    assert "Reporting sick" in page and "hr/sick-leave.md" in page
    assert "Layoffs in Sales" not in page and "hr/layoffs.md" not in page
    sign_in_as(client, "ada")  # an admin reads every article
    assert "Layoffs in Sales" in text_of(client.get("/manage/edit/it/vpn-setup.md"))


def test_the_editor_says_which_related_articles_the_page_will_not_list(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A related article mistyped (or not published) was saved without a word,
    and the article's page silently left it out of its related articles."""
    monkeypatch.setattr(engine, "titles", lambda: {a.id: a.title for a in ARTICLES.values()}, False)
    monkeypatch.setattr(engine, "article", ARTICLES.get)
    token = sign_in_as(client, "cora")
    saved = client.post(
        "/manage/edit/it/vpn-setup.md",
        data=form(token, related="hr/sick-leave.md, hr/sick-leav.md"),
    )
    assert saved.status_code == 303
    page = text_of(client.get("/manage/edit/it/vpn-setup.md"))
    warning = re.search(r'<p class="field-warning" id="e-related-unlisted">(.*?)</p>', page, re.S)
    assert warning, page
    assert "hr/sick-leav.md" in warning.group(1) and "hr/sick-leave.md" not in warning.group(1)
    assert 'aria-describedby="e-related-hint e-related-unlisted"' in page
    german = text_of(client.get("/manage/edit/it/vpn-setup.md?hl=de"))
    assert "Nicht auf der Seite des Artikels" in german
    client.post(
        "/manage/edit/it/vpn-setup.md",
        data=form(token, related="hr/sick-leave.md", version="2"),
    )
    assert "e-related-unlisted" not in text_of(client.get("/manage/edit/it/vpn-setup.md"))


def test_four_eyes_approval_on_the_pages(client: FlaskClient, content: Path) -> None:
    helga = sign_in_as(client, "helga")
    refused = client.post(
        "/manage/edit/hr/annual-leave.md", data=form(helga, title="Annual leave", version="1")
    )
    assert refused.status_code == 409 and "approval" in text_of(refused)
    client.post(
        "/manage/edit/hr/annual-leave.md",
        data=form(helga, title="Annual leave", action="submit", version="1"),
    )
    assert "status: review" in (content / "hr" / "annual-leave.md").read_text()
    in_review = text_of(client.get("/manage/edit/hr/annual-leave.md"))
    assert "take it out of search" not in in_review  # only said of published articles
    hans = sign_in_as(client, "hans")
    waiting = text_of(client.get("/manage/?department=hr"))
    assert "Waiting for your approval" in waiting
    client.post(
        "/manage/status/hr/annual-leave.md",
        data={"csrf_token": hans, "action": "publish", "version": "2"},
    )
    assert "status: published" in (content / "hr" / "annual-leave.md").read_text()


def test_readers_see_a_past_due_note_only_when_the_setting_says_so(
    client: FlaskClient, app: Any
) -> None:
    from webapp.services import services

    # The fake engine's hr/sick-leave.md was due for review on 20 November 2026.
    page = text_of(client.get("/articles/hr/sick-leave.md"))
    assert "was due for review" not in page
    svc = services(app)
    svc.settings = svc.settings.replace(review_note_to_readers=True)
    page = text_of(client.get("/articles/hr/sick-leave.md"))
    assert "This article was due for review on 20 November 2026" in page


def test_gaps_assigned_to_the_department_appear_on_its_list(client: FlaskClient, app: Any) -> None:
    from datetime import UTC, datetime

    import numpy as np

    from kb.insights.records import GapTopic, TopicStatus
    from kb.insights.store import insights_store
    from webapp.services import services

    gaps = insights_store(services(app).store)
    now = datetime(2026, 11, 30, tzinfo=UTC)
    for label, status, department in (
        ("vpn from hotels", TopicStatus.ASSIGNED, "it"),
        ("printer toner", TopicStatus.CLOSED, "it"),
        ("parental leave abroad", TopicStatus.ASSIGNED, "hr"),
    ):
        gaps.save_topic(
            GapTopic(
                label=label,
                department=department,
                centroid=np.zeros(4, dtype=np.float32),
                status=status,
                assigned_department=department,
                assigned_at=now,
            )
        )
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/?department=it"))
    section = page[page.index('id="gaps-h"') :]
    section = section[: section.index("</section>")]
    assert "vpn from hotels" in section
    assert "printer toner" not in section  # closed
    assert "parental leave abroad" not in section  # HR's


def test_the_editor_names_what_is_wrong_with_the_file_on_disk(
    client: FlaskClient, content: Path
) -> None:
    sign_in_as(client, "cora")
    unknown = "---\ntitle: Printers\nstatus: publshed\n---\nLine one\n"
    (content / "it" / "printers.md").write_text(unknown, encoding="utf-8")
    page = text_of(client.get("/manage/edit/it/printers.md"))
    # The editor shows the text, and says why readers do not get it as it is.
    assert "Line one" in page
    assert "it/printers.md: status &#39;publshed&#39; is not one of" in page
    assert "not in search as it is" in page
    german = text_of(client.get("/manage/edit/it/printers.md?hl=de"))
    assert "so nicht in der Suche" in german
    assert "it/printers.md: Status &#39;publshed&#39; ist keiner der Werte draft" in german
    assert "setzen Sie status auf einen der erlaubten Werte" in german
    assert "is not one of" not in german
    fine = text_of(client.get("/manage/edit/it/vpn-setup.md"))
    assert "not in search as it is" not in fine


def test_a_file_that_is_not_utf8_is_not_opened_and_keeps_its_bytes(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    broken = "---\ntitle: Printers\n---\nLine one\nLine two \xff bad\n".encode("latin-1")
    path = content / "it" / "printers.md"
    path.write_bytes(broken)
    answer = client.get("/manage/edit/it/printers.md")
    page = text_of(answer)
    # Not the text with a replacement character, which a save would write back.
    assert answer.status_code == 422
    assert "\ufffd" not in page and 'name="body"' not in answer.get_data(as_text=True)
    assert "it/printers.md:5: invalid UTF-8 at byte 42" in page
    assert "save the file as UTF-8" in page
    saved = client.post("/manage/edit/it/printers.md", data=form(token, body="Line two \ufffd bad"))
    assert saved.status_code == 422
    assert "it/printers.md:5: invalid UTF-8 at byte 42" in text_of(saved)
    assert path.read_bytes() == broken
    german = text_of(client.get("/manage/edit/it/printers.md?hl=de"))
    assert "it/printers.md:5: Ungültiges UTF-8 an Byte 42 (b&#39;\\xff&#39;)" in german
    assert "speichern Sie die Datei als UTF-8" in german


def test_an_article_the_editor_cannot_open_says_what_to_do_and_leads_back_to_the_list(
    client: FlaskClient, content: Path
) -> None:
    sign_in_as(client, "cora")
    (content / "it" / "printers.md").write_text("---\ntitle: Printers\ntags: [a, b\n---\nText.\n")
    answer = client.get("/manage/edit/it/printers.md")
    page = text_of(answer)
    assert answer.status_code == 422
    assert "it/printers.md:3: front matter is not valid YAML: the list opened on this line" in page
    assert "fix the YAML between the" in page  # what to do, not only what is wrong
    assert 'href="/manage/?department=it"' in page
    german = text_of(client.get("/manage/edit/it/printers.md?hl=de"))
    assert "kann im Editor nicht geöffnet werden" in german
    assert "it/printers.md:3: Der Front Matter ist kein gültiges YAML: the list opened" in german
    assert "korrigieren Sie das YAML zwischen den Zeilen" in german
    # Its history says the same, not a page of its own that names no line.
    history = client.get("/manage/history/it/printers.md?hl=en")
    assert history.status_code == 422
    assert "it/printers.md:3: front matter is not valid YAML" in text_of(history)
    assert 'href="/manage/?department=it"' in text_of(history)


def test_a_hard_linked_article_says_so_in_the_editor_and_is_never_shown(
    client: FlaskClient, content: Path, tmp_path: Path
) -> None:
    sign_in_as(client, "cora")
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nsecret-from-elsewhere\n", encoding="utf-8")
    os.link(secret, content / "it" / "secret.md")
    answer = client.get("/manage/edit/it/secret.md")
    page = text_of(answer)
    assert answer.status_code == 422
    assert "it/secret.md: a hard link" in page and "cp, not ln" in page
    assert "secret-from-elsewhere" not in page
    assert "secret-from-elsewhere" not in answer.get_data(as_text=True)
    german = text_of(client.get("/manage/edit/it/secret.md?hl=de"))
    assert "it/secret.md: Ein Hardlink: Die Datei hat 2 Namen auf der Festplatte" in german
    assert "legen Sie eine Kopie der Datei in den Ordner (cp, nicht ln)" in german
    assert "a hard link" not in german and "secret-from-elsewhere" not in german


def test_an_article_deleted_while_it_was_edited_keeps_what_was_typed(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    client.get("/manage/edit/it/vpn-setup.md")
    (content / "it" / "vpn-setup.md").unlink()  # removed on disk meanwhile
    typed = "## Connect\n\nMy careful rewrite of the whole article."
    answer = client.post("/manage/edit/it/vpn-setup.md", data=form(token, body=typed))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert "My careful rewrite of the whole article." in page
    assert 'action="/manage/new"' in page and 'value="vpn-setup"' in page
    assert "no article" in text_of(answer)
    created = client.post(
        "/manage/new",
        data=form(token, body=typed, department="it", slug="vpn-setup", action="save"),
    )
    assert created.status_code == 303
    assert "My careful rewrite" in (content / "it" / "vpn-setup.md").read_text()
    token = sign_in_as(client, "helga")  # another department's owner learns nothing
    other = client.post("/manage/edit/it/gone.md", data=form(token, body=typed))
    assert other.status_code in (403, 404) and "My careful rewrite" not in text_of(other)


def test_an_article_whose_name_ends_in_capital_md_opens_in_the_editor(
    client: FlaskClient, content: Path
) -> None:
    """The list offers every Markdown file for editing, `Guide.MD` too; the editor
    refused it as "only Markdown articles (.md) are edited in the browser"."""
    token = sign_in_as(client, "cora")
    path = content / "it" / "Guide.MD"
    path.write_text("---\ntitle: Guide\n---\nOld text.\n", encoding="utf-8")
    assert 'data-article="it/Guide.MD"' in text_of(client.get("/manage/?department=it"))
    opened = client.get("/manage/edit/it/Guide.MD")
    assert opened.status_code == 200 and "Old text." in text_of(opened)
    saved = client.post(
        "/manage/edit/it/Guide.MD", data=form(token, title="Guide", body="New text.")
    )
    assert saved.status_code == 303
    assert "New text." in path.read_text(encoding="utf-8")


def test_the_list_reads_again_what_changed_on_disk_and_only_that(
    client: FlaskClient, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list keeps what it read from each file while the file is unchanged, and
    shows a changed title, a new problem and a mended file at the next view."""
    from webapp.manage import presenters

    sign_in_as(client, "cora")
    reads: list[str] = []
    read = presenters._read_markdown

    def counted(entry: Any) -> Any:
        reads.append(entry.id)
        return read(entry)

    monkeypatch.setattr(presenters, "_read_markdown", counted)
    vpn = content / "it" / "vpn-setup.md"
    original = vpn.read_text(encoding="utf-8")

    def row(article_id: str) -> str:
        page = text_of(client.get("/manage/?department=it"))
        found = re.search(rf'<tr[^>]*data-article="{re.escape(article_id)}">.*?</tr>', page, re.S)
        assert found, article_id
        return found.group(0)

    assert "VPN setup" in row("it/vpn-setup.md") and reads == ["it/vpn-setup.md"]
    assert "VPN setup" in row("it/vpn-setup.md") and reads == ["it/vpn-setup.md"]
    before = vpn.stat()
    vpn.write_text(original.replace("VPN setup", "VPN howto"), encoding="utf-8")
    os.utime(vpn, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    assert "VPN howto" in row("it/vpn-setup.md")
    vpn.write_text("---\ntitle: [a\n---\nText.\n", encoding="utf-8")
    assert "front matter is not valid YAML" in row("it/vpn-setup.md")
    vpn.write_text(original, encoding="utf-8")
    mended = row("it/vpn-setup.md")
    assert "VPN setup" in mended and "error-text" not in mended and "overdue" in mended
    assert reads == ["it/vpn-setup.md"] * 4


@pytest.mark.parametrize(
    "path",
    [
        f"/manage/edit/it/{'a' * 256}.md",
        "/manage/edit/it/%2e%2e/hr/annual-leave.md",
        "/manage/edit/it%2f..%2fhr/annual-leave.md",
        "/manage/edit/it/vpn-setup.md%00",
        "/manage/history/it/%2E%2E/hr/annual-leave.md",
    ],
)
def test_path_tricks_in_the_address_are_refused_and_never_reach_another_department(
    client: FlaskClient, path: str
) -> None:
    """A name past 255 bytes answered 500 (the file system's error); the others
    are checked here so that they stay refused."""
    sign_in_as(client, "cora")  # content owner of it, not of hr
    response = client.get(path)
    assert response.status_code in (400, 403, 404), response.status_code
    assert "Annual leave" not in text_of(response) and "30 days a year" not in text_of(response)


def test_the_list_takes_an_article_from_the_index_while_it_holds_the_file_s_bytes(
    client: FlaskClient, content: Path, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first view after a start need not render what the indexer already read:
    an indexed article with the file's content hash is its row; a file changed
    since is read again."""
    import hashlib

    from webapp.manage import presenters

    sign_in_as(client, "cora")
    vpn = content / "it" / "vpn-setup.md"
    indexed = make_article(
        "it/vpn-setup.md",
        "VPN setup as indexed",
        "Open the VPN client.",
        content_hash=hashlib.sha256(vpn.read_bytes()).hexdigest(),
    )
    monkeypatch.setattr(engine, "article", lambda aid: indexed if aid == indexed.id else None)
    reads: list[str] = []
    read = presenters._read_markdown
    monkeypatch.setattr(presenters, "_read_markdown", lambda e: reads.append(e.id) or read(e))
    assert "VPN setup as indexed" in text_of(client.get("/manage/?department=it"))
    assert reads == []
    vpn.write_text(vpn.read_text(encoding="utf-8").replace("VPN setup", "VPN at home"))
    page = text_of(client.get("/manage/?department=it"))
    assert "VPN at home" in page and "as indexed" not in page and reads == ["it/vpn-setup.md"]


def test_the_editor_judges_the_text_it_opened_never_a_file_reached_through_a_late_link(
    client: FlaskClient, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor opened the article without following a link, then read the file
    again by its path to say what is wrong with it: a link swapped in for its
    folder in between was followed, and the page quoted the file it led to."""
    from kb.authoring.service import AuthoringService

    sign_in_as(client, "cora")
    guides = content / "it" / "guides"
    guides.mkdir()
    (guides / "vpn.md").write_text("---\ntitle: Guide\n---\nFine.\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "vpn.md").write_text("---\nstatus: secret-key-42\n---\nX\n", encoding="utf-8")
    opened = AuthoringService.open

    def open_then_swap(self: AuthoringService, actor: Any, article_id: str) -> Any:
        found = opened(self, actor, article_id)
        guides.rename(tmp_path / "moved")
        os.symlink(outside, guides)
        return found

    monkeypatch.setattr(AuthoringService, "open", open_then_swap)
    page = text_of(client.get("/manage/edit/it/guides/vpn.md"))
    assert "Fine." in page and "secret-key-42" not in page


def test_a_whole_file_pasted_into_the_editor_says_where_its_fields_go(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    path = content / "it" / "vpn-setup.md"
    before = path.read_bytes()
    pasted = "---\r\ntitle: VPN setup\r\nstatus: draft\r\n---\r\nOpen the VPN client.\r\n"
    answer = client.post("/manage/edit/it/vpn-setup.md", data=form(token, body=pasted))
    page = text_of(answer)
    assert answer.status_code == 422
    assert "the text starts with front matter (title, status)" in page
    assert "enter those values in the fields above the text" in page
    assert "Open the VPN client." in page  # what was typed is shown again
    assert path.read_bytes() == before


def test_an_article_that_is_a_link_is_refused_as_a_link_in_the_page_s_language(
    client: FlaskClient, content: Path, tmp_path: Path
) -> None:
    """The editor refused a file that is a symbolic link (or lies in a folder linked
    out of its department) as an id nobody may write, the reason left out in
    both languages; it says that links are never followed."""
    sign_in_as(client, "cora")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.md").write_text("---\ntitle: X\n---\nOutside.\n", encoding="utf-8")
    (content / "it" / "vpn-setup.md").unlink()
    os.symlink(outside / "x.md", content / "it" / "vpn-setup.md")
    os.symlink(outside, content / "it" / "guides")
    for path in ("it/vpn-setup.md", "it/guides/x.md"):
        german = text_of(client.get(f"/manage/edit/{path}?hl=de"))
        assert f"{path}: Ein Ordner auf dem Weg zur Datei oder die Datei selbst ist ein " in german
        assert "keine Artikelkennung" not in german and "Outside." not in german
        english = text_of(client.get(f"/manage/edit/{path}?hl=en"))
        assert "is a symbolic link, and links are never followed" in english


def test_the_history_names_who_wrote_a_version_by_their_display_name(
    client: FlaskClient, app: Any
) -> None:
    """The content owners' pages named a version's author by username."""
    from kb.accounts.service import add_user
    from webapp.services import services

    add_user(services(app).store, "cleo", "content_owner", "it", display_name="Cleo Maier")
    token = sign_in_as(client, "cleo")
    saved = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, body="## Connect\n\nOpen it.")
    )
    assert saved.status_code == 303
    named = '<span class="person" title="cleo">Cleo Maier</span>'
    assert f"<td>{named}</td>" in text_of(client.get("/manage/history/it/vpn-setup.md"))
    assert named in text_of(client.get("/manage/?department=it"))
