"""The article page and its feedback form, without JavaScript."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import webapp.articles.sanitize as sanitize
from kb.records import Section
from kb.store.protocols import Store
from tests.support import ARTICLES, FakeEngine, count_calls, make_article, sign_in_as, text_of
from tests.webapp.test_security import NOT_PLAIN
from webapp.articles import presenters
from webapp.articles.presenters import MAX_RELATED, MAX_TAGS


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
    page = text_of(client.get("/?q=sick&feedback=thanks"))
    assert "Thank you for your feedback." in page
    # The anchor it returns to is on the page: the vote's own form on the answer card.
    form = page.split('id="feedback"', 1)[1].split("</form>", 1)[0]
    assert "Thank you for your feedback." in form
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


def test_a_vote_never_returns_to_an_address_a_browser_reads_as_another_host(
    client: FlaskClient,
) -> None:
    """A backslash in the path (`/\\evil.example`) or a tab after the first "/"
    passed as a path of this site; a browser goes to evil.example."""
    for target in ("/\\evil.example/", "/\t/evil.example/", *NOT_PLAIN):
        response = client.post(
            "/articles/hr/sick-leave.md/feedback", data={"helpful": "yes", "next": target}
        )
        assert response.headers["Location"].startswith("/articles/hr/sick-leave.md"), target


def test_the_thanks_for_a_vote_stays_on_the_page_it_was_given(client: FlaskClient) -> None:
    """After a vote without JavaScript, the search page's other links (pages,
    filters, language) carried `feedback=thanks` along, so the next answer card
    said "Thank you" for a vote nobody gave and offered no buttons."""
    page = text_of(client.get("/?q=sick&k=1&department=hr&feedback=thanks"))
    links = re.findall(r'href="([^"]*)"', page)
    assert [link for link in links if "q=sick" in link]  # the pages, filters, languages
    assert [link for link in links if "feedback=" in link] == []
    article = text_of(client.get("/articles/hr/sick-leave.md?feedback=thanks"))
    assert [link for link in re.findall(r'href="([^"]*)"', article) if "feedback=" in link] == []


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


def test_a_long_related_list_is_looked_up_only_as_far_as_a_page_lists_it(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each `related:` entry is looked up on every view, and one that names no
    article read again from the renames in the store: an article listing 5,000
    ids took 4 s of every view of its page and its JSON, for any visitor. Only the
    first `MAX_RELATED` entries, each once, are looked up and listed."""
    many = ("hr/krankmeldung.md", "hr/krankmeldung.md", *(f"it/n{i}.md" for i in range(5_000)))
    article = replace(ARTICLES["hr/sick-leave.md"], id="hr/related.md", related=many)
    monkeypatch.setitem(ARTICLES, article.id, article)
    looked_up = count_calls(monkeypatch, presenters, "renamed_to")
    html = text_of(client.get("/articles/hr/related.md"))
    assert 'href="/articles/hr/krankmeldung.md">Krankmeldung</a>' in html
    api = client.get("/api/articles/hr/related.md").get_json()
    assert api["related"] == [{"id": "hr/krankmeldung.md", "title": "Krankmeldung"}]
    assert len(looked_up) == 2 * (MAX_RELATED - 1)


def test_a_page_links_to_only_the_first_tags_of_a_long_list(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each tag is a link made on every view: 40,000 tags took 1 s of every view
    of a public article (and 2.6 MB of page). The page links to the first
    `MAX_TAGS`, each once; the API still answers them all."""
    many = ("sick", "sick", *(f"t{i}" for i in range(5_000)))
    article = replace(ARTICLES["hr/sick-leave.md"], id="hr/tagged.md", tags=many)
    monkeypatch.setitem(ARTICLES, article.id, article)
    html = text_of(client.get("/articles/hr/tagged.md"))
    footer = html[html.index('<footer class="article-tags"') :]
    footer = footer[: footer.index("</footer>")]
    assert footer.count("<li>") == MAX_TAGS and footer.count(">#sick</a>") == 1
    assert len(client.get("/api/articles/hr/tagged.md").get_json()["tags"]) == len(many)


def test_pages_show_the_html_stored_at_index_time(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markdown is never rendered while a page is served (issue 13: hostile
    Markdown rendered in quadratic time on every view)."""
    article = replace(
        ARTICLES["hr/sick-leave.md"],
        id="hr/stored.md",
        body_markdown="**rendered-at-view** " + "[" * 3000,
        body_html='<p>stored-at-index <a href="/hr/sick-leave.md#c-notice">x</a></p>',
        related=(),
    )
    monkeypatch.setitem(ARTICLES, article.id, article)
    html = text_of(client.get("/articles/hr/stored.md"))
    assert "stored-at-index" in html and "rendered-at-view" not in html
    assert 'href="/articles/hr/sick-leave.md#c-notice"' in html
    api = client.get("/api/articles/hr/stored.md").get_json()
    assert "stored-at-index" in api["html"] and "rendered-at-view" not in api["html"]


HEADINGS = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.S)


