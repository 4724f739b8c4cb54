"""The HTML pages: search, article, ask, feedback without JavaScript, language, headers."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from kb.store.protocols import Store
from webapp import create_app
from webapp.i18n import MESSAGES, format_date


def text_of(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_empty_search_page_has_the_box_and_landmarks(client: FlaskClient, store: Store) -> None:
    html = text_of(client.get("/"))
    assert 'role="search"' in html and 'role="combobox"' in html
    assert '<label for="q"' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    assert store.search_events() == []  # nothing searched, nothing logged


def test_search_page_shows_answer_results_and_filters(client: FlaskClient) -> None:
    html = text_of(client.get("/?q=sick"))
    assert 'class="panel answer-card"' in html
    assert "<mark>Tell your manager by 9:30.</mark> &lt;b&gt;Bold&lt;/b&gt; claims." in html
    assert html.count('class="result"') == 3
    assert "Human Resources" in html and "IT Service Desk" in html
    assert '<option value="hr">Human Resources</option>' in html
    assert "<script>x</script>" not in html  # snippets keep only <mark>
    assert 'hreflang="de"' in html  # the German article is marked as such
    search_id = re.search(r'data-search-id="(\d+)"', html)
    assert search_id is not None
    assert f"/articles/hr/sick-leave.md?sid={search_id.group(1)}" in html


def test_department_filter_and_tag_filter(client: FlaskClient) -> None:
    html = text_of(client.get("/?q=anything&department=it"))
    assert html.count('class="result"') == 1
    assert '<option value="it" selected>' in html
    assert "Remove filter IT Service Desk" in html
    html = text_of(client.get("/?q=anything&tag=krank"))
    assert html.count('class="result"') == 1
    assert 'value="krank" checked' in html


def test_unanswered_search_offers_to_ask_the_department(client: FlaskClient) -> None:
    html = text_of(client.get("/?q=zzz"))
    assert "We could not find a confident answer" in html
    # The ask link carries the question, the suggested department, its confidence
    # and the search it came from.
    search_id = re.search(r'data-search-id="(\d+)"', html)
    assert search_id is not None
    assert (
        f'href="/ask/?q=zzz&amp;department=it&amp;sid={search_id.group(1)}&amp;confidence=0.600"'
        in html
    )
    assert "Ask IT Service Desk" in html
    assert "Did you mean" in html and 'href="/?q=vpn"' in html


def test_pagination_links(client: FlaskClient) -> None:
    html = text_of(client.get("/?q=x&k=1&page=2"))
    assert 'aria-current="page"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'href="/?q=x&amp;k=1&amp;page=3"' in html
    assert '<ol class="results" start="2">' in html


def test_article_page_shows_metadata_and_related(client: FlaskClient) -> None:
    html = text_of(client.get("/articles/hr/sick-leave.md?sid=5"))
    assert '<h1 id="article-h">Reporting sick</h1>' in html
    assert "hr-content@example.com" in html
    assert '<time datetime="2026-05-20">20 May 2026</time>' in html
    assert '<time datetime="2026-11-20">20 November 2026</time>' in html
    assert 'href="/articles/hr/krankmeldung.md">Krankmeldung</a>' in html
    assert 'name="search_id" value="5"' in html


def test_article_page_is_clean_of_hostile_content(client: FlaskClient) -> None:
    html = text_of(client.get("/articles/it/hostile.md")).lower()
    body = html.split('<div class="article-body">')[1].split("</article>")[0]
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "style="):
        assert bad not in body, bad
    csp = client.get("/articles/it/hostile.md").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp


def test_feedback_form_works_without_javascript(client: FlaskClient, store: Store) -> None:
    response = client.post(
        "/articles/hr/sick-leave.md/feedback",
        data={"helpful": "no", "comment": "Missing phone number", "search_id": ""},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/articles/hr/sick-leave.md?feedback=thanks#feedback"
    [vote] = store.feedback_events()
    assert (vote.helpful, vote.comment, vote.search_id) == (False, "Missing phone number", None)
    html = text_of(client.get(response.headers["Location"]))
    assert "Thank you for your feedback." in html


def test_answer_card_vote_returns_to_the_search(client: FlaskClient, store: Store) -> None:
    response = client.post(
        "/articles/hr/sick-leave.md/feedback",
        data={"helpful": "yes", "search_id": "", "next": "/?q=sick"},
    )
    assert response.headers["Location"] == "/?q=sick&feedback=thanks#feedback"
    assert "Thank you for your feedback." in text_of(client.get("/?q=sick&feedback=thanks"))
    # Never a redirect off the site.
    response = client.post(
        "/articles/hr/sick-leave.md/feedback",
        data={"helpful": "yes", "next": "https://evil.example/"},
    )
    assert response.headers["Location"].startswith("/articles/hr/sick-leave.md")
    response = client.post(
        "/articles/hr/sick-leave.md/feedback", data={"helpful": "yes", "next": "//evil.example/"}
    )
    assert response.headers["Location"].startswith("/articles/hr/sick-leave.md")


def test_feedback_form_errors(client: FlaskClient) -> None:
    response = client.post("/articles/hr/sick-leave.md/feedback", data={"helpful": "maybe"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    response = client.post("/articles/hr/nope.md/feedback", data={"helpful": "yes"})
    assert response.status_code == 404
    for origin in ("https://evil.example", "null"):
        response = client.post(
            "/articles/hr/sick-leave.md/feedback",
            data={"helpful": "yes"},
            headers={"Origin": origin},
        )
        assert response.status_code == 403, origin
    response = client.post(
        "/articles/hr/sick-leave.md/feedback",
        data={"helpful": "yes"},
        headers={"Origin": "http://localhost"},  # the test client's own host
    )
    assert response.status_code == 303


def test_ask_needs_sign_in_and_keeps_the_question(client: FlaskClient) -> None:
    # The ask form itself is tested in test_requests_pages.py.
    response = client.get("/ask/?q=Where+is+my+payslip%3F&department=hr")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        "/auth/sign-in?next=/ask/?q%3DWhere%2Bis%2Bmy%2Bpayslip%253F%26department%3Dhr"
    )


def test_language_follows_accept_language_and_can_be_overridden(client: FlaskClient) -> None:
    html = text_of(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}))
    assert '<html lang="de">' in html and "Wissensdatenbank durchsuchen" in html
    html = text_of(client.get("/?hl=en", headers={"Accept-Language": "de"}))
    assert '<html lang="en">' in html
    # The choice is remembered.
    html = text_of(client.get("/", headers={"Accept-Language": "de"}))
    assert '<html lang="en">' in html
    html = text_of(client.get("/?hl=xx", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in html  # unknown codes are ignored


def test_german_article_page_dates(client: FlaskClient) -> None:
    html = text_of(client.get("/articles/hr/sick-leave.md?hl=de"))
    assert "20. Mai 2026" in html and "Zuletzt aktualisiert" in html


def test_both_catalogues_have_the_same_messages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["de"])
    assert format_date("de", None) == ""


def test_static_assets_are_served_by_the_app(client: FlaskClient) -> None:
    html = text_of(client.get("/"))
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
    assert "http://" not in html and "https://" not in html  # nothing from outside


def test_create_app_takes_a_mapping_of_settings(tmp_path: object) -> None:
    app: Flask = create_app(
        {"max_query_chars": 5, "secret_key": "s", "TESTING": True, "index_dir": str(tmp_path)}
    )
    from webapp.services import services

    assert services(app).settings.max_query_chars == 5
    assert app.testing and app.secret_key == "s"
