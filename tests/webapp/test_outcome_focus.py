"""After a post, the focus goes to what it led to, without a script: a refused form's
message (or its summary) takes the focus (`autofocus` on a `tabindex=-1` alert) and
is read with the fields it is about (`aria-describedby`); a form that went through
leads to a page whose note takes the focus (unless the address names a place, such
as `#reply`, where the browser goes instead)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.auth.test_routes import form_token

pytestmark = pytest.mark.usefixtures("people")


def tag(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found is not None, pattern
    return found[0]


def takes_focus(element: str) -> bool:
    return 'tabindex="-1"' in element and "autofocus" in element


def test_a_refused_sign_in_marks_both_fields_with_the_message(
    client: FlaskClient, store: Store
) -> None:
    add_user(store, "paula", "employee", password="correct horse")
    token = form_token(text_of(client.get("/auth/sign-in")))
    data = {"username": "paula", "password": "wrong horse", "csrf_token": token}
    page = text_of(client.post("/auth/sign-in", data=data))
    assert 'id="sign-in-error"' in tag(page, r'<p [^>]*role="alert"[^>]*>')
    for field in ("username", "password"):
        element = tag(page, rf'<input id="{field}"[^>]*>')
        assert 'aria-invalid="true"' in element and 'aria-describedby="sign-in-error"' in element
    assert "autofocus" in tag(page, r'<input id="password"[^>]*>')  # read with the message


def test_a_search_the_page_cannot_run_names_its_box(client: FlaskClient) -> None:
    page = text_of(client.get("/?q=" + "long+" * 400))
    assert takes_focus(tag(page, r'<div id="search-error"[^>]*>'))
    box = tag(page, r'<input id="q"[^>]*>')
    assert 'aria-invalid="true"' in box and 'aria-describedby="search-error q-hint"' in box
    assert "aria-invalid" not in tag(text_of(client.get("/?q=vpn")), r'<input id="q"[^>]*>')


def test_a_refused_request_takes_the_focus_to_its_message(client: FlaskClient) -> None:
    token = sign_in_as(client, "emma")
    page = text_of(
        client.post("/ask/", data={"csrf_token": token, "query": "", "department": "it"})
    )
    assert takes_focus(tag(page, r'<p id="ask-error"[^>]*>'))


def test_a_sent_request_leads_to_its_page_with_the_note_in_focus(client: FlaskClient) -> None:
    token = sign_in_as(client, "emma")
    sent = client.post(
        "/ask/",
        data={"csrf_token": token, "query": "VPN drops hourly", "department": "it"},
        follow_redirects=True,
    )
    page = text_of(sent)
    flashes = tag(page, r'<div class="flashes"[^>]*>')
    assert takes_focus(flashes) and 'role="status"' in flashes
    assert "has been sent" in page
    assert 'class="flashes"' not in text_of(client.get("/requests/"))  # shown once
