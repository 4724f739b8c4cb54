"""The /insights pages: figures, charts with their tables, gaps, assigning, German."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html import unescape as html_unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.events import SearchEvent
from kb.i18n.catalog import format_date
from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import insights_store
from kb.store.protocols import Store
from tests.support import earlier_today, log_ask_search, sign_in_as
from webapp.services import services


@pytest.fixture
def topic_id(store: Store, people: dict[str, Any]) -> int:
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    now = earlier_today()  # counted under today's date, whatever the hour
    for user in "abc":
        store.log_search(
            SearchEvent(
                query="parking permit",
                answered=False,
                user=user,
                person=f"address-{user}",
                department="hr",
                ts=now,
            )
        )
    store.log_search(
        SearchEvent(
            query="vpn", answered=True, user="d", department="it", ts=now, result_ids=["it/vpn.md"]
        )
    )
    return save_gap(store, "parking permit", label="parking permit")


def save_gap(store: Store, text: str, label: str) -> int:
    """A knowledge-gap topic of HR holding the failed question `text`."""
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(GapTopic(label=label, department="hr", centroid=np.ones(2)))
    gaps.save_gap_questions(
        [GapQuestion(text=text, lang="en", model="m", vector=np.ones(2), topic_id=topic.id)]
    )
    assert topic.id is not None
    return topic.id


def test_overview_shows_figures_and_charts_with_tables(client: FlaskClient, topic_id: int) -> None:
    sign_in_as(client, "anna")
    html = client.get("/insights/").get_data(as_text=True)
    assert 'data-figure="answered_rate"' in html and "25 %" in html
    assert html.count("<svg") == 4 and "<script>" not in html.split("</head>")[1]
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart"')
    ET.fromstring(html[start : html.index("</svg>", start) + 6])
    assert "Figures as a table" in html and "Searches by department" in html
    assert 'href="/insights/"' in html  # the navigation names the area


def test_the_pages_speak_german(client: FlaskClient, topic_id: int) -> None:
    sign_in_as(client, "anna")
    html = client.get("/insights/?hl=de").get_data(as_text=True)
    assert "Auswertung" in html and "Beantwortet" in html and "Suchen pro Tag" in html
    gaps = client.get("/insights/gaps?hl=de").get_data(as_text=True)
    assert "Wissenslücken" in gaps and "Zuweisen" in gaps


def test_chart_descriptions_speak_the_page_s_language(client: FlaskClient, topic_id: int) -> None:
    """Screen readers read each chart's description and the table's caption: on
    German pages they were English sentences around German titles."""
    sign_in_as(client, "anna")
    today = datetime.now(UTC).date()
    html = client.get(f"/insights/?hl=de&since={today}").get_data(as_text=True)
    descriptions = [part.split("</desc>", 1)[0] for part in html.split("<desc")[1:]]
    searches, answered, deflection, departments = (d.split(">", 1)[1] for d in descriptions)
    assert "Suchen pro Tag" in searches and "niedrigster Wert" in searches
    assert "lowest" not in searches and " from " not in searches
    assert "IT" in departments and " and " not in departments
    assert "Anfrageformular nach Vorschlag verlassen" in deflection
    empty = client.get("/insights/?hl=de&since=2020-01-01&until=2020-01-03").get_data(as_text=True)
    assert "Keine Daten in diesem Zeitraum" in empty and "no data" not in empty


def test_the_overview_shows_its_trend_per_iso_week_in_both_languages(
    client: FlaskClient, topic_id: int
) -> None:
    sign_in_as(client, "anna")
    monday = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday())
    since = monday - timedelta(days=9)  # a Saturday: the first week is cut to its weekend
    year, week, _ = monday.isocalendar()
    html = client.get(f"/insights/?since={since}&by=week").get_data(as_text=True)
    assert "Searches per week" in html and "Searches per day" not in html
    assert f'<th scope="row">{year}-W{week:02d}' in html and "(2 of 7 days)" in html
    assert '<th scope="col">Week</th>' in html and 'value="week" selected' in html
    assert "by=week" in html  # the tabs and the CSV link keep the choice
    assert "<script" not in html.split("</head>")[1] and "//cdn" not in html
    german = client.get(f"/insights/?since={since}&by=week&hl=de").get_data(as_text=True)
    assert "Suchen pro Woche" in german and "(2 von 7 Tagen)" in german
    assert '<th scope="col">Woche</th>' in german and "niedrigster Wert" in german
    daily = client.get(f"/insights/?since={since}&hl=en").get_data(as_text=True)
    assert "Searches per day" in daily and "by=week" not in daily  # links as before
    refused = client.get("/insights/?by=month&hl=en")
    assert refused.status_code == 400 and 'name="by" aria-invalid="true"' in refused.get_data(
        as_text=True
    )


def test_a_cut_week_is_drawn_apart_on_the_line_of_searches_only(
    client: FlaskClient, topic_id: int
) -> None:
    """A period starting on a Saturday counts two days of its first week: drawn
    on the line of searches per week as a point like the others, it read as a
    rise into the next week. It is marked with its days; its answered share
    compares as it is and stays a point of its line."""
    sign_in_as(client, "anna")
    monday = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday())
    since = monday - timedelta(days=9)  # a Saturday: the first week is cut to its weekend
    until = monday - timedelta(days=1)  # a whole week after it
    html = client.get(f"/insights/?since={since}&until={until}&by=week&hl=en")
    page = html.get_data(as_text=True)
    searches = page.split('id="searches-per-week"', 1)[1].split("</figure>", 1)[0]
    assert 'class="chart-note" ' in searches and ">2 of 7 days</text>" in searches
    assert "(2 of 7 days): only the days in the period are counted." in searches
    answered = page.split('id="answered-per-week"', 1)[1].split("</figure>", 1)[0]
    assert "chart-note" not in answered
    german = client.get(f"/insights/?since={since}&until={until}&by=week&hl=de")
    assert ">2 von 7 Tagen</text>" in german.get_data(as_text=True)
    daily = client.get(f"/insights/?since={since}&until={until}&hl=en").get_data(as_text=True)
    assert "chart-note" not in daily


def test_the_week_view_offers_a_csv_of_every_table_it_shows(
    client: FlaskClient, topic_id: int
) -> None:
    """The weekly view's one CSV button gave only the weekly table: the figures
    and the searches by department the page shows were in no download."""
    import csv
    import html as markup
    import io
    import re

    sign_in_as(client, "anna")
    since = datetime.now(UTC).date() - timedelta(days=13)
    page = client.get(f"/insights/?since={since}&by=week&hl=en").get_data(as_text=True)
    links = dict(
        (label, markup.unescape(href))
        for href, label in re.findall(
            r'<a class="button" href="([^"]+)" download>([^<]+)</a>', page
        )
    )
    assert set(links) == {
        "Figures (CSV)",
        "Figures per week (CSV)",
        "Searches by department (CSV)",
    }

    def table(label: str) -> list[list[str]]:
        response = client.get(links[label])
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return list(csv.reader(io.StringIO(response.get_data(as_text=True))))

    figures = table("Figures (CSV)")
    assert figures[0] == ["figure", "value", "previous", "change"] and figures[1][:2] == [
        "searches",
        "4",
    ]
    weeks = table("Figures per week (CSV)")
    assert weeks[0][:5] == ["label", "since", "until", "days", "searches"]
    assert all(re.fullmatch(r"\d{4}-W\d\d", row[0]) for row in weeks[1:])
    assert sum(int(row[4]) for row in weeks[1:]) == 4
    departments = table("Searches by department (CSV)")
    assert departments == [
        ["department", "name", "searches"],
        ["hr", "Human Resources", "3"],
        ["it", "IT Service Desk", "1"],
    ]
    daily = client.get(f"/insights/?since={since}&hl=en").get_data(as_text=True)
    assert "Figures per day (CSV)" in daily and "Figures per week (CSV)" not in daily
    sliced = client.get(f"/insights/?since={since}&department=hr&hl=en").get_data(as_text=True)
    assert "Searches by department (CSV)" not in sliced  # the page shows no such chart
    refused = client.get(f"/api/insights/overview?format=csv&table=pie&since={since}")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"]["field"] == "table"


def test_averages_are_written_with_the_page_s_decimal_mark(
    app: Flask, client: FlaskClient, topic_id: int
) -> None:
    """German pages showed the average rating, the median hours and the targets
    beside them as "4.5", with an English decimal point, where German readers
    write "4,5"."""
    from kb.accounts.records import Grant, Role, User

    service = services(app).requests
    erik = User(username="erik", display_name="Erik", grants=[Grant(role=Role.EMPLOYEE)])
    ivan = User(
        username="ivan", display_name="Ivan", grants=[Grant(role=Role.AGENT, department="it")]
    )
    for stars in (5, 4):
        request = service.submit(erik, f"printer question {stars}", department="it")
        assert request.id is not None
        service.resolve(ivan, request.id, "Restart it.")
        service.rate(erik, request.id, stars)
    sign_in_as(client, "anna")
    german = client.get("/insights/?hl=de").get_data(as_text=True)
    card = german.split('data-figure="average_rating"', 1)[1].split("</li>", 1)[0]
    assert "4,5" in card and "4.5" not in card
    requests_de = client.get("/insights/requests?hl=de").get_data(as_text=True)
    assert "4,5 von 5" in requests_de and "4.5" not in requests_de
    # The department's targets beside the medians read "Ziel 2.0 Arbeitsstunden".
    assert "Ziel 2,0 Arbeitsstunden" in requests_de and "Ziel 16,0 Arbeitsstunden" in requests_de
    english = client.get("/insights/requests?hl=en").get_data(as_text=True)
    assert "4.5" in english and "target 2.0 working hours" in english


def test_a_whole_average_is_written_with_the_page_s_decimal_mark(
    app: Flask, client: FlaskClient, topic_id: int
) -> None:
    """An average rating of exactly 5 (or 4) read "5.0" on German pages, with
    an English decimal point: only averages with a fraction were written the
    page's way."""
    from kb.accounts.records import Grant, Role, User

    service = services(app).requests
    erik = User(username="erik", display_name="Erik", grants=[Grant(role=Role.EMPLOYEE)])
    ivan = User(
        username="ivan", display_name="Ivan", grants=[Grant(role=Role.AGENT, department="it")]
    )
    for n in range(2):
        request = service.submit(erik, f"printer question {n}", department="it")
        assert request.id is not None
        service.resolve(ivan, request.id, "Restart it.")
        service.rate(erik, request.id, 4)
    sign_in_as(client, "anna")
    german = client.get("/insights/?hl=de").get_data(as_text=True)
    card = german.split('data-figure="average_rating"', 1)[1].split("</li>", 1)[0]
    assert '<span class="figure-value">4,0</span>' in card, card
    english = client.get("/insights/?hl=en").get_data(as_text=True)
    card = english.split('data-figure="average_rating"', 1)[1].split("</li>", 1)[0]
    assert '<span class="figure-value">4.0</span>' in card, card


