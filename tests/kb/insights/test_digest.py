"""The weekly digest: one message per content owner with an address, and the webhook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kb.accounts.service import add_user
from kb.authoring.reviews import reviews_due
from kb.content.scanner import scan_content
from kb.events import SearchEvent
from kb.insights.factory import send_digest
from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import insights_store
from kb.settings import Settings
from kb.store.factory import create_store

DEPARTMENT = "name: Facilities\n"


def mail_settings(tmp_path: Path, content: Path, **more: str) -> Settings:
    """Settings with e-mail on, over `content` and a SQLite file in `tmp_path`."""
    base = {
        "content_dir": str(content),
        "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
        "smtp_host": "mail.example.org",
        "mail_domain": "example.org",
    }
    return Settings.load({**base, **more}, environ={})


def hooked_settings(tmp_path: Path, content: Path) -> Settings:
    """`mail_settings` with a webhook for the facilities department."""
    return mail_settings(
        tmp_path,
        content,
        webhooks="facilities=https://hooks.example.org/facilities",
        webhook_hosts="hooks.example.org",
    )


def test_each_department_with_news_tells_its_owners_and_its_webhook(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text(DEPARTMENT, "utf-8")
    (content / "hr").mkdir()
    (content / "hr" / "_department.yml").write_text("name: HR\n", "utf-8")
    settings = hooked_settings(tmp_path, content)
    store = create_store(settings.database_url)
    add_user(store, "fiona", "content_owner", "facilities")
    add_user(store, "owner@example.com", "content_owner", "facilities")
    add_user(store, "hanna", "content_owner", "hr")
    now = datetime.now(UTC)
    for user in "abc":
        store.log_search(
            SearchEvent(
                query="parking permit",
                answered=False,
                user=user,
                person=f"address-{user}",  # signed out: the address's pseudonym
                department="facilities",
                ts=now,
            )
        )
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(
        GapTopic(label="parking permit", department="facilities", centroid=np.ones(2))
    )
    gaps.save_gap_questions(
        [
            GapQuestion(
                text="parking permit", lang="en", model="m", vector=np.ones(2), topic_id=topic.id
            )
        ]
    )
    assert send_digest(settings, store, now) == 3
    queued = store.due_messages(now)
    assert sorted(m.target for m in queued) == [
        "email:fiona@example.org",
        "email:owner@example.com",
        "https://hooks.example.org/facilities",
    ]
    payload = queued[0].payload
    assert payload["department"] == "facilities" and payload["gaps"][0]["label"] == "parking permit"
    assert "parking permit: 3 searches, 3 people" in payload["text"]
    assert all(m.topic == "insights.digest" for m in queued)  # hr had nothing to report
    store.close()


@pytest.mark.parametrize(("days", "expected"), [(14, []), (30, ["hr/leave.md"])])
def test_reviews_in_the_digest_use_the_window_of_the_owner_s_page(
    tmp_path: Path, days: int, expected: list[str]
) -> None:
    """One setting, `review_due_days`, decides what is due for review on the
    content owner's page and in the weekly digest."""
    now = datetime.now(UTC)
    review_by = (now + timedelta(days=20)).date()
    content = tmp_path / "content"
    (content / "hr").mkdir(parents=True)
    (content / "hr" / "_department.yml").write_text("name: HR\n", "utf-8")
    (content / "hr" / "leave.md").write_text(
        f"---\ntitle: Leave\nreview_by: {review_by.isoformat()}\n---\nHow to take leave.\n", "utf-8"
    )
    settings = mail_settings(tmp_path, content, review_due_days=str(days))
    store = create_store(settings.database_url)
    add_user(store, "hanna", "content_owner", "hr")

    send_digest(settings, store, now)

    in_digest = [
        finding["article"]
        for message in store.due_messages(now)
        for finding in message.payload["findings"]
        if finding["kind"] == "review_due"
    ]
    scan = scan_content(content)
    on_page = [i.article_id for i in reviews_due(scan.articles.values(), now.date(), days)]
    assert in_digest == on_page == expected
    store.close()


def test_a_digest_names_no_restricted_article_of_another_department(tmp_path: Path) -> None:
    """Every content owner of a department gets its digest, whatever their
    groups: a near-duplicate in another department is named only when
    everyone may read it."""
    text = " ".join(f"word{i}" for i in range(80))
    content = tmp_path / "content"
    for slug, audience in (("hr", "hr-managers"), ("facilities", "everyone")):
        (content / slug).mkdir(parents=True)
        (content / slug / "_department.yml").write_text(f"name: {slug}\n", "utf-8")
        (content / slug / "copy.md").write_text(
            f"---\ntitle: Copy\naudience: {audience}\n---\n{text}\n", "utf-8"
        )
    (content / "facilities" / "twin.md").write_text(f"---\ntitle: Twin\n---\n{text}\n", "utf-8")
    settings = mail_settings(tmp_path, content)
    store = create_store(settings.database_url)
    add_user(store, "fiona", "content_owner", "facilities")
    add_user(store, "hanna", "content_owner", "hr")
    now = datetime.now(UTC)
    send_digest(settings, store, now)
    named = {
        (message.payload["department"], finding["article"], finding["other"])
        for message in store.due_messages(now)
        for finding in message.payload["findings"]
        if finding["kind"] == "near_duplicate"
    }
    assert ("facilities", "facilities/copy.md", "facilities/twin.md") in named
    assert ("hr", "hr/copy.md", "facilities/copy.md") in named  # public: named
    assert not any(other == "hr/copy.md" for _, _, other in named)
    store.close()


def test_a_digest_never_tells_whether_a_restricted_article_exists(tmp_path: Path) -> None:
    """The digest counted a link as broken only when its target did not exist:
    a content owner of Facilities who linked `hr/salary-bands.md` and
    `hr/guess.md` learnt from the next digest which of HR's restricted
    articles exist. It judges links as its readers do: one to an article
    they may not read is as broken as one to an article that is missing."""
    content = tmp_path / "content"
    for slug in ("hr", "facilities"):
        (content / slug).mkdir(parents=True)
        (content / slug / "_department.yml").write_text(f"name: {slug}\n", "utf-8")
    (content / "hr" / "salary-bands.md").write_text(
        "---\ntitle: Salary bands\naudience: [hr-managers]\n---\nBands.\n", "utf-8"
    )
    (content / "hr" / "leave.md").write_text(
        "---\ntitle: Leave\naudience: [employee]\n---\nLeave.\n", "utf-8"
    )
    (content / "facilities" / "links.md").write_text(
        "---\ntitle: Links\nrelated: [hr/salary-bands.md, hr/guess.md, hr/leave.md]\n---\nx\n",
        "utf-8",
    )
    settings = mail_settings(tmp_path, content)
    store = create_store(settings.database_url)
    add_user(store, "fiona", "content_owner", "facilities")
    now = datetime.now(UTC)
    send_digest(settings, store, now)
    targets = {
        finding["target"]
        for message in store.due_messages(now)
        for finding in message.payload["findings"]
        if finding["kind"] == "broken_link"
    }
    assert targets == {"hr/salary-bands.md", "hr/guess.md"}  # every employee reads leave.md
    store.close()
