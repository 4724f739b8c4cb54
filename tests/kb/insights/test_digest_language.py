"""The weekly digest speaks each content owner's language: the one their
account picked, else the default (English), numbers written as that language
writes them; the webhook gets the default language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from kb.accounts.service import add_user
from kb.content.scanner import scan_content
from kb.i18n.catalog import domain_catalog
from kb.insights.content import Finding
from kb.insights.digest import DepartmentDigest, digest_messages
from kb.insights.factory import send_digest
from kb.insights.records import GapTopic
from kb.insights.requests import DepartmentRequests
from kb.insights.service import TopicView
from kb.notify.config import NotifyConfig
from kb.store.factory import create_store
from tests.kb.insights.test_digest import hooked_settings, mail_settings

# The request figures the digest does not say.
UNKNOWN_FIGURES = (
    "median_first_response_hours",
    "median_resolution_hours",
    "target_first_response_hours",
    "target_resolution_hours",
    "first_response_within_target",
)


def _digest() -> DepartmentDigest:
    topic = GapTopic(label="Parkausweis", department="facilities", centroid=np.ones(2), id=7)
    figures = DepartmentRequests(
        department="facilities",
        requests=1500,
        top_topics=[],
        resolution_within_target=0.855,
        backlog=1024,
        overdue=0,
        **dict.fromkeys(UNKNOWN_FIGURES),
    )
    return DepartmentDigest(
        department="facilities",
        name="Facilities",
        gaps=[TopicView(topic, [], searches=1240, people=3, trend=0)],
        findings=[Finding("facilities/parking.md", "facilities", "review_overdue", {})],
        requests=figures,
        display_names={"de": "Gebäudeservice"},
    )


def test_a_digest_is_written_in_german_with_german_numbers() -> None:
    german = _digest().payload("https://kb.example.org/insights/", "de")
    assert german["lang"] == "de"
    assert german["subject"] == (
        "Wochenüberblick der Abteilung Gebäudeservice: 1 offene Wissenslücken, 1 Artikel zu prüfen"
    )
    text = german["text"]
    assert "Wissenslücken, zu denen diese Woche vergeblich gesucht wurde:" in text
    assert "  - Parkausweis: 1.240 Suchen, 3 Personen" in text
    assert "  - facilities/parking.md: Prüftermin überschritten" in text
    assert (
        "Anfragen diese Woche: 1.500; innerhalb der Frist beantwortet: 86 %; jetzt offen: 1.024."
    ) in text
    assert "searches" not in text and "Requests" not in text
    english = _digest().payload("", "en")
    assert english["subject"].startswith("Weekly insights for Facilities: 1 open gaps")
    assert "  - Parkausweis: 1,240 searches, 3 people" in english["text"]
    assert "  - facilities/parking.md: Review date passed" in english["text"]
    assert "resolved within target: 86%; open now: 1,024." in english["text"]
    # The figures for programs stay as they are, whatever the language.
    assert german["gaps"] == english["gaps"] and german["requests"] == english["requests"]


def test_every_digest_text_is_there_in_every_language() -> None:
    catalog = domain_catalog()
    keys = [k for k in catalog.messages["en"] if k.startswith("digest_")]
    assert len(keys) >= 9
    for lang in catalog.languages:
        assert [k for k in keys if not catalog.has(lang, k)] == [], lang


def test_each_owner_reads_the_digest_in_their_accounts_language(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text("name: Facilities\n", "utf-8")
    (content / "facilities" / "old.md").write_text(
        "---\ntitle: Old\nreview_by: 2020-01-01\n---\nParking.\n", "utf-8"
    )
    settings = hooked_settings(tmp_path, content)
    store = create_store(settings.database_url)
    for name in ("fiona", "frank", "fritz"):
        add_user(store, name, "content_owner", "facilities")
    store.set_language("fiona", "de")
    store.set_language("fritz", "xx")  # no mail is written in it: the default
    now = datetime.now(UTC)
    assert send_digest(settings, store, now) == 4
    langs = {m.target: m.payload["lang"] for m in store.due_messages(now)}
    assert langs == {
        "email:fiona@example.org": "de",
        "email:frank@example.org": "en",
        "email:fritz@example.org": "en",
        "https://hooks.example.org/facilities": "en",
    }
    by_target = {m.target: m.payload for m in store.due_messages(now)}
    assert "Prüftermin überschritten" in by_target["email:fiona@example.org"]["text"]
    assert "Review date passed" in by_target["email:frank@example.org"]["text"]
    store.close()


def test_digest_messages_without_languages_are_in_the_default_language(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text("name: Facilities\n", "utf-8")
    settings = mail_settings(tmp_path, content)
    config = NotifyConfig.from_settings(settings, scan_content(content).departments)
    now = datetime.now(UTC)
    messages = digest_messages([_digest()], {"facilities": ["fiona"]}, config, now)
    assert [m.payload["lang"] for m in messages] == ["en"]


def test_owners_without_a_language_and_the_webhook_read_the_sites_language(
    tmp_path: Path,
) -> None:
    """With `default_language = "de"`, an owner who picked no language and the
    department's webhook get the German digest; one who picked English keeps it."""
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text("name: Facilities\n", "utf-8")
    settings = hooked_settings(tmp_path, content).replace(default_language="de")
    config = NotifyConfig.from_settings(settings, scan_content(content).departments)
    now = datetime.now(UTC)
    owners = {"facilities": ["fiona", "frank"]}
    messages = digest_messages([_digest()], owners, config, now, languages={"frank": "en"})
    assert {m.target: m.payload["lang"] for m in messages} == {
        "email:fiona@example.org": "de",
        "email:frank@example.org": "en",
        "https://hooks.example.org/facilities": "de",
    }
