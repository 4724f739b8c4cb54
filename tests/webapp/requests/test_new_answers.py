"""A reply from the department is announced without e-mail: a second badge in
the menu, "New answer" on the request's row in My requests and `new_answer`
in the API's list of one's own requests, until the requester opens the
request; internal notes never count, and nobody else opening it clears it."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.requests.test_page_forms import act, file

pytestmark = pytest.mark.usefixtures("people")


def menu_link(page: str) -> str:
    """The menu's link to My requests, up to its end."""
    found = re.search(r'<a href="/requests/"[^>]*>.*?</a>', page, re.S)
    assert found is not None
    return found.group(0)


def row_of(page: str, request_id: int) -> str:
    """The row of My requests that links to the request."""
    found = re.search(rf'<tr>(?:(?!</tr>).)*href="/requests/{request_id}".*?</tr>', page, re.S)
    assert found is not None
    return found.group(0)


def own_list(client: FlaskClient) -> dict[int, bool]:
    listed = client.get("/api/requests?mine=1").get_json()["requests"]
    return {item["id"]: item["new_answer"] for item in listed}


def test_a_reply_is_announced_until_the_requester_opens_the_request(
    client: FlaskClient,
) -> None:
    other = file(client)
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, request_id, "comment", text="Which client version?")
    client.get(f"/requests/{request_id}")  # the agent opening it clears nothing
    sign_in_as(client, "olga")  # someone else: nothing to announce
    assert "nav-new" not in text_of(client.get("/"))

    sign_in_as(client, "emma")
    link = menu_link(text_of(client.get("/")))
    assert '<span class="nav-new" aria-hidden="true">1 new</span>' in link
    assert "(1 with a new answer)" in link  # what a screen reader hears
    mine = text_of(client.get("/requests/"))
    assert '<span class="new-answer">New answer</span>' in row_of(mine, request_id)
    assert "new-answer" not in row_of(mine, other)
    assert own_list(client) == {request_id: True, other: False}

    assert client.get(f"/requests/{request_id}").status_code == 200

    assert "nav-new" not in text_of(client.get("/"))
    assert "new-answer" not in text_of(client.get("/requests/"))
    assert own_list(client) == {request_id: False, other: False}


def test_opening_the_request_through_the_api_clears_it_too(client: FlaskClient) -> None:
    request_id = file(client)
    act(client, sign_in_as(client, "ivan"), request_id, "comment", text="Restart, please.")
    sign_in_as(client, "emma")
    assert own_list(client) == {request_id: True}
    assert client.get(f"/api/requests/{request_id}").status_code == 200
    assert own_list(client) == {request_id: False}


def test_an_internal_note_is_no_answer(client: FlaskClient) -> None:
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, request_id, "comment", text="Their manager asked too.", internal="1")
    sign_in_as(client, "emma")
    assert "nav-new" not in text_of(client.get("/"))
    assert own_list(client) == {request_id: False}


def test_the_notice_speaks_german(client: FlaskClient) -> None:
    request_id = file(client)
    act(client, sign_in_as(client, "ivan"), request_id, "comment", text="Welche Version?")
    sign_in_as(client, "emma")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    link = menu_link(text_of(client.get("/")))
    assert "1 neu</span>" in link and "(1 mit neuer Antwort)" in link
    assert '<span class="new-answer">Neue Antwort</span>' in text_of(client.get("/requests/"))


def test_an_answer_given_again_is_not_shown_with_the_stars_of_the_one_before(
    client: FlaskClient,
) -> None:
    """A requester rated an answer, reopened the request and got another answer;
    the page showed the earlier stars and comment under the new answer, and My
    requests its stars, as if the new answer had been rated. It asks again."""
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    assert act(client, ivan, request_id, "resolve", resolution="Restart it.").status_code == 303
    emma = sign_in_as(client, "emma")
    assert act(client, emma, request_id, "rating", rating="2", comment="No use").status_code == 303
    assert "Rated 2 of 5: “No use”" in text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert "rating-shown" in row_of(text_of(client.get("/requests/?hl=en")), request_id)
    reopened = act(client, emma, request_id, "status", status="in_progress", note="Still")
    assert reopened.status_code == 303
    ivan = sign_in_as(client, "ivan")
    answer = act(client, ivan, request_id, "resolve", resolution="Update the client to 6.2.")
    assert answer.status_code == 303
    emma = sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert "Update the client to 6.2." in page and "Rated 2 of 5" not in page
    assert 'value="2" checked' not in page and ">No use</textarea>" not in page
    assert "rating-shown" not in row_of(text_of(client.get("/requests/?hl=en")), request_id)
    assert act(client, emma, request_id, "rating", rating="5", comment="").status_code == 303
    assert "Rated 5 of 5" in text_of(client.get(f"/requests/{request_id}?hl=en"))
