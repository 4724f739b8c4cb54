"""An article's words cannot reorder how pages show them: a title "Pay
\\u202etxt.exe" read as "Pay exe.txt" in search results, the answer card, the
article page and content health, from a Markdown file and from a document's
own title alike. Right-to-left letters and their direction marks stay."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from tests.conftest import FIXTURES
from tests.kb.content.test_reordering_controls import PAY
from tests.support import indexed_app, sign_in_as
from webapp.insights.schedule import read_content_ahead
from webapp.services import services

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
GUIDE = (
    "<html><head><title>Guide \u202eexe.fdp</title></head><body>"
    "<h1>Expense guide \u2067for&#x202E; invoices</h1><p>Claim expenses with the invoice"
    " form \u202ehtnom hcae.</p></body></html>"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    tmp = tmp_path_factory.mktemp("controls")
    root = tmp / "content"
    shutil.copytree(FIXTURES / "content", root)
    # Overdue for review: content health lists it by its title.
    overdue = PAY.replace("---\n# Invoices", "review_by: 2020-01-01\n---\n# Invoices")
    (root / "it" / "pay.md").write_text(overdue, encoding="utf-8")
    (root / "it" / "guide.html").write_text(GUIDE, encoding="utf-8")
    department = root / "hr" / "_department.yml"
    named = 'name: "Human \\u202esecruoseR"\ndisplay_names: {de: "Personal \\u2067x\\u2069"}'
    department.write_text(
        department.read_text(encoding="utf-8").replace("name: Human Resources", named),
        encoding="utf-8",
    )
    app = indexed_app(root, tmp)
    add_user(services(app).store, "anna", "analyst", None)
    yield app.test_client()
    services(app).close()


def _shown(client: FlaskClient, url: str, **query: str) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def _clean(text: str) -> bool:
    return not any(char in text for char in CONTROLS) and "&#x202" not in text.lower()


def test_search_results_and_answers_show_titles_without_controls(site: FlaskClient) -> None:
    for query in ("invoices skrow", "expense guide invoices"):
        page = _shown(site, "/", q=query)
        api = _shown(site, "/api/search", q=query)
        assert _clean(page) and _clean(api), query
    assert "Pay txt.exe" in _shown(site, "/", q="invoices skrow")
    results = json.loads(_shown(site, "/api/search", q="expense guide invoices"))["results"]
    assert "Guide exe.fdp" in [hit["title"] for hit in results]


def test_the_article_page_shows_its_words_without_controls_and_keeps_hebrew(
    site: FlaskClient,
) -> None:
    page = _shown(site, "/articles/it/pay.md")
    assert _clean(page)
    assert "Pay txt.exe" in page and "Invoices skrow" in page and "the latot tnuocca" in page
    assert "Read this first" in page and "invoice" in page
    assert "שלום\u200f" in page and "مرحبا" in page
    document = _shown(site, "/articles/it/guide.html")
    assert _clean(document) and "Guide exe.fdp" in document


def test_content_health_names_the_articles_without_controls(site: FlaskClient) -> None:
    reading = read_content_ahead(site.application)
    reading.join(timeout=120)
    sign_in_as(site, "anna")
    page = _shown(site, "/insights/content")
    assert _clean(page) and "Pay txt.exe" in page


def test_a_department_s_configured_name_shows_without_controls(site: FlaskClient) -> None:
    """A department file's `name` is shown beside every result and answer of it."""
    page = _shown(site, "/", q="annual leave")
    assert _clean(page) and "Human secruoseR" in page
    german = _shown(site, "/", q="annual leave", hl="de")
    assert _clean(german) and "Personal x" in german
