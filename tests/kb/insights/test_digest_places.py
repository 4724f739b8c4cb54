"""The weekly digest spreads its few places over a department's articles: one
article with 500 broken links took all 20, and the department's other
articles' findings were never named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from kb.accounts.service import add_user
from kb.insights.content import Finding
from kb.insights.digest import DepartmentDigest
from kb.insights.factory import send_digest
from kb.insights.listed_findings import (
    MAX_DIGEST_FINDINGS,
    MAX_DIGEST_FINDINGS_PER_ARTICLE,
    spread_findings,
)
from kb.insights.records import GapTopic
from kb.insights.service import TopicView
from kb.store.factory import create_store
from tests.kb.insights.test_digest import mail_settings

SMALL = ("desk", "keys", "lift")


def _broken(article: str, target: str) -> Finding:
    return Finding(article, "facilities", "broken_link", {"target": target})


def _findings() -> list[Finding]:
    """One article with 500 broken links, listed first, beside three with one each."""
    many = [_broken("facilities/access.md", f"facilities/gone-{i:03}.md") for i in range(500)]
    return many + [_broken(f"facilities/{name}.md", "facilities/gone.md") for name in SMALL]


def _digest(findings: list[Finding], gaps: int = 0) -> DepartmentDigest:
    views = [
        TopicView(
            GapTopic(label=f"topic {i}", department="facilities", centroid=np.ones(2), id=i),
            [],
            searches=10,
            people=3,
            trend=0,
        )
        for i in range(gaps)
    ]
    return DepartmentDigest("facilities", "Facilities", views, findings, None)


def test_one_article_with_many_findings_leaves_places_to_the_others() -> None:
    payload = _digest(_findings()).payload("", "en")
    lines = payload["text"].splitlines()
    start = lines.index("Articles that need a look:")
    assert lines[start + 1 :] == [
        "  - facilities/access.md: Broken link",
        "  - facilities/access.md: Broken link",
        "  - facilities/access.md: Broken link",
        "    and 497 more findings in this article",
        "  - facilities/desk.md: Broken link",
        "  - facilities/keys.md: Broken link",
        "  - facilities/lift.md: Broken link",
        "Not listed here: 497 of 503 findings. Insights › Content health lists them all.",
    ]
    # Four articles to check, not 503.
    assert payload["subject"] == "Weekly insights for Facilities: 0 open gaps, 4 articles to check"
    # Programs get what the text names, and the true counts.
    assert [f["article"] for f in payload["findings"]] == ["facilities/access.md"] * 3 + [
        f"facilities/{name}.md" for name in SMALL
    ]
    assert payload["totals"] == [
        {"article": "facilities/access.md", "total": 500, "listed": 3, "link": ""},
        *({"article": f"facilities/{n}.md", "total": 1, "listed": 1, "link": ""} for n in SMALL),
    ]
    assert payload["findings_total"] == 503 and payload["articles_total"] == 4


def test_the_places_and_the_counts_in_german() -> None:
    text = _digest(_findings(), gaps=7).payload("", "de")["text"]
    assert "    und 497 weitere Befunde in diesem Artikel" in text
    assert "  - facilities/keys.md: Defekter Link" in text
    assert "Hier nicht aufgeführt: 497 von 503 Befunden." in text
    assert "    und 2 weitere Wissenslücken" in text
    one_more = _digest(_findings()[496:], gaps=6).payload("", "de")["text"]
    assert "    und 1 weiterer Befund in diesem Artikel" in one_more
    assert "    und 1 weitere Wissenslücke" in one_more


def test_gaps_past_the_first_five_are_counted() -> None:
    payload = _digest([], gaps=7).payload("", "en")
    assert len(payload["gaps"]) == 5 and payload["gaps_total"] == 7
    assert "  - topic 4: 10 searches, 3 people\n    and 2 more gaps" in payload["text"]
    assert "more gap" not in _digest([], gaps=5).payload("", "en")["text"]


def test_articles_past_the_places_are_counted() -> None:
    """With more articles than places, each named article gets one place and
    the digest says how many articles it does not name."""
    findings = [_broken(f"facilities/a{i:02}.md", "gone.md") for i in range(25)]
    payload = _digest(findings).payload("", "en")
    assert [f["article"] for f in payload["findings"]] == [
        f"facilities/a{i:02}.md" for i in range(MAX_DIGEST_FINDINGS)
    ]
    assert "Not listed here: 5 of 25 findings." in payload["text"]
    assert payload["text"].endswith("Not named here: 5 more articles with findings.")


def test_places_go_round_the_articles_and_their_kinds() -> None:
    overdue = Finding("facilities/access.md", "facilities", "review_overdue", {})
    spread = spread_findings([*_findings(), overdue], places=5)
    assert [(a.article, len(a.listed), a.total) for a in spread] == [
        ("facilities/access.md", 2, 501),  # the first round, then the second's first place
        ("facilities/desk.md", 1, 1),
        ("facilities/keys.md", 1, 1),
        ("facilities/lift.md", 1, 1),
    ]
    # The passed review date is named, not hidden behind 500 broken links.
    assert [f.kind for f in spread[0].listed] == ["broken_link", "review_overdue"]
    alone = spread_findings(_findings()[:500])
    assert len(alone) == 1 and len(alone[0].listed) == MAX_DIGEST_FINDINGS_PER_ARTICLE
    assert spread_findings([]) == []
    with pytest.raises(ValueError, match="per article"):
        spread_findings(_findings(), per_article=0)


def test_the_sent_digest_names_every_article_with_a_broken_link(tmp_path: Path) -> None:
    """From the content folder to the queued message."""
    content = tmp_path / "content"
    (content / "facilities").mkdir(parents=True)
    (content / "facilities" / "_department.yml").write_text("name: Facilities\n", "utf-8")
    missing = ", ".join(f"facilities/gone-{i:03}.md" for i in range(500))
    (content / "facilities" / "access.md").write_text(
        f"---\ntitle: Many\nrelated: [{missing}]\n---\nMany links.\n", "utf-8"
    )
    for name in SMALL:
        (content / "facilities" / f"{name}.md").write_text(
            f"---\ntitle: {name}\nrelated: [facilities/gone.md]\n---\nAbout the {name}.\n", "utf-8"
        )
    settings = mail_settings(tmp_path, content)
    store = create_store(settings.database_url)
    add_user(store, "fiona", "content_owner", "facilities")
    now = datetime.now(UTC)
    send_digest(settings, store, now)
    (message,) = store.due_messages(now)
    store.close()
    text = message.payload["text"]
    for name in SMALL:
        assert f"  - facilities/{name}.md: Broken link" in text
    assert text.count("  - facilities/access.md: ") == MAX_DIGEST_FINDINGS_PER_ARTICLE
    broken = [f for f in message.payload["findings"] if f["kind"] == "broken_link"]
    assert {f["article"] for f in broken} == {
        "facilities/access.md",
        *(f"facilities/{name}.md" for name in SMALL),
    }
    assert message.payload["findings_total"] >= 503