def page_outline(html: str) -> list[tuple[int, str]]:
    """The headings of the article: its title and its body."""
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    return [(int(level), re.sub(r"<[^>]+>", "", text)) for level, text in HEADINGS.findall(article)]


@pytest.mark.parametrize(
    ("front", "markdown", "body_outline"),
    [
        # The usual file: the title again as `# Title`, sections as `##`.
        (
            "title: Parking permits\n",
            "# Parking permits\n\nApply online.\n\n## Cost\n\n### Discounts\n",
            [(2, "Cost"), (3, "Discounts")],
        ),
        # No `title:`: the first heading is the title, and is said once.
        ("", "# Parking permits\n\nApply online.\n\n## Cost\n", [(2, "Cost")]),
        # Sections written as `#` below the title move one level down.
        (
            "title: Parking permits\n",
            "# Apply\n\nOnline.\n\n## Form\n\n# Cost\n",
            [(2, "Apply"), (3, "Form"), (2, "Cost")],
        ),
    ],
)
def test_an_article_page_has_one_h1_and_its_outline_below_it(
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    front: str,
    markdown: str,
    body_outline: list[tuple[int, str]],
) -> None:
    """A body starting with `# Title` showed a second <h1> under the page's own."""
    from kb.content.markdown_article import parse_article

    raw = f"---\n{front}---\n{markdown}".encode()
    article, _ = parse_article(raw, "facilities/parking.md")
    monkeypatch.setitem(ARTICLES, article.id, article)
    html = text_of(client.get("/articles/facilities/parking.md"))
    assert html.count("<h1") == 1
    assert page_outline(html) == [(1, "Parking permits"), *body_outline]
    api = client.get("/api/articles/facilities/parking.md").get_json()
    assert "<h1" not in api["html"]
    # The index keeps the headings as written.
    assert article.sections[0].headings[0] == markdown.split("\n", 1)[0][2:]


def test_an_article_opened_from_results_leads_back_to_them(app: Flask, client: FlaskClient) -> None:
    """ "Back to search" under an article opened from the results led to the empty
    search box: the question, filters and page were gone. It now leads back to
    that results page, for the browser that searched only."""
    page = text_of(client.get("/?q=sick+note&department=hr&tag=sick&k=1&page=1"))
    found = re.search(r'data-search-id="(\d+)"', page)
    assert found is not None
    article = text_of(client.get(f"/articles/hr/sick-leave.md?sid={found.group(1)}"))
    back = '<a href="/?q=sick+note&amp;department=hr&amp;tag=sick">← Back to the results</a>'
    assert back in article
    # Another browser with the same link sees the plain way back, not the question.
    other = text_of(app.test_client().get(f"/articles/hr/sick-leave.md?sid={found.group(1)}"))
    assert "sick+note" not in other and '<a href="/">← Back to search</a>' in other
    # Unknown, malformed and huge ids too.
    for sid in ("999", "x", "9" * 40):
        plain = text_of(client.get(f"/articles/hr/sick-leave.md?sid={sid}"))
        assert '<a href="/">← Back to search</a>' in plain


def test_an_article_that_does_not_help_leads_on_to_its_department(
    app: Flask, client: FlaskClient
) -> None:
    """After "No, it did not help" an article page ended in "Thank you": the
    answer card offers "Ask <department>", the article page did not. It does
    now, with the question when the browser came from its own search."""
    page = text_of(client.get("/?q=sick+note"))
    found = re.search(r'data-search-id="(\d+)"', page)
    assert found is not None
    sid = found.group(1)
    ask = f'<a class="ask-link" href="/ask/?q=sick+note&amp;department=hr&amp;sid={sid}">'
    article = text_of(client.get(f"/articles/hr/sick-leave.md?sid={sid}"))
    assert f"Not what you need? {ask}Ask Human Resources</a>" in article
    thanked = client.post(
        f"/articles/hr/sick-leave.md/feedback?sid={sid}",
        data={"helpful": "no", "search_id": sid},
        follow_redirects=True,
    )
    assert "Thank you" in text_of(thanked) and ask in text_of(thanked)
    # Another browser's link names no question; without a search, the department only.
    other = text_of(app.test_client().get(f"/articles/hr/sick-leave.md?sid={sid}"))
    assert '<a class="ask-link" href="/ask/?department=hr">' in other and "sick+note" not in other


