"""Every page names a person by the display name of their account, the
username in the name's `title` (`webapp.people`): the queue, its task list,
the request page and its history, and the content owners' pages."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")

CARL = '<span class="person" title="carl">Carl &lt;Kühn&gt;</span>'
JANA = '<span class="person" title="jana">Jana Fischer</span>'


def row_of(page: str, request_id: int) -> str:
    found = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*?/requests/{request_id}".*?</tr>', page, re.S)
    assert found is not None, page
    return found.group(0)


def test_the_queue_and_the_request_page_name_people_by_their_display_name(
    client: FlaskClient, store: Store
) -> None:
    """The request page named the requester and a task's holder by display name,
    the queue, the assignee field, the history and the watchers by username."""
    add_user(store, "carl", "agent", "it", display_name="Carl <Kühn>")
    add_user(store, "jana", "employee", display_name="Jana Fischer")
    service = services(client.application).requests
    ivan = store.get_user("ivan")
    carl = store.get_user("carl")
    assert ivan is not None and carl is not None
    made = service.submit(User(username="jana"), "The VPN drops every hour", department="it")
    assert made.id is not None
    service.assign(ivan, made.id, "carl")
    service.watch(ivan, made.id, "carl")
    service.comment(carl, made.id, "Which client version do you use?")
    stream = service.submit(User(username="jana"), "New hire", workflow="onboarding")
    assert stream.id is not None
    service.holders.take_task(carl, stream.id, 2)

    sign_in_as(client, "ivan")
    queue = text_of(client.get("/requests/queue/it?hl=en"))
    row = row_of(queue, made.id)
    assert f'<span class="hint">{JANA}</span>' in row  # the requester
    assert f">{CARL}</td>" in row  # the assignee column
    assert '<option value="carl">Carl &lt;Kühn&gt;</option>' in queue  # the bulk assignee
    assert "taken by Carl &lt;Kühn&gt;" in queue  # the task list
    page = text_of(client.get(f"/requests/{made.id}?hl=en"))
    assert f"<dd>{JANA}</dd>" in page and f"<dd>{CARL}</dd>" in page  # asked by, assignee
    assert f"<strong>{CARL}</strong>" in page  # who wrote the reply
    assert "assigned it to Carl &lt;Kühn&gt;" in page  # the history
    assert f'<li>{CARL}<form method="post"' in page.replace("\n", "").replace("  ", "")
    assert '<option value="carl" selected>Carl &lt;Kühn&gt;</option>' in page
    assert '<option value="ivan">ivan</option>' in page  # no display name: the username
