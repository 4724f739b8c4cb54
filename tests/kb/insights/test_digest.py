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


def test_each_department_with_news_tells_its_owners_and_its_webhook(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text(DEPARTMENT, "utf-8")
    (content / "hr").mkdir()
    (content / "hr" / "_department.yml").write_text("name: HR\n", "utf-8")
    settings = Settings.load(
        {
            "content_dir": str(content),
            "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
            "smtp_host": "mail.example.org",
            "mail_domain": "example.org",
            "webhooks": "facilities=https://hooks.example.org/facilities",
            "webhook_hosts": "hooks.example.org",
        },
        environ={},
    )
    store = create_store(settings.database_url)
    add_user(store, "fiona", "content_owner", "facilities")
    add_user(store, "owner@example.com", "content_owner", "facilities")
    add_user(store, "hanna", "content_owner", "hr")
    now = datetime.now(UTC)
    for user in "abc":
        store.log_search(
            SearchEvent(
                query="parking permit", answered=False, user=user, department="facilities", ts=now
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
    settings = Settings.load(
        {
            "content_dir": str(content),
            "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
            "smtp_host": "mail.example.org",
            "mail_domain": "example.org",
            "review_due_days": str(days),
        },
        environ={},
    )
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
