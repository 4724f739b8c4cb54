"""A form the server could not take now loses nothing typed (review h106: a
request or a reply sent while the database was busy, over a rate limit, or met
by an error, was answered by the bare error page "Search is not available right
now" with a link to the search; the text was gone from the page, and the
browser tab's draft was dropped as if the form had been taken).

Such a form is answered with "Your form was not sent": why, what was typed, the
way back to the form, and the tab's drafts kept (`kb-drafts` = `keep`). The
status and Retry-After stay those of the error; the JSON API is unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

import webapp.ask.routes
from kb.errors import StoreUnavailableError
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.auth.test_drafts import REPLY, SITE, post_reply, typed_boxes
from tests.webapp.requests.test_page_forms import file

pytestmark = pytest.mark.usefixtures("people")

QUESTION = "Printer on floor 2 jams"
DETAILS = "It jams on every duplex job since Monday,\nwhatever the paper tray."


def busy(*_args: Any, **_kwargs: Any) -> None:
    raise StoreUnavailableError("database is locked", details={})


def post_ask(client: FlaskClient, token: str, **headers: str) -> Any:
    form = {"query": QUESTION, "description": DETAILS, "department": "it", "csrf_token": token}
    return client.post("/ask/", data=form, headers={"Referer": f"{SITE}/ask/?q=Printer", **headers})


def test_a_request_sent_while_the_database_is_busy_keeps_its_text(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sign_in_as(client, "emma")
    monkeypatch.setattr(webapp.ask.routes, "file_with_attachments", busy)

    response = post_ask(client, token)

    assert response.status_code == 503 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "10"
    assert response.headers["Cache-Control"] == "no-store"
    shown = text_of(response)
    assert "Your form was not sent" in shown and "Search is not available" not in shown
    assert "The database is not available right now" in shown
    assert typed_boxes(shown) == [QUESTION, DETAILS]
    assert '<meta name="kb-drafts" content="keep">' in shown
    assert 'href="/ask/?q=Printer"' in shown and "Back to the form" in shown
    assert not store.list_requests()  # nothing was filed


def test_a_reply_met_by_an_error_keeps_its_text_in_the_readers_language(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id = file(client)
    token = sign_in_as(client, "emma")

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(RequestService, "comment", broken)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"

    response = post_reply(client, request_id, token)

    assert response.status_code == 500
    shown = text_of(response)
    assert "Ihr Formular wurde nicht gesendet" in shown
    assert "Der Server konnte Ihre Anfrage nicht ausführen." in shown and "boom" not in shown
    assert typed_boxes(shown) == [REPLY]
    assert f'href="/requests/{request_id}"' in shown


def test_a_request_over_the_rate_limit_keeps_its_text(make_app: Any) -> None:
    from kb.accounts.service import add_user
    from webapp.services import services

    app = make_app(ask_limit="1 per hour")
    add_user(services(app).store, "olga", "employee")
    client = app.test_client()
    token = sign_in_as(client, "olga")
    assert post_ask(client, token).status_code == 303

    response = post_ask(client, token)

    assert response.status_code == 429 and response.headers["Retry-After"]
    shown = text_of(response)
    assert "Your form was not sent" in shown and typed_boxes(shown) == [QUESTION, DETAILS]


def test_pages_asked_for_keep_the_plain_error_page(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_as(client, "emma")
    monkeypatch.setattr(RequestService, "page_mine", busy)
    page = client.get("/requests/")
    assert page.status_code == 503 and "Your form was not sent" not in text_of(page)
    assert "This page is not available right now" in text_of(page)  # not "Search is …"
