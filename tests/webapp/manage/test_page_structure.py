"""The content owner's pages read without a browser and without a script
(`tests/webapp/page_audit.py`), and a refused save ties its message to the field
it names, takes the focus, and keeps the link picker (a script's helper) hidden."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_documents import PDF, put
from tests.webapp.manage.test_routes import form
from tests.webapp.page_audit import problems


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_manage_pages_are_well_formed(client: FlaskClient, lang: str) -> None:
    token = sign_in_as(client, "cora")
    saved = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, body="## Connect\n\nChoose Office.")
    )
    assert saved.status_code == 303
    found = []
    for path in (
        "/manage/?department=it",
        "/manage/new?department=it",
        "/manage/edit/it/vpn-setup.md",
        "/manage/history/it/vpn-setup.md",
        "/manage/diff/it/vpn-setup.md?a=1&b=2",
        "/manage/upload?department=it",
    ):
        joiner = "&" if "?" in path else "?"
        response = client.get(f"{path}{joiner}hl={lang}")
        assert response.status_code == 200, path
        found += [f"{path}: {p}" for p in problems(text_of(response), lang)]
    assert found == []


def audit(client: FlaskClient, path: str, lang: str) -> list[str]:
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}hl={lang}")
    assert response.status_code == 200, path
    return [f"{path}: {p}" for p in problems(text_of(response), lang)]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_document_history_pages_are_well_formed(client: FlaskClient, lang: str) -> None:
    """A document's history with earlier versions to restore, a refused restore's
    message, and the version waiting for review as its uploader (Withdraw) and as a
    second content owner (Approve, Reject) see it, with the list that names it."""
    cora = sign_in_as(client, "cora")
    assert put(client, cora, "it/policy.pdf", PDF).status_code == 201
    assert (
        put(client, cora, "it/policy.pdf", PDF + b"%2\n", **{"If-Match": '"1"'}).status_code == 200
    )
    found = audit(client, "/manage/document/it/policy.pdf", lang)
    stale = {"csrf_token": cora, "number": "1", "version": "1"}
    assert client.post("/manage/document-restore/it/policy.pdf", data=stale).status_code == 303
    found += audit(client, "/manage/document/it/policy.pdf", lang)  # with the refusal
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/leave.pdf", PDF).status_code == 202
    found += audit(client, "/manage/document/hr/leave.pdf", lang)
    found += audit(client, "/manage/?department=hr", lang)
    sign_in_as(client, "hans")
    found += audit(client, "/manage/document/hr/leave.pdf", lang)
    assert found == []


def test_a_refused_save_names_its_field_and_takes_the_focus(client: FlaskClient) -> None:
    token = sign_in_as(client, "cora")
    response = client.post("/manage/edit/it/vpn-setup.md", data=form(token, title=""))
    assert response.status_code == 400
    page = text_of(response)
    assert problems(page, "en") == []
    error = re.search(r'<p id="editor-error"[^>]*>', page)
    assert error is not None and 'role="alert"' in error[0] and "autofocus" in error[0]
    title = re.search(r'<input id="e-title"[^>]*>', page)
    assert title is not None
    assert 'aria-invalid="true"' in title[0] and 'aria-describedby="editor-error"' in title[0]
    summary = re.search(r'<input id="e-summary"[^>]*>', page)
    assert summary is not None and 'aria-describedby="e-summary-hint"' in summary[0]
    assert '<div class="link-picker" hidden>' in page  # editor.js shows it
