"""Votes on searches that were not logged count in insights: a vote that keeps
the words searched for (`feedback_events.query`) is one search of them in the
voted article's department, a failed question when voted not helpful, so it
joins the gap topics and the failed questions beside unanswered and unclicked
searches, on the page, in the API and in CSV, under the minimum-people rule."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.events import FeedbackEvent
from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import insights_store
from kb.store.protocols import Store
from tests.support import earlier_today, sign_in_as, text_of
from tests.webapp.insights.test_api import app  # noqa: F401 - the fixture, on both stores
from webapp.services import services


def vote(store: Store, words: str, person: str, *, helpful: bool = False) -> None:
    store.log_feedback(
        FeedbackEvent(
            article_id="hr/parking.md",
            helpful=helpful,
            query=words,
            person=person,
            user=f"browser-{person}",
            ts=earlier_today(),
        )
    )


@pytest.fixture
def voted(store: Store, people: dict[str, Any]) -> int:
    """Three people voted "not helpful" after searching "parking permit" (never
    logged), one "helpful"; one person's words held a phone number."""
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    for person in ("p1", "p2", "p3"):
        vote(store, "Parking  permit", person)
    vote(store, "parking permit", "p4", helpful=True)
    vote(store, "call me on +49 170 1234567 about parking", "p5")
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(GapTopic(label="parking permit", department="hr", centroid=np.ones(4)))
    gaps.save_gap_questions(
        [
            GapQuestion(
                text="parking permit", lang="", model="m", vector=np.ones(4), topic_id=topic.id
            )
        ]
    )
    assert topic.id is not None
    return topic.id


def test_a_vote_keeps_its_words_masked_and_who_voted_only_with_them(store: Store) -> None:
    vote(store, "my IBAN DE89370400440532013000 is wrong", "p1")
    store.log_feedback(FeedbackEvent(article_id="hr/a.md", helpful=True, person="p2", search_id=7))
    kept, linked = store.feedback_events()
    assert "DE89" not in kept.query and "[iban]" in kept.query and kept.person == "p1"
    assert (linked.query, linked.person) == ("", "")


def test_not_helpful_votes_are_failed_questions_of_the_articles_department(
    store: Store, voted: int
) -> None:
    today = earlier_today().date()
    rows = insights_store(store).questions(today, today + timedelta(days=1))
    figures = {q.text: q for q in rows}
    parking = figures["parking permit"]
    assert (parking.department, parking.searches, parking.not_helpful) == ("hr", 4, 3)
    assert (parking.unanswered, parking.unclicked, parking.people) == (0, 0, 3)
    assert "call me on [phone] about parking" in figures  # masked, one person: counted only
    only_it = insights_store(store).questions(today, today + timedelta(days=1), "it")
    assert only_it == []


def test_the_gaps_api_csv_and_page_show_them_by_department(client: FlaskClient, voted: int) -> None:
    sign_in_as(client, "anna")
    (topic,) = client.get("/api/insights/gaps?department=hr").get_json()["topics"]
    assert topic["id"] == voted and topic["queries"] == ["parking permit"]
    assert (topic["searches"], topic["people"], topic["department"]) == (4, 3, "hr")
    assert client.get("/api/insights/gaps?department=it").get_json()["topics"] == []
    table = list(csv.DictReader(io.StringIO(text_of(client.get("/api/insights/gaps?format=csv")))))
    assert [(r["label"], r["searches"]) for r in table] == [("parking permit", "4")]
    page = text_of(client.get("/insights/gaps?department=hr"))
    assert "parking permit" in page and "1234567" not in page


def test_a_vote_from_a_search_never_logged_counts_who_voted(
    app: Flask,  # noqa: F811 - the fixture imported above
    client: FlaskClient,
    people: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(event: Any) -> Any:
        raise RuntimeError("the search log is unavailable")

    monkeypatch.setattr(services(app).search_log, "submit", refused)
    sign_in_as(client, "emma")
    page = text_of(client.get("/?q=parking+permit"))
    link = re.search(r'<a class="result-link" href="(/articles/[^"#?]+)', page)
    assert link is not None
    form = text_of(client.get(link[1] + "?q=parking+permit"))
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    assert client.post(link[1] + "/feedback", data={**fields, "helpful": "no"}).status_code == 303
    (event,) = services(app).store.feedback_events()
    assert event.query == "parking permit" and len(event.person) == 32
