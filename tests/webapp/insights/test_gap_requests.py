"""A gap's request count leads to those requests where the reader may go."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.events import SearchEvent
from kb.requests.records import Request
from kb.store.protocols import Store
from tests.support import earlier_today, sign_in_as
from tests.webapp.insights.test_routes import save_gap

FIND = re.compile(r'<a class="gap-find-requests" href="([^"]+)">([^<]+)<')


@pytest.fixture
def asked(store: Store, people: dict[str, Any]) -> None:
    """A topic of HR whose question two requests asked, one of them resolved."""
    add_user(store, "anna", "analyst", None)
    now = datetime.now(UTC)
    for i in range(2):
        store.create_request(
            Request(
                requester=f"r{i}",
                query="Parking permit",
                department="hr",
                created=now - timedelta(hours=3 + i),
                resolved_at=now - timedelta(hours=1) if i == 0 else None,
                status="resolved" if i == 0 else "new",
            )
        )
    for user in "abc":
        store.log_search(
            SearchEvent(
                query="parking permit",
                answered=False,
                user=user,
                person=f"address-{user}",
                department="hr",
                ts=earlier_today(),
            )
        )
    save_gap(store, "parking permit", label="parking permit")


def test_the_count_leads_to_the_queue_for_who_may_read_it(client: FlaskClient, asked: None) -> None:
    """ "2 (1 resolved)" led nowhere: an admin, who may read HR's queue, found
    no way from the count to the requests it counts."""
    sign_in_as(client, "ada")
    page = client.get("/insights/gaps?hl=en").get_data(as_text=True)
    assert "2 (1 resolved)" in page
    ((href, text),) = FIND.findall(page)
    url = urlsplit(unescape(href))
    assert url.path == "/requests/queue/hr" and parse_qs(url.query)["q"] == ["parking permit"]
    assert text == "Search the Human Resources queue for them"
    found = client.get(unescape(href)).get_data(as_text=True)
    assert found.count("Parking permit") >= 2


def test_an_analyst_who_may_not_read_the_queue_gets_the_count_alone(
    client: FlaskClient, asked: None
) -> None:
    sign_in_as(client, "anna")
    page = client.get("/insights/gaps?hl=en").get_data(as_text=True)
    assert "2 (1 resolved)" in page and not FIND.findall(page)
    assert client.get("/requests/queue/hr").status_code == 403
