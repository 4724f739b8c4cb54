"""The insights pages say which requests a figure counts, where two figures
that look alike count different requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from kb.requests.records import Request
from kb.store.protocols import Store
from tests.support import sign_in_as


@pytest.fixture
def analyst(client: FlaskClient, store: Store) -> FlaskClient:
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    return client


@pytest.mark.parametrize(
    ("lang", "now_note", "rating_note"),
    [
        (
            "en",
            "count every request open today, whatever its filing date",
            "Rating: ratings of the requests filed in this period.",
        ),
        (
            "de",
            "zählen jede heute offene Anfrage, gleich wann sie gestellt wurde",
            "Bewertung: Bewertungen der im Zeitraum gestellten Anfragen.",
        ),
    ],
)
def test_the_requests_page_says_open_now_is_not_limited_to_the_period(
    analyst: FlaskClient, store: Store, lang: str, now_note: str, rating_note: str
) -> None:
    """Finance showed no request filed in the period, yet one open and one
    overdue; and its rating differed from the overview's without a word why."""
    filed = datetime.now(UTC) - timedelta(days=60)  # before the period, still open
    store.create_request(Request(requester="r1", query="invoice", department="it", created=filed))
    html = analyst.get(f"/insights/requests?hl={lang}").get_data(as_text=True)
    assert now_note in html
    assert rating_note in html


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Ratings given in this period, whatever the request&#39;s filing date."),
        ("de", "Im Zeitraum abgegebene Bewertungen, gleich wann die Anfrage gestellt wurde."),
    ],
)
def test_the_overview_says_its_rating_counts_ratings_given_in_the_period(
    analyst: FlaskClient, lang: str, note: str
) -> None:
    html = analyst.get(f"/insights/?hl={lang}").get_data(as_text=True)
    card = html.split('data-figure="average_rating"', 1)[1].split("</li>", 1)[0]
    assert note in card
