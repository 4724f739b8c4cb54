"""Documents on the web: the extracted text on the article page, sanitised, and
the original as a download that a browser never renders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.settings import Settings
from search.engine import SearchEngine
from tests.documents import Outline, travel_outline, write_docx, write_html, write_pdf
from tests.support import HashingEmbedder, indexed_app
from webapp import create_app
from webapp.services import services

HOSTILE = Outline(
    title="Floor guide",
    sections=[(1, "Ground floor <script>alert(1)</script>", ["Reception is on the left."])],
)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    root = tmp_path / "content"
    for folder in ("finance", "facilities", "hr"):
        (root / folder).mkdir(parents=True)
    (root / "finance" / "travel.pdf").write_bytes(write_pdf(travel_outline()))
    (root / "finance" / "travel-rules.docx").write_bytes(write_docx(travel_outline()))
    page = write_html(HOSTILE).replace(b"</main>", b"<script>alert(2)</script></main>")
    (root / "facilities" / "floors.html").write_bytes(page)
    (root / "hr" / "salaries.pdf").write_bytes(write_pdf(travel_outline()))
    (root / "hr" / "salaries.pdf.yml").write_text("audience: [hr]\n")
    # Every matching document is a result here (the hashing embedder's scores
    # say little about relevance, which the floor would judge).
    app = indexed_app(root, tmp_path, relevance_floor=0.0)
    yield app.test_client()
    services(app).close()


def test_article_page_shows_extracted_text_with_headings_and_a_download(
    client: FlaskClient,
) -> None:
    page = client.get("/articles/finance/travel-rules.docx")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Hotel limits</h3>" in html and "Hamburg" in html
    assert 'href="/articles/finance/travel-rules.docx/original"' in html
    assert "Finance Team" in html  # the author from the file


def test_article_api_names_the_format_and_the_original(client: FlaskClient) -> None:
    data = client.get("/api/articles/finance/travel.pdf").get_json()
    assert data["format"] == "pdf" and data["author"] == "Finance Team"
    assert data["original_url"] == "/articles/finance/travel.pdf/original"
    assert "<h2>Booking travel</h2>" in data["html"]


def test_original_is_an_attachment_of_the_right_type(client: FlaskClient) -> None:
    response = client.get("/articles/finance/travel.pdf/original")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "travel.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF")
    # Never kept by a shared cache (issue 13's siblings: answers that depend on who asks).
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.headers["Vary"]
    docx = client.get("/articles/finance/travel-rules.docx/original")
    assert docx.mimetype.endswith("wordprocessingml.document")


def test_hostile_html_is_escaped_on_the_page_and_only_downloaded(client: FlaskClient) -> None:
    html = client.get("/articles/facilities/floors.html").get_data(as_text=True)
    assert "<script>alert" not in html
    original = client.get("/articles/facilities/floors.html/original")
    assert original.headers["Content-Disposition"].startswith("attachment")
    assert original.headers["Content-Security-Policy"] == "sandbox"
    assert b"<script>alert(2)</script>" in original.data  # the file as it is, never rendered


def test_restricted_documents_and_their_originals_stay_hidden(client: FlaskClient) -> None:
    assert client.get("/articles/hr/salaries.pdf").status_code == 404
    assert client.get("/articles/hr/salaries.pdf/original").status_code == 404
    assert client.get("/articles/hr/leave.md/original").status_code == 404


def test_search_cites_the_page(client: FlaskClient) -> None:
    found = client.get("/api/search?q=hotel+limit+per+night").get_json()
    hits = [h for h in found["results"] if h["id"] == "finance/travel.pdf"]
    assert hits and hits[0]["locator"] == "page 1"


def test_originals_download_from_an_index_folder_named_relatively(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default index folder (`var/index`) is relative to the working directory,
    but Flask's send_file reads a relative path from the app's package: every
    original answered 500 on `make run`."""
    monkeypatch.chdir(tmp_path)  # where the fixture built `index` from `content`
    settings = Settings.load(
        {"content_dir": "content", "index_dir": "index", "secret_key": "test",
         "database_url": f"sqlite:///{tmp_path / 'relative.db'}"},
        environ={},
    )  # fmt: skip
    embedder = HashingEmbedder()
    app = create_app(
        {
            "KB_SETTINGS": settings,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda s: SearchEngine(s, embedder=embedder),
        }
    )
    got = app.test_client().get("/articles/finance/travel.pdf/original")
    services(app).close()
    assert got.status_code == 200, got.get_data(as_text=True)[:300]
    assert got.data == (tmp_path / "content" / "finance" / "travel.pdf").read_bytes()
