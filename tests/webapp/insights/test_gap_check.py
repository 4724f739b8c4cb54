"""A gap that no verification run has looked at says so, on the page and in the API."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from flask.testing import FlaskClient

from kb.insights.store import insights_store
from kb.store.protocols import Store
from tests.support import earlier_today, sign_in_as
from tests.webapp.insights.test_routes import topic_id  # noqa: F401 - a fixture, used by name


def _why(page: str) -> str:
    return page.split('class="gap-check"', 1)[1].split("</p>", 1)[0]


def test_a_gap_never_checked_says_so(
    client: FlaskClient,
    topic_id: int,  # noqa: F811 - the fixture: a gap of HR never checked
) -> None:
    """Until the scheduler's first check a new gap showed no status at all, and
    the API gave the default measure and empty shares as if they were findings."""
    sign_in_as(client, "anna")
    (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
    assert topic["check_status"] == "not_checked" and topic["checked_at"] is None
    (row,) = csv.DictReader(io.StringIO(client.get("/api/insights/gaps?format=csv").get_data(True)))
    assert row["check_status"] == "not_checked" and row["queries"] == "parking permit"
    assert "Not checked yet" in _why(client.get("/insights/gaps?hl=en").get_data(as_text=True))
    german = client.get("/insights/gaps?hl=de").get_data(as_text=True)
    assert "Noch nicht geprüft" in _why(german)


def test_a_checked_gap_says_what_the_check_found(
    client: FlaskClient,
    store: Store,
    topic_id: int,  # noqa: F811 - the fixture
) -> None:
    gaps = insights_store(store)
    gaps.save_topic(
        replace(
            gaps.topic(topic_id),
            answered_before=0.0,
            answered_after=0.2,
            checked_at=earlier_today(),
        )
    )
    sign_in_as(client, "anna")
    (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
    assert topic["check_status"] == "checked"
    why = _why(client.get("/insights/gaps?hl=en").get_data(as_text=True))
    assert "Not checked yet" not in why and "the current articles answer 20 %" in why
