"""The weekly digest links to the department's insights pages and its named
articles when the setting `site_url` says where the knowledge base is read,
in the text (English and German) and in the payload programs read; without
it, no link line and every link "". That the paths are the web app's routes,
and answer a content owner of the department, is checked in
tests/webapp/insights/test_digest_links.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kb.accounts.service import add_user
from kb.insights.digest import article_link
from kb.insights.factory import send_digest
from kb.notify.config import site_link
from kb.store.factory import create_store
from tests.kb.insights.test_digest import hooked_settings
from tests.support import searched_gap

SITE = "https://kb.example.org"


def _facilities(tmp_path: Path) -> Path:
    """Facilities with an article past its review date."""
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text("name: Facilities\n", "utf-8")
    (content / "facilities" / "old.md").write_text(
        "---\ntitle: Old\nreview_by: 2020-01-01\n---\nParking.\n", "utf-8"
    )
    return content


def _sent(tmp_path: Path, site_url: str) -> dict[str, dict[str, object]]:
    """The digest's payloads by target, Facilities' owners fiona (German) and
    frank (English) and its webhook, with `site_url` as given."""
    settings = hooked_settings(tmp_path, _facilities(tmp_path)).replace(site_url=site_url)
    store = create_store(settings.database_url)
    add_user(store, "fiona", "content_owner", "facilities")
    add_user(store, "frank", "content_owner", "facilities")
    store.set_language("fiona", "de")
    now = datetime.now(UTC)
    searched_gap(store, "facilities", "parking permit", now)
    assert send_digest(settings, store, now) == 3
    sent = {m.target: m.payload for m in store.due_messages(now)}
    store.close()
    return sent


def test_a_digest_links_to_its_departments_pages_and_articles(tmp_path: Path) -> None:
    sent = _sent(tmp_path, SITE + "/")
    today = datetime.now(UTC).date()
    week = f"department=facilities&since={today - timedelta(days=6)}&until={today}"
    gaps = f"{SITE}/insights/gaps?{week}"
    content = f"{SITE}/insights/content?{week}"
    article = f"{SITE}/articles/facilities/old.md"

    english = sent["email:frank@example.org"]
    text = str(english["text"]).splitlines()
    assert f"Insights › Knowledge gaps: {gaps}" in text
    assert f"Insights › Content health: {content}" in text
    # The article's link stands under its findings.
    review = text.index("  - facilities/old.md: Review date passed")
    assert text[review + 1] == f"    {article}"
    # Programs read the same addresses, in every message.
    links = english["links"]
    assert isinstance(links, dict) and links["gaps"] == gaps and links["content"] == content
    assert english["totals"] == [
        {"article": "facilities/old.md", "total": 1, "listed": 1, "link": article}
    ]
    if links["requests"]:
        assert f"Insights › Requests: {links['requests']}" in text

    german = sent["email:fiona@example.org"]
    assert german["lang"] == "de"
    assert f"Auswertung › Wissenslücken: {gaps}" in str(german["text"]).splitlines()
    assert f"Auswertung › Inhaltsqualität: {content}" in str(german["text"]).splitlines()
    assert f"    {article}" in str(german["text"]).splitlines()
    assert german["links"] == links and german["totals"] == english["totals"]

    hook = sent["https://hooks.example.org/facilities"]
    assert hook["links"] == links and hook["text"] == english["text"]


def test_without_site_url_a_digest_has_no_link(tmp_path: Path) -> None:
    sent = _sent(tmp_path, "")
    for payload in sent.values():
        text = str(payload["text"])
        assert "://" not in text and "›" not in text  # no page named, none linked
        assert payload["links"] == {"gaps": "", "content": "", "requests": ""}
        assert [t["link"] for t in payload["totals"]] == [""]  # type: ignore[attr-defined,index]
        assert "parking permit" in text and "facilities/old.md" in text  # the rest as ever


def test_a_link_quotes_what_an_address_cannot_hold() -> None:
    """An article id may hold spaces and any letter; the query its values."""
    assert article_link(SITE, "facilities/Fahrräder & Duschen.md") == (
        f"{SITE}/articles/facilities/Fahrr%C3%A4der%20%26%20Duschen.md"
    )
    assert site_link(SITE + "/", "/insights/gaps", {"department": "a&b"}) == (
        f"{SITE}/insights/gaps?department=a%26b"
    )
    assert article_link("", "facilities/old.md") == ""
