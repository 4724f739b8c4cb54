"""One error shape: JSON under /api/ (also for Flask's own errors), HTML elsewhere."""

from __future__ import annotations

import html
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.errors import (
    ConflictError,
    KbError,
    PermissionDenied,
    StoreUnavailableError,
    ValidationError,
)
from tests.support import FakeEngine, error_of, sign_in_as
from webapp.security import path_for_links
from webapp.throttle import RateLimited


def test_the_error_shape_is_pinned(client: FlaskClient) -> None:
    response = client.get("/api/search?q=x&k=0")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "code": "invalid_request",
            "message": "Results per page (k): please give a number from 1 to 100.",
            "details": {"field": "k", "value": 0, "min": 1, "max": 100},
        }
    }


def test_flask_404_under_api_is_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert "/api/nothing-here" in response.get_json()["error"]["message"]


def test_flask_405_under_api_is_json_with_allow(client: FlaskClient) -> None:
    response = client.delete("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    response = client.get("/api/click")
    assert response.status_code == 405
    assert response.get_json()["error"] == {
        "code": "method_not_allowed",
        "message": "GET is not allowed on /api/click",
        "details": {},
    }


def test_unexpected_exceptions_are_500_and_logged(
    client: FlaskClient,
    engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(_query: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(engine, "search", explode)
    with caplog.at_level(logging.ERROR, logger="webapp.errors"):
        response = client.get("/api/search?q=x")
    assert response.status_code == 500
    error = response.get_json()["error"]
    assert error["code"] == "internal_error"
    assert "secret" not in error["message"]
    assert "secret internals" in caplog.text


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ValidationError("bad", details={"field": "x"}), 400, "invalid_request"),
        (ConflictError("stale"), 409, "conflict"),
        (KbError("boom"), 500, "internal_error"),
    ],
)
def test_domain_errors_keep_status_code_and_details(
    app: Flask, exc: KbError, status: int, code: str
) -> None:
    @app.get("/api/_raise")
    def _raise() -> str:
        raise exc

    response = app.test_client().get("/api/_raise")
    assert response.status_code == status
    assert response.get_json()["error"] == {
        "code": code,
        "message": exc.message,
        "details": exc.details,
    }


def test_pages_get_an_html_error_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"We could not find that page" in response.data
    response = client.get("/?q=x&page=zero")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert b"Please check your input" in response.data
    assert b"Page: please give a whole number." in response.data
    assert b"invalid_request" not in response.data
    response = client.get("/articles/hr/nope.md")
    assert response.status_code == 404 and response.mimetype == "text/html"


# Addresses of pages not found whose path, written back into a link as it was
# decoded, a browser reads as another host ("/\\evil.example", "/<tab>/evil.example").
OFF_SITE_PATHS = (
    "/%5Cevil.example/x",
    "/%5C/evil.example",
    "/%09/evil.example/",
)


@pytest.mark.parametrize("path", OFF_SITE_PATHS)
def test_a_page_not_found_links_only_to_this_site(client: FlaskClient, path: str) -> None:
    """The language links of a page not found repeat the address asked for: for
    `/%5Cevil.example/x` they were `/\\evil.example/x?hl=de`, which took whoever
    chose a language to evil.example."""
    response = client.get(path)
    assert response.status_code == 404
    links = [
        html.unescape(h) for h in re.findall(r'href="([^"]*)"', response.get_data(as_text=True))
    ]
    paths = [link for link in links if not link.startswith("#")]  # the skip link
    # Each leads to this site as a browser reads it (`local_path`, stricter, also
    # refuses the encoded backslash these links keep of the address asked for).
    assert paths and all(_stays_here(link) for link in paths), paths
    switch = [link for link in links if "hl=" in link]
    assert switch and all("evil.example" not in urlsplit(link).netloc for link in switch)
    assert all(not link.startswith("//") and "\\" not in link for link in switch), switch


def _stays_here(link: str) -> bool:
    parts = urlsplit(link)
    plain = not re.search(r"[\x00-\x1f\x7f\\]", parts.path)
    return not parts.scheme and not parts.netloc and link[:1] == "/" and plain


