"""Review reminders: what is due, and the weekly digest through the outbox, once a week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kb.accounts.service import add_user
from kb.authoring.jobs import ReviewDigestJob, send_digest
from kb.authoring.reviews import reviews_due
from kb.settings import Settings
from kb.store.factory import create_store
from tests.support import make_article

TODAY = date(2026, 11, 30)


def test_due_within_the_window_or_overdue_published_only() -> None:
    articles = [
        make_article("hr/a.md", "Overdue", "x", review_by=TODAY - timedelta(days=10)),
        make_article("hr/b.md", "Soon", "x", review_by=TODAY + timedelta(days=14)),
        make_article("hr/c.md", "Later", "x", review_by=TODAY + timedelta(days=15)),
        make_article("hr/d.md", "No date", "x"),
    ]
    items = reviews_due(articles, TODAY, 14)
    assert [(i.article_id, i.overdue, i.days_left) for i in items] == [
        ("hr/a.md", True, -10),
        ("hr/b.md", False, 14),
    ]


def test_the_weekly_digest_goes_to_owners_through_the_outbox_once_a_week(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "hr").mkdir(parents=True)
    (content / "hr" / "_department.yml").write_text("name: HR\n", encoding="utf-8")
    (content / "hr" / "leave.md").write_text(
        "---\ntitle: Leave\nstatus: published\nreview_by: 2026-11-20\n---\nText.\n",
        encoding="utf-8",
    )
    settings = Settings.load(
        {
            "content_dir": str(content),
            "index_dir": str(tmp_path / "index"),
            "database_url": f"sqlite:///{tmp_path / 'kb.db'}",
            "smtp_host": "localhost",
            "mail_domain": "example.com",
        },
        environ={},
    )
    store = create_store(settings.database_url)
    try:
        add_user(store, "helga", "content_owner", "hr")
        add_user(store, "ivan", "agent", "it")
        now = datetime(2026, 11, 30, 8, tzinfo=UTC)
        job = ReviewDigestJob(settings, store)
        assert job.run_once(now) is True
        assert job.run_once(now + timedelta(days=3)) is False  # this week's is sent
        due = store.due_messages(now + timedelta(minutes=1))
        assert [m.target for m in due] == ["email:helga@example.com"]
        assert "Leave (hr/leave.md): overdue since 2026-11-20" in due[0].payload["text"]
        assert job.run_once(now + timedelta(days=7, minutes=1)) is True
        assert send_digest(settings, store, now) == 1
    finally:
        store.close()
