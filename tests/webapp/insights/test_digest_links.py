"""The weekly digest's links are the web app's own routes: `kb` may not import
the web app, so it writes the paths itself (`kb.insights.digest`), and this
test follows every link of a digest sent with `site_url` to the page it
names, which answers a content owner of the department."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.content.scanner import scan_content
from kb.insights.factory import send_digest
from kb.records import Article
from kb.requests.records import Request
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import FakeEngine, earlier_today, searched_gap, sign_in_as

SITE = "https://kb.example.org"


class ContentEngine(FakeEngine):
    """The fake engine, publishing the articles of the content folder as they are."""

    def __init__(self, content: Path) -> None:
        super().__init__()
        self.content = content

    def article(self, article_id: str) -> Article | None:
        return scan_content(self.content).articles.get(article_id)


@pytest.fixture
def engine(settings: Settings) -> FakeEngine:
    return ContentEngine(settings.content_path)


def test_every_digest_link_opens_its_page_for_a_content_owner(
    app: Flask, client: FlaskClient, store: Store, settings: Settings, people: dict[str, object]
) -> None:
    # cora is a content owner of IT: a gap of IT, a request to IT, and an IT
    # article past its review date.
    (settings.content_path / "it" / "vpn setup.md").write_text(
        "---\ntitle: VPN setup\nreview_by: 2020-01-01\n---\nConnect.\n", "utf-8"
    )
    searched_gap(store, "it", "vpn token", earlier_today())
    store.create_request(
        Request(requester="emma", query="VPN token", department="it", created=earlier_today())
    )
    mail = settings.replace(site_url=SITE, smtp_host="mail.example.org", mail_domain="example.org")
    send_digest(mail, store, datetime.now(UTC))
    (digest,) = [
        m.payload
        for m in store.due_messages(datetime.now(UTC))
        if m.target == "email:cora@example.org"
    ]

    links = re.findall(r"https://\S+", str(digest["text"]))
    assert links and all(link.startswith(SITE + "/") for link in links)
    assert {*digest["links"].values()} - {""} <= {*links}  # type: ignore[attr-defined]
    assert {t["link"] for t in digest["totals"]} <= {*links}  # type: ignore[attr-defined]

    urls = app.url_map.bind("kb.example.org")
    sign_in_as(client, "cora")
    pages = {}
    for link in links:
        parts = urlsplit(link)
        endpoint, _ = urls.match(parts.path)
        page = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert page.status_code == 200, link
        pages[endpoint] = page.get_data(as_text=True)
    assert set(pages) == {
        "insights.gaps",
        "insights.content_page",
        "insights.requests_page",
        "articles.show",
    }
    # Each page shows what the digest named.
    assert "vpn token" in pages["insights.gaps"]
    assert "VPN setup" in pages["insights.content_page"]
    assert "Connect." in pages["articles.show"]
    assert f"{SITE}/articles/it/vpn%20setup.md" in links