def test_path_for_links_keeps_the_path_and_leads_nowhere_else() -> None:
    assert path_for_links("/articles/hr/sick-leave.md") == "/articles/hr/sick-leave.md"
    assert path_for_links("/requests/queue/it") == "/requests/queue/it"
    assert path_for_links("/articles/hr/Übersicht 2027.md") == (
        "/articles/hr/%C3%9Cbersicht%202027.md"
    )
    assert path_for_links("/\\evil.example/x") == "/%5Cevil.example/x"
    assert path_for_links("/\t/evil.example/") == "/%09/evil.example/"
    assert path_for_links("//evil.example/") == "/evil.example/"


def test_html_error_pages_follow_the_language(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert b"Diese Seite gibt es nicht." in response.data


def test_error_messages_name_the_field_as_the_form_does_in_the_readers_language(
    client: FlaskClient,
) -> None:
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    long_query = "x" * 600
    page = client.get(f"/?q={long_query}", headers=german)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Bitte prüfen Sie Ihre Eingabe" in text
    assert "Suche: 600 Zeichen; erlaubt sind höchstens 500." in text
    assert "invalid_request" not in text and "q:" not in text
    api = client.get(f"/api/search?q={long_query}", headers=german)
    assert api.status_code == 400
    assert api.get_json()["error"] == {
        "code": "invalid_request",
        "message": "Suche (q): 600 Zeichen; erlaubt sind höchstens 500.",
        "details": {"field": "q", "length": 600, "max": 500},
    }
    empty = client.get("/api/search?q=", headers={"Accept-Language": "en"})
    assert empty.get_json()["error"]["message"] == "Please type a question into the search box."
    missing = client.get("/api/nothing-here", headers=german)
    assert missing.get_json()["error"]["message"].startswith("Unter /api/nothing-here gibt es")


def test_a_refusal_says_who_may_in_the_readers_language(app: Flask, people: dict[str, Any]) -> None:
    client = app.test_client()
    sign_in_as(client, "emma")
    page = client.get("/requests/queue/it", headers={"Accept-Language": "de"})
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "Das dürfen Sie nicht" in text and "Something went wrong" not in text
    assert "nur die Bearbeitenden der Abteilung IT Service Desk" in text
    assert "die Rolle „Bearbeitende – IT Service Desk“" in text and "agent:it" not in text
    assert "forbidden" not in text


def test_signing_in_first_is_asked_for_in_the_readers_language(client: FlaskClient) -> None:
    answer = client.get("/api/requests", headers={"Accept-Language": "de"})
    assert answer.status_code == 401
    assert answer.get_json()["error"] == {
        "code": "unauthenticated",
        "message": "Bitte melden Sie sich zuerst an.",
        "details": {},
    }
    # The same words wherever signing in is needed: it spoke of requests on insights too.
    insights = client.get("/api/insights/overview").get_json()["error"]
    assert insights["message"] == "Please sign in first."


def test_a_query_string_that_is_not_utf8_is_a_400_in_the_readers_language(
    client: FlaskClient,
) -> None:
    """Raw bytes sent unencoded in the request line (`GET /?q=\\xff`): Werkzeug
    cannot decode the query, and the error page could not choose its language."""

    def get(path: str, query: str, lang: str = "en") -> Any:
        # The WSGI server hands the request line's bytes on as Latin-1 characters.
        environ = {"QUERY_STRING": query}
        return client.get(path, environ_overrides=environ, headers={"Accept-Language": lang})

    error = error_of(get("/api/search", "q=\xff&k=5", "de"), 400, "invalid_request")
    assert error["details"] == {"field": "q", "reason": "not_utf8"}
    assert error["message"].startswith("Suche (q): ist kein UTF-8-Text;")
    page = get("/", "q=caf\xe9")
    assert page.status_code == 400
    assert page.mimetype == "text/html"
    assert "Search: is not UTF-8 text;" in page.get_data(as_text=True)
    # The parameters that decode still count: `hl` chooses the page's language.
    german = get("/articles/", "hl=de&q=\xff\xfe")
    assert german.status_code == 400
    assert 'lang="de"' in german.get_data(as_text=True)
    assert "ist kein UTF-8-Text" in german.get_data(as_text=True)
    # Raw UTF-8 bytes are UTF-8: "ü" unencoded is a search like any other.
    assert get("/api/search", "q=m\xc3\xbcnchen").status_code == 200


_PAGE_ERRORS = {
    400: lambda: ValidationError("bad input", details={"field": "x"}),
    403: lambda: PermissionDenied("only agents may"),
    409: lambda: ConflictError("changed meanwhile"),
    429: lambda: RateLimited("too many", 30, {}),
    500: lambda: RuntimeError("secret internals at /srv/kb/var"),
    503: lambda: StoreUnavailableError("database is locked: /srv/kb/var/kb.db"),
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_error_page_keeps_the_search_box_and_ways_on(app: Flask, lang: str) -> None:
    """An employee who meets an error on any page (not only search) can search
    again, go home or ask from it, in their language; a server error or an
    outage tells nothing of the server."""

    @app.get("/_page_error/<int:status>")
    def _page_error(status: int) -> str:
        raise _PAGE_ERRORS[status]()

    client = app.test_client()
    headers = {"Accept-Language": lang}
    pages = {404: client.get("/no/such/page", headers=headers)}
    pages[405] = client.delete("/catalogue/", headers=headers)
    pages.update({s: client.get(f"/_page_error/{s}", headers=headers) for s in _PAGE_ERRORS})
    ways = {"en": "Go to the home page", "de": "Zur Startseite"}[lang]
    ask = {"en": "Ask a question in your own words", "de": "Eine Frage in eigenen Worten"}[lang]
    for status, page in pages.items():
        assert page.status_code == status and page.mimetype == "text/html"
        text = page.get_data(as_text=True)
        header = text.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
        assert 'role="search"' in header and 'action="/"' in header and 'id="q"' in header, status
        assert f'<html lang="{lang}">' in text
        assert f'<a href="/">{ways}</a>' in text, status
        assert 'href="/ask/"' in text and ask in text, status
        assert "/srv/kb" not in text and "secret" not in text, status


def test_a_file_s_problem_answered_as_an_error_is_worded_in_the_reader_s_language() -> None:
    """A department file that is not UTF-8, met by a page or the API, was answered in
    English whatever the page's language; its English message is as before."""
    from kb.content.problem_texts import content_error
    from webapp.errors import message_for

    exc = content_error("department_not_utf8", "hr/_department.yml", kind="department")
    assert (
        message_for(exc, "en") == exc.message == "hr/_department.yml: department file is not UTF-8"
    )
    assert message_for(exc, "de") == (
        "hr/_department.yml: Die Abteilungsdatei ist nicht in UTF-8 gespeichert"
    )


def test_a_signed_in_caller_hears_405_and_404_not_a_missing_token(client: FlaskClient) -> None:
    """A wrong method or address with a session cookie answered 403 "needs the
    CSRF token": a call no view takes changes nothing, and is told what it is."""
    sign_in_as(client, "emma")
    wrong = client.put("/api/search")
    assert wrong.status_code == 405, wrong.get_json()
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"
    assert client.post("/api/nothing-here").status_code == 404
    assert client.delete("/catalogue/").status_code == 405
    # A view that does take the call still wants the token.
    assert client.post("/api/click", json={}).status_code == 403


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_body_that_is_no_object_is_told_the_call_s_own_fields(
    client: FlaskClient, lang: str
) -> None:
    """Every call's error showed /api/click's example, {"rank": 1}."""
    error = error_of(
        client.post("/api/feedback", json=[1], headers={"Accept-Language": lang}),
        400,
        "invalid_request",
    )
    assert "article_id" in error["message"] and "rank" not in error["message"]
    assert "article_id" in error["details"]["fields"] and error["details"]["body"] == "list"


def test_opening_a_form_s_address_says_what_it_is_and_what_to_do(client: FlaskClient) -> None:
    """A link followed to the sign-out address (or a queue's bulk change) read
    "Something went wrong: GET is not allowed on /auth/sign-out", saying neither
    what the address is nor what to do."""
    for lang, heading, said in (
        ("en", "This address is not opened this way", "is where a form is sent, not a page"),
        ("de", "Diese Adresse wird nicht so geöffnet", "wird ein Formular gesendet"),
    ):
        page = client.get("/auth/sign-out", headers={"Accept-Language": lang})
        assert page.status_code == 405 and "POST" in page.headers["Allow"]
        text = page.get_data(as_text=True)
        assert f'<h1 id="error-h">{heading}</h1>' in text, lang
        assert said in text and "/auth/sign-out" in text, lang
        assert "GET" not in text.split('id="main"', 1)[1], lang
        api = client.get("/api/click", headers={"Accept-Language": lang})  # programs: as before
        assert api.status_code == 405 and "GET" in api.get_json()["error"]["message"]
