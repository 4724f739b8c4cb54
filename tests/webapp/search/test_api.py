"""The search part of the JSON API: /api/search, /api/click and /api/suggest."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.events import SearchEvent
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import (
    ARTICLES,
    FakeEngine,
    count_calls,
    error_of,
    make_article,
    sign_in_as,
)
from webapp import create_app
from webapp.services import services


def test_search_answers_with_the_response_shape_and_a_search_id(
    client: FlaskClient, store: Store
) -> None:
    response = client.get("/api/search?q=sick")
    assert response.status_code == 200
    body = response.get_json()
    assert body["answered"] is True
    assert body["answer"]["id"] == "hr/sick-leave.md"
    assert [h["id"] for h in body["results"]][:2] == ["hr/sick-leave.md", "hr/krankmeldung.md"]
    assert {
        "query",
        "confidence",
        "department",
        "did_you_mean",
        "total",
        "page",
        "latency_ms",
    } <= set(body)
    assert isinstance(body["search_id"], int)
    [event] = store.search_events()
    assert event.id == body["search_id"]
    assert event.query == "sick" and event.answered is True
    assert event.result_ids == [h["id"] for h in body["results"]]
    assert event.department == "hr"
    assert event.user  # the pseudonymous id


def test_search_passes_filters_and_paging_to_the_engine(
    client: FlaskClient, engine: FakeEngine, store: Store
) -> None:
    response = client.get("/api/search?q=leave&k=1&page=2&department=hr&tag=sick&tag=krank")
    assert response.status_code == 200
    [query] = engine.queries
    assert (query.text, query.k, query.page, query.department) == ("leave", 1, 2, "hr")
    assert query.tags == ("sick", "krank")
    [event] = store.search_events()
    assert event.filters == {"department": "hr", "tags": ["sick", "krank"]}
    assert event.page == 2


def test_unanswered_search_is_logged_as_unanswered(client: FlaskClient, store: Store) -> None:
    body = client.get("/api/search?q=zzz").get_json()
    assert body["answered"] is False and body["answer"] is None
    assert body["did_you_mean"] == "vpn"
    assert store.search_events()[0].answered is False


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=%20%20", "q"),
        ("q=x&k=0", "k"),
        ("q=x&k=101", "k"),
        ("q=x&k=ten", "k"),
        ("q=x&page=0", "page"),
        ("q=x&page=51", "page"),
        ("q=x&page=1.5", "page"),
        ("q=x&k=-1", "k"),
        ("q=x&k=" + "9" * 5000, "k"),
        # Digits Python's int() takes but a URL should not carry: Arabic-Indic,
        # full-width, Devanagari, with a sign or an underscore.
        ("q=x&k=%D9%A3", "k"),
        ("q=x&k=%EF%BC%93", "k"),
        ("q=x&page=%E0%A5%A8", "page"),
        ("q=x&page=%2B2", "page"),
        ("q=x&k=1_0", "k"),
        ("q=x&department=nope", "department"),
        ("q=x&" + "&".join(f"tag=t{i}" for i in range(11)), "tag"),
        ("q=x&tag=" + "t" * 101, "tag"),
    ],
)
def test_search_refuses_bad_parameters(client: FlaskClient, query: str, field: str) -> None:
    error = error_of(client.get(f"/api/search?{query}"), 400, "invalid_request")
    assert error["details"]["field"] == field
    assert field in error["message"]


@pytest.mark.parametrize(
    ("query", "sent"),
    [
        ("page=99999999999999999999", 99999999999999999999),
        ("page=51", 51),
        ("k=-0007", -7),
        ("k=" + "9" * 5000, "9" * 40),
    ],
)
def test_a_number_out_of_range_is_named_as_sent(
    client: FlaskClient, query: str, sent: int | str
) -> None:
    """The error's value is the number the client sent (its text past 40 digits),
    not the limit plus one that stood in for a long number."""
    error = error_of(client.get(f"/api/search?q=x&{query}"), 400, "invalid_request")
    assert error["details"]["value"] == sent


def test_search_takes_ascii_digits_with_spaces_and_leading_zeros(
    client: FlaskClient, engine: FakeEngine
) -> None:
    assert client.get("/api/search?q=x&k=%2003%20&page=02").status_code == 200
    [query] = engine.queries
    assert (query.k, query.page) == (3, 2)


def test_search_refuses_queries_longer_than_the_setting(client: FlaskClient) -> None:
    error = error_of(client.get("/api/search?q=" + "a" * 501), 400, "invalid_request")
    assert error["details"] == {"field": "q", "length": 501, "max": 500}
    assert client.get("/api/search?q=" + "a" * 500).status_code == 200


def test_search_without_an_index_is_503(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.errors import IndexNotFoundError

    def no_index() -> Any:
        raise IndexNotFoundError("no index has been published yet; run `kb index` first")

    monkeypatch.setattr(engine, "departments", no_index)
    error_of(client.get("/api/search?q=x"), 503, "index_not_ready")


def test_click_is_recorded_with_its_rank(client: FlaskClient, store: Store) -> None:
    search_id = client.get("/api/search?q=sick").get_json()["search_id"]
    response = client.post(
        "/api/click", json={"search_id": search_id, "article_id": "hr/krankmeldung.md", "rank": 2}
    )
    assert response.status_code == 201
    assert isinstance(response.get_json()["id"], int)
    [click] = store.click_events()
    assert (click.search_id, click.article_id, click.rank) == (search_id, "hr/krankmeldung.md", 2)
    # The same browser: the click carries the search's pseudonymous id.
    assert click.user == store.search_events()[0].user


def test_clicks_only_count_on_what_the_search_showed(client: FlaskClient, store: Store) -> None:
    """Click statistics cannot be made up (issue 13: any article and search id
    were accepted): the article must be among that search's results."""
    search_id = client.get("/api/search?q=sick&department=hr").get_json()["search_id"]
    made_up = {"search_id": search_id, "article_id": "it/hostile.md", "rank": 1}
    error = error_of(client.post("/api/click", json=made_up), 400, "invalid_request")
    assert error["details"]["field"] == "article_id"
    too_far = {"search_id": search_id, "article_id": "hr/sick-leave.md", "rank": 10_000}
    error = error_of(client.post("/api/click", json=too_far), 400, "invalid_request")
    assert error["details"]["field"] == "rank"
    assert store.click_events() == []
    # Feedback keeps its vote, but not a search that never showed the article.
    client.post(
        "/api/feedback",
        json={"article_id": "it/hostile.md", "helpful": True, "search_id": search_id},
    )
    client.post(
        "/api/feedback",
        json={"article_id": "hr/sick-leave.md", "helpful": True, "search_id": search_id},
    )
    assert [(f.article_id, f.search_id) for f in store.feedback_events()] == [
        ("it/hostile.md", None),
        ("hr/sick-leave.md", search_id),
    ]


