"""The search page: the box, the answer, results, filters, paging and asking on."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.content.markdown_text import RenderTimeout
from kb.results import Answer
from kb.store.protocols import Store
from tests.support import ARTICLES, FakeEngine, make_article, text_of


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


def test_the_answer_opens_its_article_at_the_answer(client: FlaskClient) -> None:
    """The answer's link opened the article at its top, and the reader had to
    find the answer again; it now carries a text fragment of the highlighted
    sentence, which browsers scroll to and mark."""
    html = text_of(client.get("/?q=sick"))
    link = re.search(
        r'<a class="result-link" href="([^"]+)"\s+data-article="hr/sick-leave.md"', html
    )
    assert link and link.group(1).endswith("#:~:text=Tell%20your%20manager%20by%209%3A30.")


def test_a_long_answer_is_found_by_its_first_and_last_words() -> None:
    from webapp.articles.sanitize import text_fragment

    assert text_fragment("") == ""
    assert text_fragment(
        "Then record the absence in Workday under Request Absence > Sickness, first-day rules"
    ) == ("#:~:text=Then%20record%20the%20absence,%3E%20Sickness%2C%20first%2Dday%20rules")


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


def test_an_unanswered_search_without_results_does_not_point_to_results(
    client: FlaskClient,
) -> None:
    """With nothing found, "the results below may still help" pointed at "0 results";
    the page says instead that nothing matches yet and what to do next."""
    html = text_of(client.get("/?q=zzz"))
    assert "0 results for" in html
    assert "results below" not in html
    assert "Nothing in the knowledge base matches your question yet." in html
    assert "Try other words, or ask IT Service Desk" in html


def test_a_refused_search_keeps_the_box_and_what_was_typed(client: FlaskClient) -> None:
    """A search the page cannot run (a question over the limit from a pasted
    link, a page out of range) showed a bare error page: the question was gone
    and there was no box to search again from."""
    question = ("parking near the office " * 30).strip()  # 719 characters
    response = client.get("/", query_string={"q": question})
    assert response.status_code == 400
    html = text_of(response)
    assert 'role="alert"' in html and "Please check your input" in html
    assert "Search: 719 characters; at most 500 are allowed." in html
    assert f'value="{question[:500]}"' in html and 'role="combobox"' in html
    response = client.get("/?q=parking&department=it&page=999")
    html = text_of(response)
    assert response.status_code == 400 and "Page: please give a number from 1 to" in html
    assert 'value="parking"' in html and '<option value="it" selected>' not in html


def test_an_answer_section_is_rendered_once_not_per_search(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card's section is Markdown rendered while searching: 1,500 characters
    of list and `[` take 0.2 s (under the card's 0.25 s budget, so it is shown),
    and a content owner could make every search that answers from the article
    pay that again. Each section is rendered once per process; a section that
    renders too slowly is not tried again either."""
    from webapp.search import presenters

    rendered: list[str] = []
    render = presenters.article_html

    def counted(body: str, *args: Any, **kwargs: Any) -> Any:
        rendered.append(body)
        if "[[" in body:
            raise RenderTimeout(1.0, 0.25)
        return render(body, *args, **kwargs)

    monkeypatch.setattr(presenters, "article_html", counted)
    original = FakeEngine.search
    for heading, body in (("Steps", "- one\n- two"), ("Slow", "- one\n- " + "[" * 40)):
        article = make_article("it/steps.md", "Steps", f"## {heading}\n\n{body}\n")
        monkeypatch.setitem(ARTICLES, article.id, article)
        answer = Answer(id=article.id, title=article.title, department="it", passage="one two",
                        highlight="one", headings=(heading,))  # fmt: skip
        monkeypatch.setattr(
            engine, "search", lambda q, a=answer: dataclasses.replace(original(engine, q), answer=a)
        )
        for query in ("steps", "steps+again", "steps"):
            assert client.get(f"/?q={query}").status_code == 200
    assert len(rendered) == 2


