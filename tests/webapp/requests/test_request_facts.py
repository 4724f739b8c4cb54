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
    ivan = sign_in_as(client, "ivan")
    post_request_form(client, ivan, request_id, "resolve", resolution="Update the client.")
    sign_in_as(client, "emma")
    assert assignee_fact(text_of(client.get(f"/requests/{request_id}"))) == "nobody"
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert assignee_fact(german) == "niemanden"