def test_only_the_browser_that_searched_clicks_or_votes_on_its_search(
    app: Flask, client: FlaskClient, store: Store
) -> None:
    """Search ids count up from 1: anyone could mark every stranger's search as
    clicked, or as helpful or not, and so hide the gaps analysts look for or
    invent them. A search is clicked and voted on by the browser that made it."""
    search_id = client.get("/api/search?q=sick&department=hr").get_json()["search_id"]
    click = {"search_id": search_id, "article_id": "hr/sick-leave.md", "rank": 1}
    vote = {"article_id": "hr/sick-leave.md", "helpful": False, "search_id": search_id}
    stranger = app.test_client()
    error_of(stranger.post("/api/click", json=click), 404, "not_found")
    assert stranger.post("/api/feedback", json=vote).status_code == 201
    assert store.click_events() == []
    assert [f.search_id for f in store.feedback_events()] == [None]  # the vote, not the search
    assert client.post("/api/click", json=click).status_code == 201
    assert client.post("/api/feedback", json=vote).status_code == 201
    assert [f.search_id for f in store.feedback_events()] == [None, search_id]


def test_click_on_an_unknown_search_is_404(client: FlaskClient) -> None:
    response = client.post(
        "/api/click", json={"search_id": 999, "article_id": "hr/x.md", "rank": 1}
    )
    error_of(response, 404, "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"article_id": "a.md", "rank": 1}, "search_id"),
        ({"search_id": "1", "article_id": "a.md", "rank": 1}, "search_id"),
        ({"search_id": True, "article_id": "a.md", "rank": 1}, "search_id"),
        ({"search_id": 1, "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": 5, "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": " ", "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": "a" * 501, "rank": 1}, "article_id"),
        ({"search_id": 1, "article_id": "a.md"}, "rank"),
        ({"search_id": 1, "article_id": "a.md", "rank": 0}, "rank"),
        ({"search_id": 1, "article_id": "a.md", "rank": 1.5}, "rank"),
    ],
)
def test_click_refuses_bad_fields(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    error = error_of(client.post("/api/click", json=body), 400, "invalid_request")
    assert error["details"]["field"] == field


def search_from(client: FlaskClient, query: str, address: str) -> None:
    """A visitor's search from `address`, without cookies (a new browser each time)."""
    client.delete_cookie("kb_uid")
    client.get("/api/search", query_string={"q": query}, environ_base={"REMOTE_ADDR": address})


def test_suggest_mixes_titles_and_popular_queries(client: FlaskClient) -> None:
    for n, query in enumerate(("report a printer", "Report a printer", "report  a printer")):
        search_from(client, query, f"10.0.0.{n + 1}")
    body = client.get("/api/suggest?q=rep").get_json()
    assert body["query"] == "rep"
    assert {"text": "Reporting sick", "kind": "title"} in body["suggestions"]
    assert {"text": "report a printer", "kind": "query"} in body["suggestions"]
    assert len(body["suggestions"]) <= 8


def test_one_person_cannot_plant_a_suggestion(client: FlaskClient) -> None:
    """Six searches without cookies from one address are one person, and an agent's
    query with a password in it is one person's (issue 13)."""
    for _ in range(6):
        search_from(client, "vpn login at evil.example with your password", "192.0.2.7")
    sign_in_as(client, "ivan")
    client.get("/api/search", query_string={"q": "vpn password Hunter2!"})
    client.post("/auth/sign-out", headers={"X-CSRF-Token": "csrf-ivan"})
    queries = [
        s["text"]
        for s in client.get("/api/suggest?q=vpn").get_json()["suggestions"]
        if s["kind"] == "query"
    ]
    assert queries == []


# What a browser says of a request another site made it send (Fetch Metadata).
FROM_ANOTHER_SITE = (
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"},
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
    {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
)


def test_another_site_cannot_plant_a_suggestion_through_its_readers(client: FlaskClient) -> None:
    """A page elsewhere (or an e-mail with images) that makes its readers' browsers
    load `/?q=…` made each reader one more person who searched it: readers at
    four addresses planted a suggestion (and a question text analysts see). Such
    searches are answered, but count for nobody; typed here, they count."""
    planted = "report a printer fault at printer-help.example"
    for n, fetch in enumerate(FROM_ANOTHER_SITE):
        client.delete_cookie("kb_uid")
        address = {"REMOTE_ADDR": f"10.0.1.{n + 1}"}
        for path in ("/", "/api/search"):
            response = client.get(
                path, query_string={"q": planted}, headers=fetch, environ_base=address
            )
            assert response.status_code == 200
    typed = "report a printer fault"
    for n in range(3):
        client.delete_cookie("kb_uid")
        client.get(
            "/",
            query_string={"q": typed},
            headers={"Sec-Fetch-Site": "same-origin"},
            environ_base={"REMOTE_ADDR": f"10.0.2.{n + 1}"},
        )
    assert suggested_queries(client, "report a printer") == [typed]


def log_answered(store: Store, query: str, answer: str, people: int) -> None:
    for n in range(people):
        store.log_search(
            SearchEvent(query=query, answered=True, person=f"person-{n}", answer_id=answer)
        )


def suggested_queries(client: FlaskClient, prefix: str) -> list[str]:
    found = client.get("/api/suggest", query_string={"q": prefix}).get_json()["suggestions"]
    return [s["text"] for s in found if s["kind"] == "query"]


def test_suggestions_come_from_answers_the_viewer_may_read(
    client: FlaskClient, store: Store, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = make_article("hr/salary-bands.md", "Salary bands", "Bands.", audience=("hr",))
    monkeypatch.setitem(ARTICLES, secret.id, secret)
    log_answered(store, "salary bands for team leads 2026", "hr/salary-bands.md", 4)
    log_answered(store, "salary advance", "hr/sick-leave.md", 4)
    assert suggested_queries(client, "sal") == ["salary advance"]
    sign_in_as(client, "hanna")  # an HR agent may read the HR article
    assert suggested_queries(client, "sal") == [
        "salary advance",
        "salary bands for team leads 2026",
    ]


def test_suggestions_skip_personal_data_and_the_blocklist(
    settings: Settings, engine: FakeEngine, store: Store
) -> None:
    log_answered(store, "reset vpn token for jo@example.org", "hr/sick-leave.md", 5)
    log_answered(store, "reset vpn token +49 170 1234567", "hr/sick-leave.md", 5)
    log_answered(store, "reset vpn password", "hr/sick-leave.md", 5)
    log_answered(store, "reset vpn token", "hr/sick-leave.md", 5)
    log_answered(store, "reset vpn token quickly", "hr/sick-leave.md", 2)  # too few people
    blocked = create_app(
        {
            "KB_SETTINGS": settings.replace(suggest_blocklist="Password, quokka"),
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
        }
    )
    try:
        assert suggested_queries(blocked.test_client(), "reset") == ["reset vpn token"]
    finally:
        services(blocked).close()


def test_suggestions_read_the_past_searches_once_a_minute_not_per_keystroke(
    app: Flask, client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/api/suggest` needs no sign-in and had no limit: each call grouped every
    kept search event starting with the prefix (0.66 s for `a` at 200,000 events
    on SQLite, load average 26), so one visitor asking for `a`, `b`, `c` … in a
    loop kept the workers and the database busy. The candidates are read once a
    minute per process, as the home page's are; each prefix is matched in memory."""
    log_answered(store, "vpn token reset", "hr/sick-leave.md", 4)
    log_answered(store, "vpnclient install", "hr/sick-leave.md", 3)
    log_answered(store, "Parking permit", "hr/sick-leave.md", 5)
    log_answered(store, "parking at night", "hr/sick-leave.md", 2)  # too few people
    calls = count_calls(monkeypatch, store, "popular_queries")
    assert suggested_queries(client, "VPN") == ["vpn token reset", "vpnclient install"]
    assert suggested_queries(client, "park") == ["parking permit"]
    assert suggested_queries(client, "x") == []
    for letter in "abcdefgh":
        suggested_queries(client, letter)
    assert client.get("/").status_code == 200  # the home page shares them
    assert len(calls) == 1


def test_suggest_for_nothing_is_empty(client: FlaskClient) -> None:
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/suggest").get_json()["suggestions"] == []


def test_suggest_refuses_long_prefixes(client: FlaskClient) -> None:
    error_of(client.get("/api/suggest?q=" + "a" * 101), 400, "invalid_request")


def test_suggest_survives_a_failing_store(failing_app: Any) -> None:
    client = failing_app.test_client()
    body = client.get("/api/suggest?q=rep").get_json()
    assert body["suggestions"] == [{"text": "Reporting sick", "kind": "title"}]