def test_pagination_links(client: FlaskClient) -> None:
    html = text_of(client.get("/?q=x&k=1&page=2"))
    assert 'aria-current="page"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'href="/?q=x&amp;k=1&amp;page=3"' in html
    assert '<ol class="results" start="2">' in html


def test_answer_card_renders_a_table_section_as_a_table(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "Intro.\n\n## Opening hours\n\n| Site | Hours |\n| --- | --- |\n| Hamburg | 7-19 |\n\n"
        "## Other\n\nText."
    )
    article = make_article("facilities/reception.md", "Reception", body)
    monkeypatch.setitem(ARTICLES, article.id, article)
    answer = Answer(
        id=article.id,
        title=article.title,
        department="facilities",
        passage="| Site | Hours | Hamburg | 7-19",
        highlight="Hamburg | 7-19",
        headings=("Opening hours",),
    )
    original = engine.search

    def card(query: str, headings: tuple[str, ...]) -> str:
        shown = dataclasses.replace(answer, headings=headings)
        monkeypatch.setattr(
            engine, "search", lambda q: dataclasses.replace(original(q), answer=shown)
        )
        html = text_of(client.get(f"/?q={query}"))
        return html.split('class="panel answer-card"', 1)[1].split("</section>", 1)[0]

    table = card("opening+hours", ("Opening hours",))
    assert "<table>" in table and "<td>Hamburg</td>" in table and "Text." not in table
    # A section without a table or list keeps the plain passage.
    assert "<table>" not in card("other", ("Other",))


def _document_card(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch, path: str, raw: bytes
) -> str:
    """The answer card of a search answered by the document `raw` (at `path`):
    its section with a heading, or its only one."""
    from kb.content.documents import DocumentDefaults, document_article
    from kb.extract import Limits, extract

    document = extract(raw, path, Limits())
    article, _ = document_article(path, raw, document, {"title": "Limits"}, b"", DocumentDefaults())
    monkeypatch.setitem(ARTICLES, article.id, article)
    section = next((s for s in article.sections if s.headings), article.sections[0])
    answer = Answer(id=article.id, title=article.title, department="finance",
                    passage=section.text, highlight="Hamburg", headings=section.headings)  # fmt: skip
    original = engine.search
    monkeypatch.setattr(engine, "search", lambda q: dataclasses.replace(original(q), answer=answer))
    html = text_of(client.get("/?q=hotel+limit"))
    return html.split('class="panel answer-card"', 1)[1].split("</section>", 1)[0]


