"""The editor's preview holds the article's text as the page opens, right after
Publish too: it was filled only by the script's request after loading, and
stayed empty after Publish until the text was typed in again."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_link_warnings import form

BODY = "## Connect\n\nOpen the client and pick *Office*.\n\n<script>alert(1)</script>"


def preview_of(page: str) -> str:
    """The inside of the page's preview pane."""
    return page.split('id="e-preview" aria-live="polite">', 1)[1].split("</div>", 1)[0]


def test_the_page_after_publish_shows_the_published_text_in_the_preview(
    client: FlaskClient,
) -> None:
    token = sign_in_as(client, "cora")
    saved = client.post("/manage/edit/it/vpn-setup.md", data=form(token, BODY))
    assert saved.status_code == 303
    after = text_of(client.get(saved.headers["Location"]))
    shown = preview_of(after)
    # As POST /api/preview renders it: the same Markdown and sanitiser.
    assert "Connect</h2>" in shown and "<em>Office</em>" in shown
    assert "<script" not in shown


def test_a_new_article_opens_with_an_empty_preview(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    page = text_of(client.get("/manage/new?department=it"))
    assert "<h2" not in preview_of(page)