def test_an_article_opened_from_results_shows_with_the_store_down(failing_app: Flask) -> None:
    page = text_of(failing_app.test_client().get("/articles/hr/sick-leave.md?sid=3"))
    assert '<a href="/">← Back to search</a>' in page


def _vote_form(page: str) -> tuple[str, dict[str, str]]:
    """The answer card's vote form as a browser without JavaScript posts it."""
    form = page.split('id="feedback"', 1)[1].split("</form>", 1)[0]
    action = html.unescape(re.findall(r'action="([^"]+)"', form)[0])
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form)
    }
    return action, fields


def test_a_vote_on_the_answer_is_not_counted_as_another_search(
    client: FlaskClient, store: Store
) -> None:
    """The page the vote returns to shows the same search again: insights count
    the one search the person made, and clicks after the vote belong to it."""
    page = text_of(client.get("/?q=sick"))
    [searched] = store.search_events()
    action, fields = _vote_form(page)
    response = client.post(action, data={**fields, "helpful": "yes"}, follow_redirects=True)
    after = text_of(response)
    assert "Thank you for your feedback." in after
    assert "Reporting sick" in after
    assert f'data-search-id="{searched.id}"' in after
    assert [event.id for event in store.search_events()] == [searched.id]
    [vote] = store.feedback_events()
    assert (vote.helpful, vote.search_id) == (True, searched.id)


def test_the_thanks_marker_hides_no_search_but_a_repeat_of_ones_own(
    app: Flask, client: FlaskClient, store: Store
) -> None:
    client.get("/?q=sick")
    [searched] = store.search_events()
    # Another browser pointing at that search, or another question under the
    # marker, is a search of its own and is logged.
    app.test_client().get(f"/?q=sick&feedback=thanks&sid={searched.id}")
    client.get(f"/?q=vacation&feedback=thanks&sid={searched.id}")
    client.get(f"/?q=sick&sid={searched.id}")
    assert len(store.search_events()) == 4


def test_stored_html_nested_too_deeply_is_never_sanitised_on_view(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article indexed before the nesting limit keeps its stored HTML until
    `kb index --full`; sanitising 20,000 nested `<div>`s took 4 s per view.
    Its page shows the indexed text instead, and the sanitiser never sees it."""
    depth = 150
    deep = replace(
        ARTICLES["it/hostile.md"],
        id="it/deep.md",
        title="Deep",
        body_html="<div>" * depth + "<p>Hidden inside</p>" + "</div>" * depth,
        sections=(Section(headings=(), text="Restart the router first."),),
    )
    monkeypatch.setattr(engine, "article", {**ARTICLES, deep.id: deep}.get)
    calls = count_calls(monkeypatch, sanitize, "sanitize_article_html")
    page = text_of(client.get("/articles/it/deep.md"))
    assert "<p>Restart the router first.</p>" in page
    assert "Hidden inside" not in page
    assert calls == []
    # A shallow article is shown from its HTML as before.
    assert "<strong>by 9:30</strong>" in text_of(client.get("/articles/hr/sick-leave.md"))
    assert len(calls) == 1


def test_who_may_edit_an_article_is_led_from_its_page_to_the_editor(
    client: FlaskClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A content owner reading one of their articles had no way from it to the
    editor: they went back to the list of the department's articles and found it."""
    assert "/manage/edit/" not in text_of(client.get("/articles/it/hostile.md"))  # a visitor
    sign_in_as(client, "emma")  # an employee
    assert "/manage/edit/" not in text_of(client.get("/articles/it/hostile.md"))
    sign_in_as(client, "cora")  # content owner of IT
    page = text_of(client.get("/articles/it/hostile.md"))
    assert '<a href="/manage/edit/it/hostile.md">Edit this article</a>' in page
    assert "/manage/edit/" not in text_of(client.get("/articles/hr/sick-leave.md"))  # not hers
    german = text_of(client.get("/articles/it/hostile.md?hl=de"))
    assert '<a href="/manage/edit/it/hostile.md">Diesen Artikel bearbeiten</a>' in german
    document = replace(
        make_article("it/vpn.pdf", "VPN guide", "Connect first."), source_format="pdf"
    )
    monkeypatch.setitem(ARTICLES, document.id, document)
    page = text_of(client.get("/articles/it/vpn.pdf?hl=en"))
    assert (
        '<a href="/manage/document/it/vpn.pdf">Replace this document or see its versions</a>'
        in page
    )
    sign_in_as(client, "ada")  # an admin edits every department's
    page = text_of(client.get("/articles/hr/sick-leave.md"))
    assert '<a href="/manage/edit/hr/sick-leave.md">Edit this article</a>' in page