def test_assigning_from_the_gaps_page(client: FlaskClient, topic_id: int) -> None:
    token = sign_in_as(client, "anna")
    html = client.get("/insights/gaps").get_data(as_text=True)
    assert "parking permit" in html and f'id="topic-{topic_id}"' in html
    response = client.post(
        f"/insights/gaps/{topic_id}/assign", data={"department": "it", "csrf_token": token}
    )
    assert response.status_code == 303
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    # Not "Assigned – Assigned to IT Service Desk", the status said twice.
    assert '<dd class="gap-status">Assigned to IT Service Desk</dd>' in after
    sign_in_as(client, "cora")
    owner = client.get("/insights/gaps").get_data(as_text=True)
    assert "parking permit" in owner and "gap-assign" not in owner  # sees it, may not assign


def test_a_gap_s_change_says_it_is_of_searches_against_the_previous_period(
    client: FlaskClient, topic_id: int
) -> None:
    """A gap listed "People 3, Searches 3, Change +3": a change of which figure,
    against what, the page did not say (it is of searches, against the period
    before)."""
    sign_in_as(client, "anna")
    for lang, label in (
        ("en", "Change in searches vs. previous period"),
        ("de", "Veränderung der Suchen ggü. Vorzeitraum"),
    ):
        html = client.get(f"/insights/gaps?hl={lang}").get_data(as_text=True)
        assert f"<dt>{label}</dt><dd>+3</dd>" in html, lang


