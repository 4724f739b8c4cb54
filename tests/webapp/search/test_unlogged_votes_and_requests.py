"""Votes and requests from a search that was not logged keep what was asked:
a search answered before it was logged (the database busy) is linked by its
signed reference once it is stored; one never logged (the search log failing)
leaves the words searched for with the vote (`query`) or the request
(`search_query`), shown on the request's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

import kb.store.factory
from kb.settings import Settings
from tests.support import sign_in_as, text_of
from tests.webapp.search.test_late_clicks import unlogged_search, written
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture
def busy_app(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setattr(kb.store.factory, "SQLITE_BUSY_TIMEOUT_MS", 200)
    return make_app(search_log_wait=0.3)


def refused(event: Any) -> Any:
    raise RuntimeError("the search log is unavailable")


@pytest.fixture
def unlogged_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app whose search log takes nothing: no search is ever logged."""
    monkeypatch.setattr(services(app).search_log, "submit", refused)
    return app


def stored_search_id(app: Flask, query: str) -> int:
    found = [e.id for e in services(app).store.search_events() if e.query == query]
    assert len(found) == 1 and found[0] is not None, found
    return found[0]


def test_a_vote_on_a_search_answered_before_it_was_logged_is_linked_by_its_reference(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    answer = unlogged_search(client, settings, lambda a: a)
    written(busy_app)
    vote = {
        "article_id": answer["results"][0]["id"],
        "helpful": True,
        "search_id": None,
        "search_ref": answer["search_ref"],
        "query": "vacation",
    }
    assert client.post("/api/feedback", json=vote).status_code == 201
    (event,) = services(busy_app).store.feedback_events()
    assert event.search_id == stored_search_id(busy_app, "vacation")
    assert event.query == ""  # the linked search says what was asked


def test_a_reference_of_another_browser_links_nothing_and_the_words_stay(
    busy_app: Flask, settings: Settings
) -> None:
    answer = unlogged_search(busy_app.test_client(), settings, lambda a: a)
    written(busy_app)
    stranger = busy_app.test_client()
    vote = {
        "article_id": answer["results"][0]["id"],
        "helpful": False,
        "search_ref": answer["search_ref"],
        "query": "vacation",
    }
    assert stranger.post("/api/feedback", json=vote).status_code == 201
    (event,) = services(busy_app).store.feedback_events()
    assert (event.search_id, event.query) == (None, "vacation")


def test_a_request_asked_from_a_search_answered_before_it_was_logged_is_linked(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    token = sign_in_as(client, "emma")
    answer = unlogged_search(client, settings, lambda a: a)
    written(busy_app)
    filed = client.post(
        "/api/requests",
        json={"query": "Vacation days left?", "search_ref": answer["search_ref"]},
        headers={"X-CSRF-Token": token},
    )
    assert filed.status_code == 201, text_of(filed)
    body = filed.get_json()
    assert body["search_id"] == stored_search_id(busy_app, "vacation")
    assert body["search_query"] == ""


def test_the_search_page_carries_the_reference_to_the_vote_and_the_ask_form(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    sign_in_as(client, "emma")
    page = unlogged_search(client, settings, lambda a: text_of(client.get("/?q=vacation")))
    written(busy_app)
    ref = re.search(r'name="search_ref" value="([^"]+)"', page)
    assert ref is not None, "the vote form carries no search reference"
    ask = re.search(r'class="[^"]*ask-link"\s+href="([^"]+)"', page) or re.search(
        r'<a class="ask-link" href="([^"]+)"', page
    )
    assert ask is not None and "sref=" in ask[1]
    form = text_of(client.get(ask[1].replace("&amp;", "&")))
    carried = re.search(r'name="search_ref" value="([^"]+)"', form)
    assert carried is not None and carried[1] == ref[1]


def test_a_vote_on_a_search_never_logged_keeps_the_words_searched_for(
    unlogged_app: Flask,
) -> None:
    client = unlogged_app.test_client()
    page = text_of(client.get("/?q=vacation"))
    assert 'name="search_id" value=""' in page
    assert '<input type="hidden" name="query" value="vacation">' in page
    article = re.search(r'name="article_id" value="([^"]+)"', page)
    assert article is not None
    form = {  # as the answer card posts it without a script (signed out: no CSRF token)
        "helpful": "no",
        "search_id": "",
        "search_ref": "",
        "query": "vacation",
    }
    voted = client.post(f"/articles/{article[1]}/feedback", data=form)
    assert voted.status_code == 303
    (event,) = services(unlogged_app).store.feedback_events()
    assert (event.search_id, event.query, event.helpful) == (None, "vacation", False)


def test_a_request_from_a_search_never_logged_keeps_the_words_searched_for(
    unlogged_app: Flask,
) -> None:
    client = unlogged_app.test_client()
    sign_in_as(client, "emma")
    form = text_of(client.get("/ask/?q=vacation+days&department=hr"))
    assert '<input type="hidden" name="search_query" value="vacation days">' in form
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    fields.update(query="How many vacation days are left for me?", department="hr")
    fields["priority"] = "normal"
    filed = client.post("/ask/", data=fields)
    assert filed.status_code == 303, text_of(filed)
    request_id = int(filed.headers["Location"].rsplit("/", 1)[1])
    stored = services(unlogged_app).store.get_request(request_id)
    assert stored is not None
    assert (stored.search_id, stored.search_query) == (None, "vacation days")
    sign_in_as(client, "hanna")  # the HR agent triaging it sees what was searched for
    page = text_of(client.get(f"/requests/{request_id}"))
    assert re.search(r"<dt>Searched for</dt><dd>vacation days</dd>", page)
    detail = client.get(f"/api/requests/{request_id}").get_json()
    assert detail["request"]["search_query"] == "vacation days"


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def article_link(page: str) -> str:
    link = re.search(r'<a class="result-link" href="(/articles/[^"#]+)', page)
    assert link is not None, "the results link no article"
    return link[1].replace("&amp;", "&")


def test_an_article_opened_from_a_search_answered_before_it_was_logged_votes_on_it(
    busy_app: Flask, settings: Settings
) -> None:
    client = busy_app.test_client()
    page = unlogged_search(client, settings, lambda a: text_of(client.get("/?q=vacation")))
    written(busy_app)
    ref = hidden_fields(page)["search_ref"]
    link = article_link(page)
    assert "sref=" in link and "q=vacation" in link and "sid=" not in link
    article = text_of(client.get(link))
    fields = hidden_fields(article)
    assert (fields["search_id"], fields["search_ref"], fields["query"]) == ("", ref, "vacation")
    ask = re.search(r'<a class="ask-link" href="([^"]+)"', article)
    assert ask is not None and "sref=" in ask[1] and "q=vacation" in ask[1]
    voted = client.post(link.split("?")[0] + "/feedback", data={**fields, "helpful": "no"})
    assert voted.status_code == 303
    (event,) = services(busy_app).store.feedback_events()
    # The page's search, not the API's one `unlogged_search` made before it.
    page_search = max(
        e.id or 0 for e in services(busy_app).store.search_events() if e.query == "vacation"
    )
    assert (event.search_id, event.query) == (page_search, "")


def test_an_article_opened_from_a_search_never_logged_keeps_the_words_with_its_vote(
    unlogged_app: Flask,
) -> None:
    client = unlogged_app.test_client()
    link = article_link(text_of(client.get("/?q=vacation")))
    assert "q=vacation" in link and "sref=" not in link
    article = text_of(client.get(link))
    fields = hidden_fields(article)
    assert (fields["search_id"], fields["search_ref"], fields["query"]) == ("", "", "vacation")
    assert 'href="/?q=vacation"' in article  # back to the results: the words searched again
    voted = client.post(link.split("?")[0] + "/feedback", data={**fields, "helpful": "no"})
    assert voted.status_code == 303
    (event,) = services(unlogged_app).store.feedback_events()
    assert (event.search_id, event.query, event.helpful) == (None, "vacation", False)


def test_an_article_opened_from_a_logged_search_carries_only_its_id(app: Flask) -> None:
    client = app.test_client()
    link = article_link(text_of(client.get("/?q=vacation")))
    assert "sid=" in link and "sref=" not in link and "q=" not in link
    fields = hidden_fields(text_of(client.get(link + "&q=forged&sref=forged")))
    assert fields["search_id"].isdigit() and "query" not in fields and "search_ref" not in fields
