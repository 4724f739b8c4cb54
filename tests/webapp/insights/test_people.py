"""Who the overview counts as people: signed-in accounts, signed-out searches apart."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask.testing import FlaskClient

from kb.insights.store import insights_store
from kb.store.protocols import Store
from tests.support import sign_in_as


def _overview_csv(client: FlaskClient) -> dict[str, str]:
    text = client.get("/api/insights/overview?format=csv&table=figures").get_data(as_text=True)
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text))}


def test_people_are_accounts_and_cookieless_searches_count_apart(
    client: FlaskClient, store: Store, people: dict[str, Any]
) -> None:
    """A bot without cookies searched five times and counted as five people; an
    employee on two browsers counted as two. Now people are signed-in accounts,
    and the bot's searches are signed-out searches, the same on the page, in
    the CSV and in the JSON."""
    app = client.application
    for n in range(5):  # a client that never keeps the cookie: a new browser each time
        app.test_client().get(f"/api/search?q=vpn+{n}")
    for _browser in range(2):
        browser = app.test_client()
        sign_in_as(browser, "emma")
        browser.get("/api/search?q=parking")
    events = store.search_events()
    assert len({e.user for e in events}) == 7  # seven browser ids
    assert [e.signed_in for e in events] == [False] * 5 + [True] * 2
    insights_store(store).refresh()
    sign_in_as(client, "ada")
    body = client.get("/api/insights/overview").get_json()
    assert (body["searches"], body["people"], body["signed_out_searches"]) == (7, 1, 5)
    figures = _overview_csv(client)
    assert (figures["people"], figures["signed_out_searches"]) == ("1", "5")
    page = client.get("/insights/?hl=en").get_data(as_text=True)
    card = page.split('data-figure="people"', 1)[1].split("</li>", 1)[0]
    assert "Signed-in people searching" in card and '<span class="figure-value">1</span>' in card
    out = page.split('data-figure="signed_out_searches"', 1)[1].split("</li>", 1)[0]
    assert "Searches while signed out" in out and '<span class="figure-value">5</span>' in out
    week = client.get("/api/insights/overview?by=week").get_json()["series"]
    assert sum(step["signed_out_searches"] for step in week) == 5