def test_assigning_in_german_names_the_department_after_abteilung(
    client: FlaskClient, topic_id: int
) -> None:
    """ "Thema an IT Service Desk zugewiesen": the name after "an" lacked its
    article; German needs "der Abteilung IT Service Desk"."""
    token = sign_in_as(client, "anna")
    response = client.post(
        f"/insights/gaps/{topic_id}/assign?hl=de",
        data={"department": "it", "csrf_token": token},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Thema der Abteilung IT Service Desk zugewiesen." in html
    assert "Zugewiesen: Abteilung IT Service Desk" in html and "an IT Service" not in html
    assert '<dd class="gap-status">Zugewiesen: Abteilung IT Service Desk</dd>' in html


def test_the_intro_says_every_topic_is_listed_and_which_wordings_show(
    client: FlaskClient, store: Store, topic_id: int
) -> None:
    """The intro read as if a topic needed `insights_min_people` people, while a
    topic of one person's searches is listed too: the minimum is for wordings."""
    store.log_search(
        SearchEvent(
            query="locker key lost",
            answered=False,
            user="z",
            department="hr",
            ts=earlier_today(),
        )
    )
    lone = save_gap(store, "locker key lost", label="")
    sign_in_as(client, "anna")
    html = client.get("/insights/gaps").get_data(as_text=True)
    assert f'id="topic-{lone}"' in html and "locker key lost" not in html
    intro = html.split('<p class="hint">', 1)[1].split("</p>", 1)[0]
    assert "Every topic with a failed question in the period is listed" in intro
    assert "only when at least 3 people asked it" in intro


@pytest.mark.parametrize(("lang", "shown"), [("en", "YYYY-MM-DD"), ("de", "JJJJ-MM-TT")])
def test_the_period_s_dates_show_their_format_in_the_pages_language(
    client: FlaskClient, topic_id: int, lang: str, shown: str
) -> None:
    """Where the browser has no date picker, the period's fields are text boxes:
    they show the format to type, in the reader's words, as the service forms do."""
    sign_in_as(client, "anna")
    for path in ("/insights/", "/insights/gaps", "/insights/requests", "/insights/content"):
        html = client.get(f"{path}?hl={lang}").get_data(as_text=True)
        fields = re.findall(r'<input id="period-(?:since|until)"[^>]*>', html)
        assert len(fields) == 2, path
        assert all(f'placeholder="{shown}"' in field for field in fields), fields


@pytest.mark.parametrize(
    "query", ["", "?department=hr", "?department=it", "?status=open", "?status=assigned"]
)
def test_assigning_lands_on_the_topic_on_the_page_reached(
    client: FlaskClient, topic_id: int, query: str
) -> None:
    """The redirect's anchor names an element of the gaps page it leads to, with
    the filters the form was sent from (`tests/webapp/requests/test_redirect_anchors`)."""
    token = sign_in_as(client, "anna")
    response = client.post(
        f"/insights/gaps/{topic_id}/assign{query}", data={"department": "it", "csrf_token": token}
    )
    assert response.status_code == 303
    target, _, fragment = response.headers["Location"].partition("#")
    html = client.get(target).get_data(as_text=True)
    assert re.search(rf'<[a-z]+ [^>]*id="{fragment}"[^>]*tabindex="-1"', html), fragment


def test_the_period_says_its_days_are_utc_days(client: FlaskClient, topic_id: int) -> None:
    """Days are cut at midnight UTC; nothing said so, so a reader in another
    time zone could not tell why today's searches fell on yesterday's date."""
    sign_in_as(client, "anna")
    for path in ("/insights/", "/insights/gaps", "/insights/requests", "/insights/content"):
        html = client.get(path + "?hl=en").get_data(as_text=True)
        assert 'id="period-utc">Days are whole days in UTC' in html, path
        since = html.split('<input id="period-since"', 1)[1].split(">", 1)[0]
        assert 'aria-describedby="period-utc period-since-shown"' in since, path
    german = client.get("/insights/?hl=de").get_data(as_text=True)
    assert "Tage sind ganze Tage in UTC" in german
    refused = client.get("/insights/?since=yesterday&hl=en").get_data(as_text=True)
    since = refused.split('<input id="period-since"', 1)[1].split(">", 1)[0]
    assert (
        'aria-invalid="true" aria-describedby="filter-error period-utc period-since-shown"' in since
    )


def test_the_overview_names_the_days_its_figures_are_compared_with(
    client: FlaskClient, topic_id: int
) -> None:
    """Every card said "previous period: 872" and nothing said which days that
    was: the page names the previous period, in the page's language."""
    sign_in_as(client, "anna")
    html = client.get("/insights/?since=2026-11-06&until=2026-12-05&hl=en").get_data(as_text=True)
    assert (
        'id="previous-period">Each figure is compared with the previous period of the same '
        "length: 7 October 2026 to 5 November 2026.<"
    ) in html
    german = client.get("/insights/?since=2026-03-01&until=2026-03-31&hl=de")
    assert "gleich langen Vorzeitraum verglichen: 29. Januar 2026 bis 28. Februar 2026." in (
        german.get_data(as_text=True)
    )


def test_the_gaps_page_filters_by_status_and_keeps_it_in_its_links(
    client: FlaskClient, topic_id: int
) -> None:
    """Analysts asked for the gaps still open, or those being written: the page
    listed every gap whatever its status. The filter is a field of the form,
    kept in the page's links and its CSV download."""
    token = sign_in_as(client, "anna")
    assigned = client.get("/insights/gaps?status=assigned&hl=en").get_data(as_text=True)
    assert f'id="topic-{topic_id}"' not in assigned
    assert "No gaps with this status in this period." in assigned
    assert '<option value="assigned" selected>Assigned</option>' in assigned
    assert "status=assigned" in assigned.split('class="insights-tabs"', 1)[1].split("</nav>")[0]
    csv_link = re.search(r'href="(/api/insights/gaps\?[^"]*format=csv[^"]*)"', assigned)
    assert csv_link and "status=assigned" in csv_link.group(1)
    client.post(f"/insights/gaps/{topic_id}/assign", data={"department": "it", "csrf_token": token})
    assert f'id="topic-{topic_id}"' in client.get("/insights/gaps?status=assigned").get_data(
        as_text=True
    )
    assert f'id="topic-{topic_id}"' not in client.get("/insights/gaps?status=open").get_data(
        as_text=True
    )
    everything = client.get("/insights/gaps").get_data(as_text=True)
    assert f'id="topic-{topic_id}"' in everything and '<option value="" selected' not in everything
    refused = client.get("/insights/gaps?status=written")
    assert refused.status_code == 400
    select = refused.get_data(as_text=True).split('name="status"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in select


def test_each_department_bar_leads_to_its_figures_over_the_same_period(
    client: FlaskClient, topic_id: int, store: Store
) -> None:
    """The bars of searches by department led nowhere: an analyst who saw HR
    stand out had to choose HR in the filter and type the period again."""
    store.log_search(SearchEvent(query="unrouted", answered=False, user="e", ts=earlier_today()))
    sign_in_as(client, "anna")
    today = datetime.now(UTC).date()
    since = today - timedelta(days=13)
    html = client.get(f"/insights/?since={since}&until={today}&by=week").get_data(as_text=True)
    figure = html.split('id="searches-by-department"', 1)[1].split("</figure>", 1)[0]
    bars = dict(re.findall(r'<a class="chart-link" href="([^"]+)">.*?>([^<]+)</text>', figure))
    rows = {name: href for href, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', figure)}
    assert set(rows) == {"Human Resources", "IT Service Desk"} and len(bars) == 2
    for href in rows.values():
        assert href in bars  # the bar and its row in the table lead to the same page
    drill = parse_qs(urlsplit(html_unescape(rows["Human Resources"])).query)
    assert drill == {
        "since": [str(since)],
        "until": [str(today)],
        "department": ["hr"],
        "by": ["week"],
    }
    # The triage queue's bar holds the unrouted searches, which its filter would not show.
    assert "Central Service Desk" in figure and "department=triage" not in figure
    page = client.get(html_unescape(rows["Human Resources"]))
    assert page.status_code == 200
    assert '<option value="hr" selected>' in page.get_data(as_text=True)


def test_each_gap_bar_leads_to_its_topic_in_the_list(client: FlaskClient, topic_id: int) -> None:
    """The gaps chart's bars led nowhere, unlike the department bars of the
    overview: each bar, label and value with it, and its row of the table are
    links (reached by Tab) to the topic below, which takes the focus."""
    sign_in_as(client, "anna")
    html = client.get("/insights/gaps").get_data(as_text=True)
    figure = html.split('id="gaps-by-people"', 1)[1].split("</figure>", 1)[0]
    bars = re.findall(r'<a class="chart-link" href="([^"]+)">(.*?)</a>', figure)
    assert [href for href, _ in bars] == [f"#topic-{topic_id}"]
    assert 'class="chart-label"' in bars[0][1] and 'class="chart-value"' in bars[0][1]
    assert f'<th scope="row"><a href="#topic-{topic_id}">' in figure
    assert f'<li class="gap" id="topic-{topic_id}" tabindex="-1"' in html


def test_the_period_s_date_fields_carry_the_page_s_language(
    client: FlaskClient, topic_id: int
) -> None:
    """Under ?hl=de the date fields showed a US date: they carry the page's
    language in their own `lang`, for a browser whose picker heeds it."""
    sign_in_as(client, "anna")
    for lang in ("de", "en"):
        html = client.get(f"/insights/?hl={lang}").get_data(as_text=True)
        fields = re.findall(r'<input id="period-(?:since|until)"[^>]*>', html)
        assert len(fields) == 2
        assert all(f'lang="{lang}"' in field for field in fields)


def test_today_s_point_is_marked_as_the_day_so_far(client: FlaskClient, topic_id: int) -> None:
    """A day half gone drew every line down at its end, read as a drop."""
    sign_in_as(client, "anna")
    today = datetime.now(UTC).date()
    html = client.get("/insights/?hl=en").get_data(as_text=True)
    # Searches and the answered share; nobody used the ask form, so deflection has no line.
    assert html.count('class="chart-note"') == 2
    shown = format_date("en", today)  # the day as the page writes dates: 4 December 2026
    assert f"{shown} is not over" in html and f'<th scope="row">{shown} (so far)</th>' in html
    assert f">{today}<" not in html and f"{today} " not in html
    german = client.get("/insights/?hl=de").get_data(as_text=True)
    shown = format_date("de", today)
    assert f"{shown} ist noch nicht vorbei" in german
    assert f'<th scope="row">{shown} (bisher)</th>' in german
    assert f">{shown}</text>" in german  # under its point on the axis
    year, week, _ = today.isocalendar()
    weekly = client.get("/insights/?by=week&hl=en").get_data(as_text=True)
    assert f"{year}-W{week:02d}" in weekly and "(so far)</th>" in weekly
    yesterday = today - timedelta(days=1)
    past = client.get(f"/insights/?until={yesterday}&hl=en").get_data(as_text=True)
    assert 'class="chart-note"' not in past and "(so far)" not in past and "not over" not in past


def test_the_overview_charts_the_deflection_rate_over_time(
    client: FlaskClient, topic_id: int, store: Store
) -> None:
    """Deflection was a figure card only: nothing showed whether it grew."""
    for user in ("p1", "p2"):  # the ask form suggested; p1 opened the article and left
        log_ask_search(store, user, earlier_today(), department="hr", opened=user == "p1")
    sign_in_as(client, "anna")
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    before = client.get(f"/insights/?until={yesterday}&hl=en").get_data(as_text=True)
    figure = before.split('id="deflection-per-day"', 1)[1].split("</figure>", 1)[0]
    assert "Ask forms left after a suggestion, per day (share)" in figure
    # Nobody had the ask form suggest articles before today: no share, not a zero.
    assert "No data in this period." in figure
    html = client.get("/insights/?hl=en").get_data(as_text=True)
    figure = html.split('id="deflection-per-day"', 1)[1].split("</figure>", 1)[0]
    today = datetime.now(UTC).date()
    assert f'<th scope="row">{format_date("en", today)} (so far)</th><td>50 %</td>' in figure
    assert "chart-dot-partial" in figure
    weekly = client.get("/insights/?by=week&hl=de").get_data(as_text=True)
    assert 'id="deflection-per-week"' in weekly and "pro Woche (Anteil)" in weekly


def test_the_requests_page_charts_resolution_against_target_in_working_hours(
    client: FlaskClient, store: Store, topic_id: int
) -> None:
    """The page showed the share within target, not how far the typical and the
    slow requests were from it; its medians count wall-clock hours, the target
    working hours. Filed on Monday 30 November 2026 at 09:00 in Berlin, resolved
    after 1, 5 and 9 working hours (the last on Tuesday at 10:00)."""
    from kb.requests.records import Request

    filed = datetime(2026, 11, 30, 8, tzinfo=UTC)
    for who, hours in (("r1", 1), ("r2", 5), ("r3", 25)):
        store.create_request(
            Request(
                requester=who,
                query="laptop broken",
                department="it",
                created=filed,
                resolved_at=filed + timedelta(hours=hours),
                status="resolved",
            )
        )
    sign_in_as(client, "anna")
    query = "since=2026-11-30&until=2026-11-30"
    (it,) = client.get(f"/api/insights/requests?{query}").get_json()["departments"]
    assert it["median_resolution_hours"] == 5.0  # wall-clock
    assert (it["median_resolution_working_hours"], it["p90_resolution_working_hours"]) == (5, 8.2)
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/api/insights/requests?{query}&format=csv").get_data(as_text=True)
            )
        )
    )
    assert rows[0]["p90_resolution_working_hours"] == "8.2"
    html = client.get(f"/insights/requests?{query}&hl=en").get_data(as_text=True)
    figure = html.split('id="resolution-against-target"', 1)[1].split("</figure>", 1)[0]
    assert "Resolution time against target, by department (working hours)" in figure
    assert "median 5.0 h, 90th percentile 8.2 h, target 16.0 h" in figure
    assert figure.count('class="chart-target"') == 2  # the key's mark and IT's
    german = client.get(f"/insights/requests?{query}&hl=de").get_data(as_text=True)
    assert "Median 5,0 Std., 90. Perzentil 8,2 Std., Ziel 16,0 Std." in german


