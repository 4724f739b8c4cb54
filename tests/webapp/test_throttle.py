"""Rate limits: sign-in per account and per address, searches and asks per
address, 429 with Retry-After in the one error shape, counted in the database
every worker shares; sign-ins are logged (security review, issue 13: 200 wrong
passwords and then the right one signed in)."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from tests.support import error_of, post_request_form, refused_page
from webapp.services import services

PASSWORD = "correct horse"


def documents_429(client: FlaskClient, path: str, method: str) -> bool:
    """True when the API's own document says `method path` may answer 429 with
    Retry-After (a client generated from it must expect the limit)."""
    document = client.get("/api/openapi.json").get_json()
    answer = document["paths"][path][method]["responses"].get("429")
    if answer is None:
        return False
    ref = answer.get("$ref", "").rsplit("/", 1)[-1]
    answer = document["components"]["responses"].get(ref, answer)
    return "Retry-After" in answer.get("headers", {})


def sign_in(client: FlaskClient, username: str, password: str, address: str = "10.0.0.1") -> Any:
    page = client.get("/auth/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token is not None
    return client.post(
        "/auth/sign-in",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guessing_a_password_is_stopped_per_account(make_app: Any) -> None:
    app = make_app(signin_limit_account="5 per 15 minutes", signin_limit_address="")
    add_user(services(app).store, "paula", "employee", password=PASSWORD)
    client = app.test_client()
    for n in range(5):
        assert sign_in(client, "paula", f"guess {n}", f"10.0.0.{n}").status_code == 401
    refused = sign_in(client, "Paula", PASSWORD, "10.0.9.9")  # the right one, elsewhere
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    assert sign_in(client, "olga", "wrong guess").status_code == 401  # other accounts go on


def test_sign_in_attempts_are_limited_per_address(make_app: Any) -> None:
    app = make_app(signin_limit_address="3 per 15 minutes")
    client = app.test_client()
    for name in ("a", "b", "c"):
        assert sign_in(client, name, "wrong guess").status_code == 401
    assert sign_in(client, "d", "wrong guess").status_code == 429
    assert sign_in(client, "d", "wrong guess", "10.0.0.2").status_code == 401


def test_searches_over_the_limit_get_429_in_the_error_shape(make_app: Any) -> None:
    client = make_app(search_limit="3 per minute").test_client()
    for _ in range(3):
        assert client.get("/api/search?q=sick").status_code == 200
    over = client.get("/api/search?q=sick")
    error = error_of(over, 429, "rate_limited")
    assert error["details"]["limit"] == "search_limit"
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert client.get("/?q=sick").status_code == 429  # the page counts too
    other = client.get("/api/search?q=sick", environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200
    assert documents_429(client, "/api/search", "get")


def test_asks_are_limited_per_address(make_app: Any, request_content: Any) -> None:
    app = make_app(ask_limit="2 per hour")
    store = services(app).store
    add_user(store, "emma", "employee")
    from tests.support import sign_in_as

    client = app.test_client()
    token = sign_in_as(client, "emma")
    headers = {"X-CSRF-Token": token}
    for n in range(2):
        created = client.post("/api/requests", json={"query": f"help {n}"}, headers=headers)
        assert created.status_code == 201, created.get_json()
    error_of(
        client.post("/api/requests", json={"query": "more"}, headers=headers), 429, "rate_limited"
    )
    assert documents_429(client, "/api/requests", "post")


def test_a_retried_filing_is_answered_at_the_ask_limit(make_app: Any, request_content: Any) -> None:
    """A retry with the idempotency key of a request filed already files
    nothing and costs nothing: it is answered with that request even over the
    limit (a client that timed out must not read "too many" about a request
    that was filed), and does not count, on the API as on the ask form."""
    import re

    from tests.support import sign_in_as

    app = make_app(ask_limit="2 per hour")
    add_user(services(app).store, "emma", "employee")
    client = app.test_client()
    headers = {"X-CSRF-Token": sign_in_as(client, "emma")}

    def file(query: str, key: str) -> Any:
        return client.post(
            "/api/requests", json={"query": query}, headers=headers | {"Idempotency-Key": key}
        )

    first = file("help 0", "k-0")
    assert first.status_code == 201, first.get_json()
    for _ in range(3):  # retries spend nothing of the limit
        assert file("help 0", "k-0").get_json()["id"] == first.get_json()["id"]
    page = client.get("/ask/?q=help+1").get_data(as_text=True)
    form = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
        for name in ("csrf_token", "idempotency_key")
    }
    sent = form | {"query": "help 1", "department": "it"}
    assert client.post("/ask/", data=sent).status_code == 303
    assert client.post("/ask/", data=sent).status_code == 303  # a double click
    error_of(file("help 2", "k-2"), 429, "rate_limited")  # the third filing
    assert file("help 0", "k-0").status_code == 201  # a retry, over the limit
    assert len(services(app).store.list_requests(requester="emma")) == 2


def test_votes_are_limited_per_address(make_app: Any) -> None:
    """Votes and comments need no sign-in and no search: one client could cast
    thousands and make any article look unhelpful (or helpful) to its content
    owners and the analysts, or bury them in comments."""
    client = make_app(feedback_limit="3 per hour").test_client()
    vote = {"article_id": "hr/sick-leave.md", "helpful": False}
    for _ in range(2):
        assert client.post("/api/feedback", json=vote).status_code == 201
    page = client.post("/articles/hr/sick-leave.md/feedback", data={"helpful": "no"})
    assert page.status_code == 303  # the page's form counts too
    error = error_of(client.post("/api/feedback", json=vote), 429, "rate_limited")
    assert error["details"]["limit"] == "feedback_limit"
    assert (
        client.post("/articles/hr/sick-leave.md/feedback", data={"helpful": "no"}).status_code
        == 429
    )
    other = client.post("/api/feedback", json=vote, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 201
    assert documents_429(client, "/api/feedback", "post")


def test_replies_on_requests_are_limited_per_account(make_app: Any, request_content: Any) -> None:
    """Each reply mails the queue and the request's watchers: one account (or a
    script with its session) could flood every inbox that follows a request."""
    from tests.support import sign_in_as

    app = make_app(reply_limit="2 per hour")
    store = services(app).store
    add_user(store, "emma", "employee")
    add_user(store, "ivan", "admin")
    client = app.test_client()
    token = sign_in_as(client, "emma")
    created = client.post(
        "/api/requests", json={"query": "my VPN drops"}, headers={"X-CSRF-Token": token}
    )
    assert created.status_code == 201, created.get_json()
    url = f"/api/requests/{created.get_json()['id']}"
    keyed = {"X-CSRF-Token": token, "Idempotency-Key": "more-0"}
    for n in range(2):
        sent = client.post(f"{url}/comments", json={"text": f"more {n}"}, headers=keyed)
        assert sent.status_code == 201, sent.get_json()
        keyed = {"X-CSRF-Token": token}
    over = client.post(f"{url}/comments", json={"text": "again"}, headers={"X-CSRF-Token": token})
    assert error_of(over, 429, "rate_limited")["details"]["limit"] == "reply_limit"
    assert int(over.headers["Retry-After"]) >= 1
    # A retry of a reply posted already is answered, not counted or refused.
    retried = client.post(
        f"{url}/comments",
        json={"text": "more 0"},
        headers={"X-CSRF-Token": token, "Idempotency-Key": "more-0"},
    )
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    request_id = created.get_json()["id"]
    page = post_request_form(client, token, request_id, "comment", text="typed by hand")
    assert "typed by hand" in refused_page(client, page)  # the page's form counts too
    history = client.get(url).get_json()["history"]
    assert [e["kind"] for e in history].count("comment") == 2  # nothing past the limit
    files = {"files": (io.BytesIO(b"log"), "vpn.log")}
    attached = client.post(f"{url}/attachments", data=files, headers={"X-CSRF-Token": token})
    assert error_of(attached, 429, "rate_limited")["details"]["limit"] == "reply_limit"
    for path in ("/api/requests/{request_id}/comments", "/api/requests/{request_id}/attachments"):
        assert documents_429(client, path, "post")
    ivan = sign_in_as(client, "ivan")  # another account goes on
    sent = client.post(f"{url}/comments", json={"text": "on it"}, headers={"X-CSRF-Token": ivan})
    assert sent.status_code == 201, sent.get_json()


def test_counts_are_shared_by_every_worker_of_the_database(make_app: Any) -> None:
    first = make_app(search_limit="4 per minute").test_client()
    second = make_app(search_limit="4 per minute").test_client()  # another process's app
    for client in (first, second, first, second):
        assert client.get("/api/search?q=vpn").status_code == 200
    assert first.get("/api/search?q=vpn").status_code == 429
    assert second.get("/api/search?q=vpn").status_code == 429


def test_a_bad_limit_stops_the_app_from_starting(make_app: Any) -> None:
    from kb.errors import ConfigError

    with pytest.raises(ConfigError, match="search_limit must be a rate"):
        make_app(search_limit="lots")


def test_sign_ins_are_logged_with_the_address(
    make_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()
    add_user(services(app).store, "paula", "employee", password=PASSWORD)
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="webapp"):
        sign_in(client, "paula", "wrong guess", "10.0.0.5")
        sign_in(client, "paula", PASSWORD, "10.0.0.6")
    failed = [r for r in caplog.records if "failed sign-in" in r.getMessage()]
    assert failed and failed[0].levelno == logging.WARNING and "10.0.0.5" in failed[0].getMessage()
    assert any(
        "paula signed in from 10.0.0.6" in r.getMessage() and r.levelno == logging.INFO
        for r in caplog.records
    )


def test_refusals_speak_the_reader_s_language(make_app: Any) -> None:
    """A German reader over a limit got "too many votes from your address; wait
    12 s", in English, in the API's message and on the page alike."""
    client = make_app(feedback_limit="1 per hour", search_limit="1 per hour").test_client()
    german = {"Accept-Language": "de"}
    vote = {"article_id": "hr/sick-leave.md", "helpful": True}
    assert client.post("/api/feedback", json=vote, headers=german).status_code == 201
    error = error_of(client.post("/api/feedback", json=vote, headers=german), 429, "rate_limited")
    assert error["message"].startswith("Zu viele Rückmeldungen zu Artikeln von Ihrer Adresse")
    assert re.search(r"bitte warten Sie \d+ s\.$", error["message"]), error["message"]
    page = client.post(
        "/articles/hr/sick-leave.md/feedback", data={"helpful": "no"}, headers=german
    ).get_data(as_text=True)
    assert "Zu viele Rückmeldungen zu Artikeln" in page and "too many" not in page
    assert client.get("/?q=vpn", headers=german).status_code == 200
    searched = client.get("/?q=vpn", headers=german)
    assert searched.status_code == 429
    assert "Zu viele Suchen von Ihrer Adresse" in searched.get_data(as_text=True)
    english = error_of(client.get("/api/search?q=vpn&hl=en"), 429, "rate_limited")
    assert english["message"].startswith("Too many searches from your address; please wait")


