"""The facts at the top of a request's page say what stands now, open or done."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support import post_request_form, sign_in_as, text_of
from tests.webapp.requests.test_routes import ask_form, send

pytestmark = pytest.mark.usefixtures("people")


def assignee_fact(html: str) -> str:
    found = re.search(r"<dt>(?:Assigned to|Zugewiesen an)</dt><dd>([^<]*)</dd>", html)
    assert found is not None, "no assignee fact"
    return found.group(1)


def test_a_request_resolved_without_an_assignee_waits_for_nobody(client: FlaskClient) -> None:
    """ "nobody yet" promises someone to come; once resolved, nobody is to come."""
    sign_in_as(client, "emma")
    request_id = int(send(client, ask_form(client)).headers["Location"].rsplit("/", 1)[1])
    assert assignee_fact(text_of(client.get(f"/requests/{request_id}"))) == "nobody yet"
    # An admin who works no queue resolves it: not its department's, so not its assignee.
    ada = sign_in_as(client, "ada")
    post_request_form(client, ada, request_id, "resolve", resolution="Update the client.")
    sign_in_as(client, "emma")
    assert assignee_fact(text_of(client.get(f"/requests/{request_id}"))) == "nobody"
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert assignee_fact(german) == "niemanden"


def test_an_agent_who_resolves_an_unassigned_request_holds_it(client: FlaskClient) -> None:
    """The answer's author was nowhere on the page, and the request stayed nobody's."""
    sign_in_as(client, "emma")
    request_id = int(send(client, ask_form(client)).headers["Location"].rsplit("/", 1)[1])
    ivan = sign_in_as(client, "ivan")
    answer = post_request_form(client, ivan, request_id, "resolve", resolution="Update it.")
    assert answer.status_code == 303
    page = text_of(client.get(f"/requests/{request_id}"))
    assert assignee_fact(page) == "ivan"
    assert "assigned it to ivan" in page  # in the history, for those who work it
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert assignee_fact(page) == "ivan"
    assert '<span class="resolved-by">by ivan</span>' in page
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert '<span class="resolved-by">von ivan</span>' in german