def test_answer_card_shows_a_pdf_documents_table_as_a_table(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF's table is imported as a table: the answer card shows it as one, its
    cells' text escaped, where a document's passage was shown as plain text."""
    from tests.documents import write_ruled_table_pdf

    rows = [["City", "Limit per night"], ["Hamburg", "120 EUR"], ["London", "<b>180</b> GBP"]]
    raw = write_ruled_table_pdf(rows, intro="Hotel costs are reimbursed up to the city limit.")
    card = _document_card(client, engine, monkeypatch, "finance/hotels.pdf", raw)
    assert "<table>" in card and "<td>Hamburg</td>" in card and "<td>120 EUR</td>" in card
    assert "&lt;b&gt;180&lt;/b&gt; GBP" in card and "<b>180</b>" not in card
    assert "| --- |" not in card


def test_answer_card_shows_a_documents_row_of_dashes_as_a_row(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Word table's row of "-" and "--" cells ("none") became a second header
    rule in the card's Markdown: the card shows it as a row of the table."""
    from tests.documents import Outline, write_docx

    rows = [["Expense", "Limit"], ["Hamburg", "120 EUR"], ["-", "--"], ["Taxi", "40 EUR"]]
    raw = write_docx(Outline("Limits", [(1, "Limits per item", ["Per night:", ("table", rows)])]))
    card = _document_card(client, engine, monkeypatch, "finance/limits.docx", raw)
    assert card.count("<tr>") == 4 and card.count('<th scope="col">') == 2
    assert "<td>-</td>\n<td>--</td>" in card and "<td>Taxi</td>" in card
    assert "\\-" not in card and "---" not in card


def test_answer_card_shows_the_kept_picture_of_its_section(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card showed a picture's alt text at best (in a section with a table or
    list), never the picture: a section naming a picture the index keeps is shown
    with it, from the article page's address; a picture not kept leaves its alt text."""
    from kb.records import ArticleImage

    digest = "a" * 64
    body = (
        "## Assembly point\n\nMeet at point A in the car park.\n\n"
        "![Plan of the floor](plan%20A.png)\n\n![Old plan](old.png)\n"
    )
    kept = ArticleImage("facilities/plan A.png", digest, "image/png", 10)
    answer = Answer(id="facilities/fire.md", title="Fire", department="facilities",
                    passage="Meet at point A in the car park.", highlight="point A",
                    headings=("Assembly point",))  # fmt: skip
    original = engine.search
    monkeypatch.setattr(engine, "search", lambda q: dataclasses.replace(original(q), answer=answer))

    def card(images: tuple[ArticleImage, ...]) -> str:
        article = make_article("facilities/fire.md", "Fire", body, images=images)
        monkeypatch.setitem(ARTICLES, article.id, article)
        html = text_of(client.get("/?q=assembly+point"))
        return html.split('class="panel answer-card"', 1)[1].split("</section>", 1)[0]

    shown = card((kept,))
    src = f"/articles/facilities/fire.md/image/{digest}"
    assert f'<img alt="Plan of the floor" src="{src}">' in shown
    assert '<span class="image-alt">Old plan</span>' in shown
    # Without a kept picture (nor a table or list) the card keeps the plain passage.
    plain = card(())
    assert "<img" not in plain and "Plan of the floor" not in plain
    assert "<mark>point A</mark>" in plain or "point A" in plain


def test_links_within_the_answer_section_lead_to_the_article(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section shown on the answer card kept its links to other parts of the
    article (`#c-deadline`) as fragments of the search page, where those parts
    are not: they now open the article there."""
    body = (
        "## Steps\n\n1. Fill in the form, see [the deadline](#deadline).\n"
        "2. Send it to [the team](other.md#contact).[^1]\n\n[^1]: By e-mail.\n\n"
        "## Deadline {: #deadline }\n\nThe 5th of each month."
    )
    article = make_article("hr/expenses.md", "Expenses", body)
    monkeypatch.setitem(ARTICLES, article.id, article)
    answer = Answer(id=article.id, title=article.title, department="hr",
                    passage="Fill in the form", highlight="Fill in the form",
                    headings=("Steps",))  # fmt: skip
    original = engine.search
    monkeypatch.setattr(engine, "search", lambda q: dataclasses.replace(original(q), answer=answer))
    html = text_of(client.get("/?q=expenses"))
    card = html.split('class="panel answer-card"', 1)[1].split("</section>", 1)[0]
    assert "<ol>" in card
    hrefs = re.findall(r'href="([^"]*)"', card.split('class="answer-source"', 1)[0])
    assert "/articles/hr/expenses.md#c-deadline" in hrefs
    assert "/articles/hr/other.md#c-contact" in hrefs
    # A footnote shown on the card is still found on the card.
    ids = re.findall(r' id="([^"]*)"', card)
    assert [h for h in hrefs if h.startswith("#")] == ["#c-fn:1", "#c-fnref:1"]
    assert {"c-fn:1", "c-fnref:1"} <= set(ids)


def test_a_page_past_the_last_leads_back_to_the_last(client: FlaskClient) -> None:
    """A page past the end (an old link, fewer results since) said "3 results"
    and "No articles match your search." at once, with no page links to go back."""
    html = text_of(client.get("/?q=x&k=1&page=9"))
    assert "No articles match your search." not in html
    assert "These results end on page 3." in html
    assert '<a href="/?q=x&amp;k=1&amp;page=3">Go to page 3</a>' in html
    german = text_of(client.get("/?q=x&k=1&page=9&hl=de"))
    assert "Diese Ergebnisse enden auf Seite 3." in german


def test_an_answer_in_another_language_is_marked_for_screen_readers(client: FlaskClient) -> None:
    """Results in another language than the page's carry `lang`, but the answer
    card did not: a German page read an English passage with a German voice."""
    german = text_of(client.get("/?q=sick&hl=de"))
    card = german.split('class="panel answer-card"', 1)[1].split("</section>", 1)[0]
    assert '<blockquote class="passage" lang="en">' in card
    assert re.search(
        r'<a class="result-link" [^>]*hreflang="en" lang="en">Reporting sick</a>', card
    )
    # Seen too, as results are: "EN" beside the article, read out as "Englisch".
    mark = '<span class="lang-tag" title="Englisch"><span aria-hidden="true">EN</span>'
    assert mark in card
    english = text_of(client.get("/?q=sick&hl=en"))
    card = english.split('class="panel answer-card"', 1)[1].split("</section>", 1)[0]
    assert '<blockquote class="passage">' in card and 'lang="' not in card
    assert "lang-tag" not in card


def test_did_you_mean_keeps_the_filters(client: FlaskClient) -> None:
    """ "Did you mean" kept the department filter but dropped the tags."""
    html = text_of(client.get("/?q=zzz&department=it&tag=vpn&tag=remote"))
    link = re.search(r'<p class="did-you-mean">[^<]*<a href="([^"]+)"', html)
    assert link is not None
    assert link.group(1) == "/?q=vpn&amp;department=it&amp;tag=vpn&amp;tag=remote"
    plain = text_of(client.get("/?q=zzz"))
    assert '<a href="/?q=vpn">' in plain


def test_the_language_mark_is_read_out_as_the_language_s_name(client: FlaskClient) -> None:
    """The "EN" beside a result told a screen reader only "en": it hears the
    language's name, in the page's language, and sees the short mark."""
    for hl, query, code, name in (
        ("de", "sick", "en", "Englisch"),
        ("en", "krank", "de", "German"),
    ):
        html = text_of(client.get(f"/?q={query}&hl={hl}"))
        results = html.split('<ol class="results"', 1)[1]
        mark = re.search(r'<span class="lang-tag"[^>]*>.*?</span></span>', results)
        assert mark, results
        assert mark.group(0) == (
            f'<span class="lang-tag" title="{name}"><span aria-hidden="true">{code.upper()}</span>'
            f'<span class="sr-only">{name}</span></span>'
        )


def test_a_search_that_cannot_run_now_keeps_the_question_and_offers_to_ask(
    client: FlaskClient, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review h106: with no index published (or the engine busy) the page was the
    bare error page: the question was gone from the box and asking was not offered."""
    from kb.errors import IndexNotFoundError

    def no_index(_query: object) -> None:
        raise IndexNotFoundError("no index has been published in /srv/kb/index yet")

    monkeypatch.setattr(engine, "search", no_index)
    response = client.get("/?q=printer+jams+on+floor+2")
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    page = response.get_data(as_text=True)
    assert 'value="printer jams on floor 2"' in page  # the box keeps the question
    assert "Your question could not be searched just now" in page
    assert "Search is not available right now" in page and "/srv/kb" not in page
    assert 'href="/ask/?q=printer+jams+on+floor+2"' in page


def test_a_search_over_the_limit_keeps_the_question(make_app: Any) -> None:
    client = make_app(search_limit="1 per minute").test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    assert client.get("/?q=vpn").status_code == 200
    response = client.get("/?q=vpn+fehler")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    page = response.get_data(as_text=True)
    assert 'value="vpn fehler"' in page
    assert "Ihre Frage konnte gerade nicht gesucht werden" in page