def test_a_requester_s_own_status_changes_and_ratings_are_limited(
    make_app: Any, request_content: Any
) -> None:
    """Closing, reopening and rating one's own request each mail the queue and
    every watcher the requester chose: toggling close and reopen in a loop
    flooded those inboxes, uncounted, while replies were limited. The queue's
    agents working the request are not counted."""
    from datetime import UTC, datetime, timedelta

    from tests.support import filed_request, sign_in_as

    app = make_app(
        reply_limit="3 per hour", smtp_host="mail.example.org", mail_domain="example.com"
    )
    store = services(app).store
    for name, role, department in (("emma", "employee", None), ("olga", "employee", None)):
        add_user(store, name, role, department)
    add_user(store, "ivan", "agent", "it")
    client = app.test_client()
    request_id = filed_request(client, query="my VPN drops")
    url = f"/api/requests/{request_id}"
    emma = {"X-CSRF-Token": sign_in_as(client, "emma")}
    assert (
        client.post(f"{url}/watchers", json={"username": "olga"}, headers=emma).status_code == 200
    )
    ivan = {"X-CSRF-Token": sign_in_as(client, "ivan")}
    for status in ("in_progress", "waiting_for_requester", "in_progress", "resolved"):
        body = {"status": status, **({"resolution": "Restart it."} if status == "resolved" else {})}
        worked = client.patch(url, json=body, headers=ivan)
        assert worked.status_code == 200, worked.get_json()  # the agent is not counted
    token = sign_in_as(client, "emma")
    emma = {"X-CSRF-Token": token}

    def mails() -> int:
        return len(store.due_messages(datetime.now(UTC) + timedelta(days=1), limit=10_000))

    sent = mails()
    rated = client.post(f"{url}/rating", json={"rating": 2}, headers=emma)
    assert rated.status_code == 200, rated.get_json()
    for status in ("in_progress", "closed"):
        moved = client.patch(url, json={"status": status}, headers=emma)
        assert moved.status_code == 200, moved.get_json()
    assert mails() > sent  # each of them mails the watcher
    sent, version = mails(), client.get(url).headers["ETag"]
    over = client.patch(url, json={"status": "in_progress"}, headers=emma)
    assert error_of(over, 429, "rate_limited")["details"]["limit"] == "reply_limit"
    again = client.post(f"{url}/rating", json={"rating": 5}, headers=emma)
    assert error_of(again, 429, "rate_limited")["details"]["limit"] == "reply_limit"
    page = post_request_form(client, token, request_id, "status", status="in_progress")
    assert "Too many" in refused_page(client, page)  # the page's buttons count too
    after = client.get(url)
    assert (after.get_json()["request"]["status"], after.headers["ETag"]) == ("closed", version)
    assert mails() == sent
    for path, method in (
        ("/api/requests/{request_id}", "patch"),
        ("/api/requests/{request_id}/rating", "post"),
    ):
        assert documents_429(client, path, method)


