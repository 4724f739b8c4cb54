"""Review reminders: what is due, and `kb reviews`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from kb.authoring.reviews import reviews_due
from kb.cli.main import main
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


def test_kb_reviews_lists_overdue_articles(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "hr").mkdir(parents=True)
    (content / "hr" / "leave.md").write_text(
        "---\ntitle: Leave\nstatus: published\nreview_by: 2020-01-01\n---\nText.\n",
        encoding="utf-8",
    )
    (content / "hr" / "draft.md").write_text(
        "---\ntitle: Draft\nstatus: draft\nreview_by: 2020-01-01\n---\nText.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            "--set",
            f"index_dir={tmp_path / 'index'}",
            "reviews",
            "--content",
            str(content),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["articles"]
    assert [(a["id"], a["overdue"]) for a in found] == [("hr/leave.md", True)]


def test_kb_reviews_prints_no_escape_sequence_of_a_title(tmp_path: Path) -> None:
    """An article's title is a content owner's: an escape sequence written in
    it (YAML's `\\e`) is printed as its escape, never sent to the terminal."""
    content = tmp_path / "content"
    (content / "hr").mkdir(parents=True)
    (content / "hr" / "leave.md").write_text(
        '---\ntitle: "Leave\\e[2J\\e]52;c;eA==\\a"\nreview_by: 2020-01-01\n---\nText.\n',
        encoding="utf-8",
    )
    args = ["--set", f"index_dir={tmp_path / 'index'}", "reviews", "--content", str(content)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Leave\\x1b[2J\\x1b]52;c;eA==\\x07" in result.output
