"""Markdown files uploaded on the document upload page: saved as articles through
the editor's service, opened in the editor, refused on the form with the
reason and line, held for review under the four-eyes rule, and shown to
readers sanitised like every article."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import RecordingBuilder
from tests.webapp.manage.test_documents import post_upload
from webapp.services import services

HOSTILE = b"""---
title: Printer guide
status: published
---
## Printing

Press the green button.

<script>alert("owned")</script>
<img src="x.png" onerror="alert(1)">
[Help](javascript:alert(2))
"""


def test_an_owner_uploads_a_markdown_file_and_it_opens_in_the_editor(
    client: FlaskClient, content: Path, app: Flask, builder: RecordingBuilder
) -> None:
    token = sign_in_as(client, "cora")
    assert ".md" in text_of(client.get("/manage/upload?department=it"))
    response = post_upload(client, token, HOSTILE, "Printer Guide.md", message="from my laptop")
    assert response.status_code == 303
    assert response.location.endswith("/manage/edit/it/printer-guide.md")
    written = (content / "it" / "printer-guide.md").read_text(encoding="utf-8")
    assert "title: Printer guide" in written and "Press the green button." in written
    editor = text_of(client.get(response.location))
    assert "saved as article it/printer-guide.md" in editor
    assert services(app).index_worker.wait_idle(60)  # type: ignore[union-attr]
    assert builder.runs >= 1
    history = text_of(client.get("/manage/history/it/printer-guide.md"))
    assert "from my laptop" in history and "cora" in history
    page = text_of(client.get("/articles/it/printer-guide.md"))
    assert "Press the green button." in page
    assert 'alert("owned")' not in page and "onerror" not in page
    assert "javascript:" not in page


def test_a_file_kb_validate_would_refuse_is_refused_on_the_form_with_its_line(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    before = sorted(p.name for p in (content / "it").iterdir())
    cases = [
        (b"---\ntitle: A\n---\nfine\n\xff bad\n", "it/bad.md:5: invalid UTF-8 at byte", 422),
        (b"---\ntitle: [A\n---\nText\n", "it/bad.md:2", 422),
        (b"---\ntitle: A\nstatus: shiny\n---\nText\n", "status", 422),
        (b"  \n", "it/bad.md is empty", 400),
    ]
    for data, words, status in cases:
        response = post_upload(client, token, data, "bad.md")
        page = text_of(response)
        assert response.status_code == status and words in page, (words, page[:3000])
        assert 'name="file"' in page  # the form again
    assert sorted(p.name for p in (content / "it").iterdir()) == before


def test_a_markdown_file_past_the_article_limit_is_refused(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    services(app).authoring.max_bytes = 1000  # the setting max_file_bytes
    token = sign_in_as(client, "cora")
    big = b"---\ntitle: Big\n---\n" + b"word " * 400
    response = post_upload(client, token, big, "big.md")
    assert response.status_code == 422 and "over the 1,000-byte limit" in text_of(response)
    assert not (content / "it" / "big.md").exists()
    # On a German page in German, the hint too (it was English, rebuilt from the error).
    client.get("/manage/upload?department=it&hl=de")  # the language is kept in a cookie
    german = text_of(post_upload(client, token, big, "big.md"))
    assert "mehr als die Grenze von 1.000 Bytes" in german, german
    assert "teilen Sie den Artikel in kleinere auf" in german
    assert "limit" not in german.split('name="file"')[0].split("<main")[-1]


def test_an_existing_article_is_replaced_only_when_confirmed(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    new = b"---\ntitle: VPN setup\nstatus: published\n---\nUse the new client.\n"
    response = post_upload(client, token, new, "vpn-setup.md")
    page = text_of(response)
    assert response.status_code == 409 and "Replace the existing vpn-setup.md" in page
    assert "Open the VPN client" in (content / "it" / "vpn-setup.md").read_text(encoding="utf-8")
    response = post_upload(client, token, new, "x.md", name="vpn-setup.md", replace="1")
    assert response.status_code == 303
    assert "Use the new client." in (content / "it" / "vpn-setup.md").read_text(encoding="utf-8")
    history = text_of(client.get("/manage/history/it/vpn-setup.md"))
    assert "replaced the article" in history


def test_under_the_four_eyes_rule_an_uploaded_article_waits_for_another_owner(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "helga")
    data = b"---\ntitle: Parental leave\nstatus: published\n---\nUp to three years.\n"
    form = {"department": "hr"}
    response = post_upload(client, token, data, "parental-leave.md", **form)
    assert response.status_code == 303
    assert "waiting for another content owner" in text_of(client.get(response.location))
    written = (content / "hr" / "parental-leave.md").read_text(encoding="utf-8")
    assert "status: review" in written
    sign_in_as(client, "hans")
    waiting = text_of(client.get("/manage/?department=hr"))
    assert "hr/parental-leave.md" in waiting
