"""Contract tests of the article version store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kb.authoring.records import Action, ArticleActivity, ArticleVersion
from kb.authoring.store import version_store
from kb.errors import ConflictError, NotFoundError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent
from kb.records import Status
from kb.store.protocols import Store

TS = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _version(article_id: str, number: int, text: str = "text", **kw: object) -> ArticleVersion:
    values: dict[str, object] = {
        "author": "cora",
        "action": Action.SAVE,
        "status": Status.DRAFT,
        "ts": TS,
    }
    values.update(kw)
    return ArticleVersion(article_id=article_id, number=number, text=text, **values)  # type: ignore[arg-type]


def test_versions_are_numbered_per_article_and_read_back_exactly(store: Store) -> None:
    versions = version_store(store)
    versions.add_version(_version("hr/a.md", 1, "eins\n", action=Action.DISK, author=""))
    versions.add_version(_version("hr/a.md", 2, "zwei ü\n", message="typo"))
    versions.add_version(_version("hr/ab.md", 1, "other"))
    got = versions.versions("hr/a.md")
    assert [v.number for v in got] == [1, 2]
    assert got[1].text == "zwei ü\n" and got[1].message == "typo" and got[1].ts == TS
    assert got[0].action is Action.DISK and got[0].author == ""
    assert versions.latest("hr/a.md") == got[1]
    assert versions.version("hr/a.md", 1) == got[0]
    assert versions.latest("hr/none.md") is None
    latest = versions.latest_versions("hr/")
    assert {k: v.number for k, v in latest.items()} == {"hr/a.md": 2, "hr/ab.md": 1}
    assert versions.latest_versions("h_/") == {}  # the prefix is not a pattern


def test_the_latest_versions_can_pass_over_changes_found_on_disk(store: Store) -> None:
    versions = version_store(store)
    review = {"action": Action.UPLOAD, "status": Status.REVIEW}
    versions.add_version(_version("hr/a.pdf", 1, "upload", **review))
    versions.add_version(_version("hr/a.pdf", 2, "disk", action=Action.DISK, author=""))
    versions.add_version(_version("hr/b.pdf", 1, "disk", action=Action.DISK, author=""))
    versions.add_version(_version("it/c.pdf", 1, "upload", **review))
    assert {k: v.number for k, v in versions.latest_versions("hr/").items()} == {
        "hr/a.pdf": 2,
        "hr/b.pdf": 1,
    }
    passed = versions.latest_versions("hr/", skip_disk=True)
    assert {k: (v.number, v.status) for k, v in passed.items()} == {"hr/a.pdf": (1, Status.REVIEW)}


def test_the_move_notes_are_those_of_articles_whose_newest_version_is_a_move(
    store: Store,
) -> None:
    versions = version_store(store)
    move = {"action": Action.MOVE}
    versions.add_version(_version("it/a.md", 1))
    versions.add_version(_version("it/a.md", 2, message="moved to it/b.md", **move))
    versions.add_version(_version("it/b.md", 1, message="moved from it/a.md", **move))
    versions.add_version(_version("it/c.md", 1, message="moved to it/d.md", **move))
    versions.add_version(_version("it/c.md", 2, message="a new article of the old name"))
    assert versions.latest_move_notes() == {
        "it/a.md": "moved to it/b.md",
        "it/b.md": "moved from it/a.md",
    }


def test_a_second_save_of_the_same_number_loses_and_stores_nothing(store: Store) -> None:
    versions = version_store(store)
    versions.add_version(_version("it/vpn.md", 1, "first"))
    with pytest.raises(ConflictError, match="saved by someone else") as lost:
        versions.add_version(_version("it/vpn.md", 1, "second"))
    assert lost.value.message_in("de").startswith("it/vpn.md wurde inzwischen von jemand anderem")
    assert [v.text for v in versions.versions("it/vpn.md")] == ["first"]
    versions.remove_version("it/vpn.md", 1)
    assert versions.versions("it/vpn.md") == []
    with pytest.raises(NotFoundError, match="no version 7") as missing:
        versions.version("it/vpn.md", 7)
    assert missing.value.message_in("de").startswith("it/vpn.md hat keine Version 7;")


def test_activity_counts_clicks_and_votes_per_article(store: Store) -> None:
    for _ in range(3):  # a view is a click on a search's result, once per search
        search = store.log_search(SearchEvent(query="vpn", answered=True, user="u1"))
        store.log_click(ClickEvent(search_id=search, article_id="it/vpn.md", rank=1, user="u1"))
    store.log_feedback(FeedbackEvent(article_id="it/vpn.md", helpful=True, user="u1"))
    store.log_feedback(FeedbackEvent(article_id="it/vpn.md", helpful=False, user="u2"))
    store.log_feedback(FeedbackEvent(article_id="hr/a.md", helpful=True, user="u2"))
    found = version_store(store).activity(["it/vpn.md", "hr/a.md", "hr/none.md"])
    assert found == {
        "it/vpn.md": ArticleActivity(views=3, helpful=1, not_helpful=1),
        "hr/a.md": ArticleActivity(views=0, helpful=1, not_helpful=0),
    }
    assert found["it/vpn.md"].helpful_ratio == 0.5
