"""A form sent after its session ended loses nothing typed (issue h81: pressing
Send after signing out in another tab, or past `session_hours`, redirected to the
sign-in page and the long reply was gone).

The form is never applied; the answer is a page that says so, shows what was
typed (never a password or a token), keeps the browser's drafts
(`kb-drafts` = `keep`, for `static/drafts.js`) and leads to the sign-in page
and back to the form's page.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.requests.test_page_forms import file
from webapp.auth.drafts import draft_owner

pytestmark = pytest.mark.usefixtures("people")

REPLY = "The VPN drops every hour on the hour,\nsince the update of Monday."
SITE = "http://localhost"


def reply_page(client: FlaskClient) -> tuple[int, str, str]:
    """Emma files a request and opens it: its id, the page and her CSRF token."""
    request_id = file(client)
    token = sign_in_as(client, "emma")
    return request_id, text_of(client.get(f"/requests/{request_id}")), token


def post_reply(client: FlaskClient, request_id: int, token: str) -> object:
    return client.post(
        f"/requests/{request_id}/comment",
        data={"text": REPLY, "version": "1", "csrf_token": token},
        headers={"Referer": f"{SITE}/requests/{request_id}"},
    )


def typed_boxes(page: str) -> list[str]:
    """The read-only boxes of the page that shows what was typed."""
    return [
        html.unescape(t)
        for t in re.findall(r"<textarea [^>]*readonly[^>]*>(.*?)</textarea>", page, re.S)
    ]


def test_a_reply_sent_after_sign_out_elsewhere_is_kept_not_lost(
    client: FlaskClient, store: Store
) -> None:
    request_id, page, token = reply_page(client)
    assert 'id="reply" data-draft="' in page  # drafts.js keeps what is typed here
    store.end_sessions("emma")  # signed out in another tab

    response = post_reply(client, request_id, token)

    assert response.status_code == 401 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    shown = text_of(response)
    assert "Your form was not sent" in shown and "Your session ended" in shown
    assert typed_boxes(shown) == [REPLY]
    assert '<meta name="kb-drafts" content="keep">' in shown
    assert f'href="/auth/sign-in?next=/requests/{request_id}"' in shown
    assert store.get_request(request_id).version == 1  # nothing was applied


def test_an_internal_note_is_shown_back_under_its_own_label(
    client: FlaskClient, store: Store
) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    store.end_sessions("ivan")
    data = {"text": "Asked the network team", "internal": "1", "version": "1"}
    shown = text_of(
        client.post(f"/requests/{request_id}/comment", data={**data, "csrf_token": token})
    )
    assert re.search(r"<label [^>]*>Internal note</label>", shown), shown
    assert "Your reply" not in shown and typed_boxes(shown) == ["Asked the network team"]


def test_a_form_sent_past_session_hours_is_kept(client: FlaskClient) -> None:
    token = sign_in_as(client, "emma")
    with client.session_transaction() as session:
        session["kb_since"] = int(time.time()) - 13 * 3600  # session_hours is 12
    response = client.post(
        "/ask/",
        data={
            "query": "VPN drops",
            "description": "It drops every hour, on every network.",
            "csrf_token": token,
        },
        headers={"Referer": f"{SITE}/ask/?q=VPN+drops"},
    )
    assert response.status_code == 401
    shown = text_of(response)
    assert typed_boxes(shown) == ["VPN drops", "It drops every hour, on every network."]
    assert 'href="/auth/sign-in?next=/ask/?q%3DVPN%2Bdrops"' in shown


def test_a_form_of_an_earlier_session_goes_back_to_its_page(
    app: Flask, client: FlaskClient
) -> None:
    request_id, _, old_token = reply_page(client)
    sign_in_as(client, "emma")  # signed in again (another tab): a new token
    with client.session_transaction() as session:
        session["kb_csrf"] = "a-new-token"

    response = post_reply(client, request_id, old_token)

    assert response.status_code == 403
    shown = text_of(response)
    assert "This form has expired" in shown and typed_boxes(shown) == [REPLY]
    assert f'href="/requests/{request_id}">Back to the form' in shown  # still signed in


def test_passwords_and_tokens_are_never_shown_back(client: FlaskClient, store: Store) -> None:
    add_user(store, "paula", "employee", password="correct horse battery")
    client.get("/auth/sign-in")  # the session now holds a token
    response = client.post(
        "/auth/sign-in",
        data={
            "username": "paula",
            "password": "correct horse battery",
            "csrf_token": "a stale token with spaces",
            "next": "/requests/",
        },
    )
    assert response.status_code == 403
    shown = text_of(response)
    assert "This form has expired" in shown
    assert "correct horse" not in shown and "stale token" not in shown
    assert typed_boxes(shown) == []


def test_only_typed_prose_is_shown_back(client: FlaskClient) -> None:
    """A form's own controls (one word: versions, ids, choices) are not text to keep."""
    request_id, _, token = reply_page(client)
    with client.session_transaction() as session:
        session.clear()
    response = client.post(
        f"/requests/{request_id}/status",
        data={
            "status": "closed",
            "version": "3",
            "note": "Closing: fixed by the update",
            "csrf_token": token,
        },
    )
    assert response.status_code == 401
    assert typed_boxes(text_of(response)) == ["Closing: fixed by the update"]


def test_a_referrer_of_another_site_is_not_where_sign_in_leads(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    with client.session_transaction() as session:
        session.clear()
    response = client.post(
        "/ask/",
        data={"query": "VPN", "description": "Drops hourly, see above"},
        headers={"Referer": "https://elsewhere.example/ask/"},
    )
    assert response.status_code == 401
    assert 'href="/auth/sign-in?next=/ask/"' in text_of(response)


def test_pages_still_send_visitors_to_sign_in_and_the_api_answers_401(
    client: FlaskClient,
) -> None:
    assert client.get("/requests/").status_code == 303
    response = client.post("/api/requests", json={"query": "VPN drops hourly"})
    assert response.status_code == 401 and response.mimetype == "application/json"


def test_drafts_are_filed_under_a_key_of_the_person_not_their_name(
    app: Flask, client: FlaskClient, store: Store
) -> None:
    sign_in_as(client, "emma")
    page = text_of(client.get("/requests/"))
    found = re.search(r'<meta name="kb-draft-owner" content="([0-9a-f]+)">', page)
    assert found is not None
    with app.test_request_context():
        emma, olga = store.get_user("emma"), store.get_user("olga")
        assert emma is not None and olga is not None
        assert found.group(1) == draft_owner(emma) != draft_owner(olga)
        later = replace(emma, created=emma.created + timedelta(days=1))  # a freed name, given again
        assert draft_owner(later) != draft_owner(emma)
    assert "emma" not in found.group(1)
    sign_in_as(client, "emma")  # a new session: the same key, so her drafts come back
    assert found.group(0) in text_of(client.get("/requests/"))
    with client.session_transaction() as session:
        session.clear()
    assert "kb-draft-owner" not in text_of(client.get("/"))
