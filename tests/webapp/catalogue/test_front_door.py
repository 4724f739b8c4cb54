"""The home page as the front door: departments with their top requests and most
read articles, ways to ask without searching, and searches offering the form
that matches them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.events import ClickEvent, SearchEvent
from kb.insights.store import insights_store
from kb.store.protocols import Store
from kb.validators import utc_now
from tests.support import count_calls, sign_in_as, text_of
from webapp.services import services

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")


def answered(store: Store, article_id: str, times: int) -> None:
    for n in range(times):
        store.log_search(
            SearchEvent(
                query=f"q{n}",
                answered=True,
                result_ids=[article_id],
                user=f"u{n}",
                person=f"address-u{n}",
            )
        )


def test_the_home_page_is_the_front_door(client: FlaskClient, store: Store) -> None:
    answered(store, "hr/krankmeldung.md", 3)
    answered(store, "hr/sick-leave.md", 1)
    insights_store(store).refresh()
    html = text_of(client.get("/?hl=en"))
    assert html.index('role="search"') < html.index("Departments")
    hr = html[html.index('id="home-hr"') : html.index('id="home-it"')]
    # Most read: the article most people read first (each answered another browser).
    assert hr.index("Krankmeldung") < hr.index("Reporting sick")
    it = html[html.index('id="home-it"') :]
    assert 'href="/catalogue/laptop">New laptop</a>' in it
    assert 'href="/catalogue/onboarding">Onboarding a new hire</a>' in it
    # Asking without searching first: the catalogue and the free ask form.
    assert 'href="/catalogue/"' in html and 'href="/ask/"' in html
    german = text_of(client.get("/?hl=de"))
    assert "Häufige Anfragen" in german and "Neuer Laptop" in german
    # "Alles von IT Service Desk": the name after "von" lacked its article.
    assert "Alles aus der Abteilung IT Service Desk" in german and "Alles von" not in german
    assert "Everything from IT Service Desk" in html


def test_most_read_counts_people_not_searches(client: FlaskClient, store: Store) -> None:
    # One person read "Krankmeldung" nine times: as the answer, signed in on two
    # browsers, and by opening it from the results; one reader, not nine.
    for n in range(6):
        store.log_search(
            SearchEvent(
                query=f"krank {n}",
                answered=True,
                result_ids=["hr/krankmeldung.md"],
                user=f"browser-{n % 2}",
                person="anna",
                signed_in=True,
            )
        )
    for _ in range(3):
        search_id = store.log_search(
            SearchEvent(
                query="sick", answered=False, result_ids=["hr/krankmeldung.md"], person="anna"
            )
        )
        store.log_click(ClickEvent(search_id=search_id, article_id="hr/krankmeldung.md", rank=1))
    # Two people read "Reporting sick": one had it as the answer, one signed out
    # (counted by the network address's pseudonym) opened it from the results.
    answered(store, "hr/sick-leave.md", 1)
    shown = store.log_search(
        SearchEvent(
            query="ill",
            answered=False,
            result_ids=["hr/sick-leave.md"],
            user="u9",
            person="address-u9",
        )
    )
    store.log_click(ClickEvent(search_id=shown, article_id="hr/sick-leave.md", rank=1))
    insights = insights_store(store)
    insights.refresh()
    today = utc_now().date()
    assert insights.article_readers(today, today + timedelta(days=1)) == {
        "hr/krankmeldung.md": 1,
        "hr/sick-leave.md": 2,
    }
    hr = text_of(client.get("/?hl=en"))
    hr = hr[hr.index('id="home-hr"') : hr.index('id="home-it"')]
    assert hr.index("Reporting sick") < hr.index("Krankmeldung")


def test_articles_the_viewer_may_not_read_are_not_listed(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests import support

    secret = support.make_article(
        "hr/salary-bands.md", "Salary bands", "Bands.", audience=("hr-managers",)
    )
    monkeypatch.setitem(support.ARTICLES, secret.id, secret)
    answered(store, secret.id, 5)
    answered(store, "hr/sick-leave.md", 1)
    insights_store(store).refresh()
    html = text_of(client.get("/"))
    assert "Reporting sick" in html and "Salary bands" not in html


def test_a_search_that_matches_a_service_offers_its_form(client: FlaskClient) -> None:
    html = text_of(client.get("/?q=I+need+a+new+laptop"))
    offer = re.search(
        r'<a class="button button--primary offer-link" href="([^"]+)">([^<]+)</a>', html
    )
    assert offer is not None
    assert offer.group(2) == "Start “New laptop”"
    assert offer.group(1).startswith("/catalogue/laptop?description=I+need+a+new+laptop")
    assert "offer-link" not in text_of(client.get("/?q=How+do+I+report+sick"))
    sign_in_as(client, "emma")
    form = text_of(client.get(offer.group(1).replace("&amp;", "&")))
    assert ">I need a new laptop</textarea>" in form


def test_popular_searches_follow_the_privacy_rules_of_suggestions(
    client: FlaskClient, store: Store
) -> None:
    def searched(text: str, people: int, answer: str = "hr/sick-leave.md") -> None:
        for n in range(people):
            store.log_search(
                SearchEvent(
                    query=text,
                    answered=True,
                    result_ids=[answer],
                    user=f"b{n}",
                    person=f"p{n}",
                    answer_id=answer,
                )  # fmt: skip
            )

    searched("how do I report sick", 3)
    searched("sick note for my child", 2)  # too few people
    searched("call me on +49 170 1234567", 4)  # personal data
    html = text_of(client.get("/"))
    popular = html[html.index('id="popular-h"') : html.index('id="departments-h"')]
    assert 'href="/?q=how+do+i+report+sick"' in popular  # normalised, as suggested
    assert "sick note" not in popular and "1234567" not in popular


def test_popular_searches_are_read_once_a_minute_not_per_visit(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the popular searches groups every search event kept (0.3 s at
    200,000 events on SQLite) and the home page needs no sign-in: a visitor
    reloading it must not make the database do that each time."""
    calls = count_calls(monkeypatch, services(app).store, "popular_queries")
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert len(calls) == 1