def test_the_requests_table_gives_its_medians_in_the_targets_working_hours(
    client: FlaskClient, store: Store, topic_id: int
) -> None:
    """The table showed wall-clock medians beside targets in working hours: a
    request filed on Friday 27 November 2026 at 16:00 in Berlin, answered on
    Monday at 10:00 and resolved at 16:00, read "66.0 h" and "72.0 h" beside
    "target 2.0 working hours", though it took 2 and 8 working hours."""
    from kb.requests.records import Request

    friday = datetime(2026, 11, 27, 15, tzinfo=UTC)
    store.create_request(
        Request(
            requester="r1",
            query="laptop broken",
            department="it",
            created=friday,
            first_responded_at=friday + timedelta(days=2, hours=18),
            resolved_at=friday + timedelta(days=3),
            status="resolved",
        )
    )
    sign_in_as(client, "anna")
    query = "since=2026-11-27&until=2026-11-27"
    (it,) = client.get(f"/api/insights/requests?{query}").get_json()["departments"]
    assert (it["median_first_response_hours"], it["median_resolution_hours"]) == (66.0, 72.0)
    assert it["median_first_response_working_hours"] == 2.0
    assert it["median_resolution_working_hours"] == 8.0
    html = client.get(f"/insights/requests?{query}&hl=en").get_data(as_text=True)
    row = html.split('data-department="it"', 1)[1].split("</tr>", 1)[0]
    assert "2.0 working hours" in row and "8.0 working hours" in row
    assert "66.0" not in row and "72.0" not in row
    assert "Median first response (working hours)" in html
    german = client.get(f"/insights/requests?{query}&hl=de").get_data(as_text=True)
    row = german.split('data-department="it"', 1)[1].split("</tr>", 1)[0]
    assert "2,0 Arbeitsstunden" in row and "8,0 Arbeitsstunden" in row


def test_a_wrong_trend_step_is_named_as_the_filter_names_it(
    client: FlaskClient, topic_id: int
) -> None:
    """`?by=year` was refused as "by: please choose one of day, week", naming the
    parameter, not the filter's "Trend" ("Verlauf") the page shows."""
    sign_in_as(client, "anna")
    for lang, label in (("en", "Trend"), ("de", "Verlauf")):
        page = client.get(f"/insights/?by=year&hl={lang}")
        assert page.status_code == 400
        text = page.get_data(as_text=True)
        assert f"{label}: " in text and "by: " not in text, lang
        api = client.get(f"/api/insights/overview?by=year&hl={lang}").get_json()
        assert api["error"]["message"].startswith(f"{label} (by): "), api
