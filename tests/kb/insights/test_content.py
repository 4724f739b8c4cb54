"""Content health rules on small article fixtures."""

from __future__ import annotations

from datetime import date

from kb.insights.content import ArticleFigures, broken_links, content_health, near_duplicates
from kb.records import Article, Section

TODAY = date(2026, 3, 10)
LONG = " ".join(f"word{i}" for i in range(80))


def article(aid: str, body: str = "", **extra: object) -> Article:
    body = body or f"All about {aid}: its own words, {aid} and nothing else."
    return Article(
        id=aid,
        department=aid.split("/")[0],
        title=aid,
        body_markdown=body,
        sections=(Section(headings=(), text=body),),
        **extra,
    )  # type: ignore[arg-type]


def test_links_to_missing_articles_are_found_and_others_are_not() -> None:
    a = article(
        "hr/a.md",
        "See [b](b.md), [c](../it/c.md#setup), [web](https://x.org/y.md) and [gone](missing.md).",
        related=("it/nowhere.md",),
    )
    known = {"hr/a.md", "hr/b.md", "it/c.md"}
    assert broken_links(a, known) == ["hr/missing.md", "it/nowhere.md"]


def test_near_duplicates_within_and_across_departments() -> None:
    arts = [
        article("hr/a.md", LONG),
        article("it/b.md", LONG + " extra words at the end"),
        article("hr/c.md", "something entirely different " * 10),
    ]
    pairs = near_duplicates(arts)
    assert [(a, b) for a, b, _ in pairs] == [("hr/a.md", "it/b.md")]
    assert pairs[0][2] > 0.9


def test_every_rule_fires_where_it_should() -> None:
    arts = {
        "hr/old.md": article("hr/old.md", review_by=date(2026, 3, 1)),
        "hr/soon.md": article("hr/soon.md", review_by=date(2026, 3, 20)),
        "hr/fine.md": article("hr/fine.md", review_by=date(2026, 6, 1)),
        "it/unhelpful.md": article("it/unhelpful.md"),
        "it/asked.md": article("it/asked.md"),
    }
    figures = {
        "it/unhelpful.md": ArticleFigures(shown=40, helpful=1, not_helpful=5),
        "it/asked.md": ArticleFigures(shown=40, top_answers=10, answers_then_request=3),
        "hr/fine.md": ArticleFigures(shown=3, helpful=4, not_helpful=1),
    }
    shown = {"hr/fine.md", "it/unhelpful.md", "it/asked.md", "hr/soon.md"}
    found = {
        (f.article, f.kind) for f in content_health(arts, figures, shown, TODAY, review_due_days=14)
    }
    assert found == {
        ("hr/old.md", "review_overdue"),
        ("hr/old.md", "not_shown"),
        ("hr/soon.md", "review_due"),
        ("it/unhelpful.md", "low_helpful"),
        ("it/asked.md", "answer_then_request"),
    }
    it_only = content_health(arts, figures, shown, TODAY, department="it", review_due_days=14)
    assert {f.department for f in it_only} == {"it"}
