"""A department of the content root with no article indexed yet (its folder is
new): the search filter does not offer it, since a search there finds nothing;
a link filtering by it says so and offers to ask it instead of a 400; the ask
form offers it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import FakeEngine, sign_in_as, text_of
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture
def fleet(client: FlaskClient, request_content: Path) -> Path:
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    folder = request_content / "fleet"
    folder.mkdir()
    (folder / "_department.yml").write_text("name: Fleet\n", "utf-8")
    return folder


def filter_options(page: str) -> list[str]:
    found = re.search(r'<select id="f-department" name="department">(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', found.group(1)) if found else []


def test_the_search_filter_offers_only_departments_with_articles(
    client: FlaskClient, fleet: Path
) -> None:
    assert filter_options(text_of(client.get("/?q=car"))) == ["", "hr", "it"]


def test_a_filter_by_a_department_without_articles_offers_to_ask_it(
    client: FlaskClient, fleet: Path, engine: FakeEngine
) -> None:
    searched = len(engine.queries)
    answer = client.get("/?q=company+car&department=fleet")
    page = text_of(answer)
    assert answer.status_code == 200, page
    assert "Fleet has no articles yet" in page
    assert 'href="/ask/?q=company+car&amp;department=fleet"' in page
    assert len(engine.queries) == searched  # nothing to search there
    assert client.get("/?q=car&department=nowhere").status_code == 400  # no such department
    assert "Die Abteilung Fleet hat noch keine Artikel" in text_of(
        client.get("/?q=car&department=fleet&hl=de")
    )


def test_the_ask_form_offers_a_department_without_articles(
    client: FlaskClient, fleet: Path
) -> None:
    sign_in_as(client, "emma")
    page = text_of(client.get("/ask/?q=company+car&department=fleet"))
    assert '<option value="fleet"' in page and "Fleet" in page
