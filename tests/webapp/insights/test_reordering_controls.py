"""Search words shown back to analysts (questions, gap topics) and, as popular
searches, to everyone cannot reorder how pages show them: a search for
"parking \\u202etimrep" read as "parking permit" on the insights pages."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.events import PopularQuery, SearchEvent
from kb.insights.records import QuestionFigures, TopicText
from kb.store.protocols import Store
from tests.support import earlier_today, sign_in_as
from tests.webapp.insights.test_routes import save_gap

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SPOOF = "parking \u202etimrep"


def test_searches_are_logged_and_shown_to_analysts_without_controls(
    client: FlaskClient, store: Store, people: dict[str, Any]
) -> None:
    assert client.get("/api/search", query_string={"q": SPOOF}).status_code == 200
    assert [event.query for event in store.search_events()] == ["parking timrep"]
    for user in "abc":
        event = SearchEvent(
            query=SPOOF,
            answered=False,
            user=user,
            person=f"p-{user}",
            department="hr",
            ts=earlier_today(),
        )
        store.log_search(event)
    save_gap(store, SPOOF, label=SPOOF)
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    for url in ("/insights/", "/insights/gaps", "/api/insights/overview", "/api/insights/gaps"):
        response = client.get(url)
        assert response.status_code == 200, url
        shown = (
            json.dumps(response.get_json(), ensure_ascii=False)
            if response.is_json
            else response.get_data(as_text=True)
        )
        assert "parking timrep" in shown or "gaps" not in url, url
        assert not any(char in shown for char in CONTROLS), url


def test_texts_logged_before_are_read_back_without_controls() -> None:
    """Rows written before searches lost their controls are shown without them."""
    assert PopularQuery(text=SPOOF, answer_id="hr/a.md", people=3).text == "parking timrep"
    assert TopicText(1, SPOOF, 3, 3, 3).text == "parking timrep"
    figures = QuestionFigures(
        text="\u202e",
        department="hr",
        lang="en",
        searches=1,
        unanswered=1,
        unclicked=0,
        not_helpful=0,
        people=1,
    )
    assert figures.text == "U+202E"  # a text of controls alone stays a text