def test_mails_on_requests_are_limited_per_recipient(make_app: Any) -> None:
    """`reply_limit` counts replies, but each reply mails every watcher, added without
    being asked: the mails one account's changes send are counted one per recipient."""
    from tests.support import sign_in_as

    app = make_app(notify_limit="5 per hour", smtp_host="127.0.0.1", mail_domain="example.org")
    store = services(app).store
    for name in ("emma", "ivan", "w1", "w2", "w3", "w4"):
        add_user(store, name, "admin" if name == "ivan" else "employee")
    client = app.test_client()
    token = sign_in_as(client, "emma")
    sent = {"X-CSRF-Token": token}
    created = client.post("/api/requests", json={"query": "my VPN drops"}, headers=sent)
    assert created.status_code == 201, created.get_json()
    request_id = created.get_json()["id"]
    url = f"/api/requests/{request_id}"
    for name in ("w1", "w2", "w3", "w4"):  # each is told once: 4 mails
        added = client.post(f"{url}/watchers", json={"username": name}, headers=sent)
        assert added.status_code in (200, 201), added.get_json()
    over = client.post(f"{url}/comments", json={"text": "any news?"}, headers=sent)
    error = error_of(over, 429, "rate_limited")
    assert error["details"]["limit"] == "notify_limit" and error["details"]["sent"] == 4
    assert int(over.headers["Retry-After"]) >= 1
    page = post_request_form(client, token, request_id, "comment", text="typed by hand")
    shown = refused_page(client, page)
    assert "typed by hand" in shown and "nothing was saved" in shown
    assert [e["kind"] for e in client.get(url).get_json()["history"]].count("comment") == 0
    ivan = sign_in_as(client, "ivan")  # another account's mails are its own
    answer = client.post(f"{url}/comments", json={"text": "on it"}, headers={"X-CSRF-Token": ivan})
    assert answer.status_code == 201, answer.get_json()
