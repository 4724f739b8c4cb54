"""A request that waits for its requester is announced in the menu of every
page and on top of My requests (review h106: an agent's question put a request
in "Waiting for you", and nothing the employee saw in the app said so unless
they opened My requests and found its row, perhaps on a later page; without
e-mail set up they never knew)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.errors import StoreUnavailableError
from kb.requests.service import RequestService
from tests.support import sign_in_as, text_of
from tests.webapp.requests.test_page_forms import act, file

pytestmark = pytest.mark.usefixtures("people")


def menu_link(page: str) -> str:
    """The menu's link to My requests, up to its end."""
    found = re.search(r'<a href="/requests/"[^>]*>.*?</a>', page, re.S)
    assert found is not None
    return found.group(0)


def ask_and_wait(client: FlaskClient) -> int:
    """Emma files a request; Ivan asks her something and waits for her."""
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, request_id, "comment", text="Which client version?")
    act(client, ivan, request_id, "status", status="waiting_for_requester", note="")
    return request_id


def test_the_menu_and_my_requests_say_what_waits_for_the_requester(
    client: FlaskClient,
) -> None:
    other = file(client)  # not waiting: not announced
    request_id = ask_and_wait(client)
    emma = sign_in_as(client, "emma")

    link = menu_link(text_of(client.get("/")))
    assert '<span class="nav-count" aria-hidden="true">1</span>' in link
    assert "(1 waiting for your answer)" in link  # what a screen reader hears

    mine = text_of(client.get("/requests/"))
    waiting = mine.split('<section class="waiting-for-you"', 1)[1].split("</section>", 1)[0]
    assert "1 request is waiting for your answer" in waiting
    assert f'href="/requests/{request_id}#reply"' in waiting
    assert f"/requests/{other}" not in waiting

    act(client, emma, request_id, "comment", text="Version 6.1")  # back to the department
    assert "nav-count" not in menu_link(text_of(client.get("/")))
    assert "waiting-for-you" not in text_of(client.get("/requests/"))


def test_the_announcement_speaks_german(client: FlaskClient) -> None:
    ask_and_wait(client)
    sign_in_as(client, "emma")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    assert "(1 wartet auf Ihre Antwort)" in menu_link(text_of(client.get("/")))
    assert "1 Anfrage wartet auf Ihre Antwort" in text_of(client.get("/requests/"))


def test_others_and_visitors_see_no_count(client: FlaskClient) -> None:
    ask_and_wait(client)
    sign_in_as(client, "olga")
    assert "nav-count" not in text_of(client.get("/"))
    sign_in_as(client, "ivan")  # the agent waits on Emma, not on himself
    assert "nav-count" not in text_of(client.get("/"))


def test_pages_are_shown_when_the_count_cannot_be_read(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask_and_wait(client)
    sign_in_as(client, "emma")

    def down(*_args: Any, **_kwargs: Any) -> None:
        raise StoreUnavailableError("database is down", details={})

    monkeypatch.setattr(RequestService, "page_mine", down)
    page = client.get("/")
    assert page.status_code == 200 and "nav-count" not in text_of(page)
