"""A search counts as the ask form's (for deflection) only with the form's token."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.ask.form_token import HEADER, form_token


def ask_token(client: FlaskClient) -> str:
    page = text_of(client.get("/ask/?q=vpn"))
    found = re.search(r'data-ask-token="([^"]+)"', page)
    assert found is not None, "the ask form carries no token"
    return found.group(1)


def source_of(store: Store, client: FlaskClient, **headers: str) -> str | None:
    before = len(store.search_events())
    response = client.get("/api/search?q=vpn+broken&k=3&source=ask", headers=headers)
    assert response.status_code == 200
    events = store.search_events()
    assert len(events) == before + 1  # answered and logged either way
    return events[-1].filters.get("source")


def test_source_ask_counts_only_with_the_ask_forms_token_of_the_searcher(
    client: FlaskClient, store: Store, people: Any
) -> None:
    """`source=ask` alone (an API client, a link to /api/search on any page)
    added ask sessions, and with a click deflected people, that never saw the
    ask form: insights' deflection figures were the client's to write."""
    sign_in_as(client, "emma")
    assert source_of(store, client) is None
    assert source_of(store, client, **{HEADER: "made-up"}) is None
    token = ask_token(client)
    assert source_of(store, client, **{HEADER: token}) == "ask"
    # Another page that makes the browser search says nothing of the ask form.
    assert source_of(store, client, **{HEADER: token, "Sec-Fetch-Site": "cross-site"}) is None
    # Another account's token, or a token without an account, proves nothing.
    other = client.application.test_client()
    sign_in_as(other, "olga")
    assert source_of(store, other, **{HEADER: token}) is None
    assert source_of(store, client.application.test_client(), **{HEADER: token}) is None


def test_a_token_older_than_a_session_proves_nothing(
    client: FlaskClient,
    store: Store,
    people: Any,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in_as(client, "emma")
    hours = settings.session_hours
    then = int(time.time() - hours * 3600 - 60)
    emma = store.get_user("emma")
    assert emma is not None
    with client.application.app_context(), monkeypatch.context() as past:
        past.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        token = form_token(emma)
    assert source_of(store, client, **{HEADER: token}) is None
    assert source_of(store, client, **{HEADER: ask_token(client)}) == "ask"


def test_going_on_anyway_needs_suggestions_shown(
    client: FlaskClient, store: Store, people: Any
) -> None:
    """Both are the client's word (kept on the request, counted in no figure);
    going on anyway without any suggestion is bounded away."""
    token = sign_in_as(client, "emma")
    body = {"query": "VPN broken", "department": "it", "went_on_anyway": True}
    response = client.post("/api/requests", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, text_of(response)
    assert response.get_json()["went_on_anyway"] is False
    body = {**body, "query": "VPN broken again", "suggestions_shown": True}
    response = client.post("/api/requests", json=body, headers={"X-CSRF-Token": token})
    assert response.get_json()["went_on_anyway"] is True
