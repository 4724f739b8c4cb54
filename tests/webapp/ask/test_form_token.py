"""A search counts as the ask form's (for deflection) only with the form's token."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.ask.form_token import HEADER, form_token, search_key


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


def served(client: FlaskClient, **headers: str) -> tuple[str | None, int]:
    """The proof of suggestions the answer to an ask search gives (None: none),
    and the id of that search."""
    answer = client.get("/api/search?q=vpn+broken&k=3&source=ask", headers=headers)
    assert answer.status_code == 200 and answer.get_json()["results"]
    token = answer.get_json().get("suggestions_token")
    return (str(token) if token is not None else None), int(answer.get_json()["search_id"])


def filer(client: FlaskClient, store: Store, csrf: str) -> Any:
    """Files a request through the JSON API; gives (suggestions_shown, went_on_anyway)."""

    def filed(**body: Any) -> tuple[bool, bool]:
        sent = {"query": f"VPN broken {len(store.list_requests())}", "department": "it", **body}
        response = client.post("/api/requests", json=sent, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 201, text_of(response)
        stored = store.get_request(response.get_json()["id"])
        assert (stored.suggestions_shown, stored.went_on_anyway) == (
            response.get_json()["suggestions_shown"],
            response.get_json()["went_on_anyway"],
        )
        return stored.suggestions_shown, stored.went_on_anyway

    return filed


def test_suggestions_shown_is_the_server_s_word_not_the_client_s(
    client: FlaskClient, store: Store, people: Any
) -> None:
    """`suggestions_shown` (and so `went_on_anyway`) was whatever the client
    sent: a request could claim suggestions that were never served. A forged
    value now changes nothing; only the server's proof of an ask search that
    served the filer suggestions makes them shown."""
    filed = filer(client, store, sign_in_as(client, "emma"))
    forged = {"suggestions_shown": True, "went_on_anyway": True}
    assert filed(**forged) == (False, False)
    assert filed(**forged, suggestions_token="made-up") == (False, False)
    # An ordinary search (no ask form's token) serves no proof.
    assert served(client)[0] is None
    token, asked = served(client, **{HEADER: ask_token(client)})
    assert token is not None
    assert filed(suggestions_token=token, search_id=asked, went_on_anyway=True) == (True, True)
    assert filed(suggestions_token=token, search_id=asked, suggestions_shown=False) == (
        True,
        False,
    )
    # Another account's proof says nothing about this one.
    other = client.application.test_client()
    sign_in_as(other, "olga")
    olga, olga_asked = served(other, **{HEADER: ask_token(other)})
    assert olga is not None
    assert filed(**forged, suggestions_token=olga, search_id=olga_asked) == (False, False)
    # The ask form: its `suggestions_shown` holds the proof, a "1" is nothing.
    page = text_of(client.get("/ask/?q=vpn"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None and 'name="suggestions_shown" value=""' in page
    form = {"csrf_token": csrf.group(1), "query": "VPN down", "department": "it"}
    for shown, expected in (("1", False), (olga, False), (token, True)):
        sent = {**form, "suggestions_shown": shown, "search_id": str(asked)}
        sent["idempotency_key"] = str(uuid.uuid4())
        assert client.post("/ask/", data=sent).status_code == 303
        newest = max(store.list_requests(requester="emma"), key=lambda r: r.id)
        assert (newest.suggestions_shown, newest.went_on_anyway) == (expected, expected)


def test_a_token_of_one_search_marks_no_request_from_another(
    client: FlaskClient, store: Store, people: Any
) -> None:
    """The proof was the account's alone: one ask search that served
    suggestions let every request the person filed within `session_hours`,
    from any search or none, claim suggestions shown. It now names the search
    that served them, and counts only for a request from that search."""
    filed = filer(client, store, sign_in_as(client, "emma"))
    form = ask_token(client)
    first, first_id = served(client, **{HEADER: form})
    second, second_id = served(client, **{HEADER: form})
    plain = client.get("/api/search?q=vpn").get_json()["search_id"]
    assert first is not None and second is not None and first_id != second_id
    # Replayed onto another search's request, or onto one from no search: nothing.
    assert filed(suggestions_token=first, search_id=second_id) == (False, False)
    assert filed(suggestions_token=first, search_id=plain, went_on_anyway=True) == (
        False,
        False,
    )
    assert filed(suggestions_token=first) == (False, False)
    assert filed(suggestions_token=first, search_ref="made-up") == (False, False)
    # Each proof counts for its own search.
    assert filed(suggestions_token=first, search_id=first_id) == (True, False)
    assert filed(suggestions_token=second, search_id=second_id) == (True, False)


def test_a_form_opened_from_a_search_proves_suggestions_for_that_search(
    client: FlaskClient, store: Store, people: Any
) -> None:
    """ "Ask" on a results page opens the form for that search: the request names
    it, and the suggestions the form served while the need was described count
    for it; a form opened from one search proves nothing for another."""
    filed = filer(client, store, sign_in_as(client, "emma"))
    searched = client.get("/api/search?q=vpn").get_json()["search_id"]
    other = client.get("/api/search?q=printer").get_json()["search_id"]
    page = text_of(client.get(f"/ask/?q=vpn&sid={searched}"))
    found = re.search(r'data-ask-token="([^"]+)"', page)
    assert found is not None
    token, asked = served(client, **{HEADER: found.group(1)})
    assert token is not None
    assert filed(suggestions_token=token, search_id=searched) == (True, False)
    assert filed(suggestions_token=token, search_id=asked) == (True, False)
    assert filed(suggestions_token=token, search_id=other) == (False, False)
    # A form opened without a search proves nothing for that search.
    bare, _ = served(client, **{HEADER: ask_token(client)})
    assert filed(suggestions_token=bare, search_id=searched) == (False, False)


def test_a_search_is_named_by_its_id_or_a_digest_of_its_reference() -> None:
    assert search_key(12, "ignored") == search_key("12") == "id:12"
    assert search_key(None, "") == search_key("0") == search_key("x1") == ""
    one, two = search_key(None, "ref-one"), search_key("", "ref-two")
    assert one.startswith("ref:") and len(one) == 36 and one != two
