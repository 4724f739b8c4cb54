"""Content health on a link to an article renamed since: its owners are told
where it went (`moved_link`), not that it is broken, and only where they may
read the new address; renamed articles are read from the version history."""

from __future__ import annotations

from pathlib import Path

from kb.accounts.records import User
from kb.authoring.moving import article_moves, final_id, move_article
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.insights.content import content_health
from kb.store.factory import create_store
from tests.kb.authoring.test_service import CORA
from tests.kb.insights.test_content import TODAY, article


def findings(moved: dict[str, str], reader: tuple[frozenset[str] | None, frozenset[str]] | None):
    arts = {
        "hr/leave.md": article(
            "hr/leave.md", "Work from home: [VPN](../it/vpn.md).", related=("it/admins-old.md",)
        ),
        "it/vpn-guide.md": article("it/vpn-guide.md"),
        "it/admins.md": article("it/admins.md", audience=("it",)),
    }
    found = content_health(
        arts, {}, set(arts), TODAY, "hr", review_due_days=14, published_on={},
        reader=reader, moved=moved,
    )  # fmt: skip
    return [(f.kind, f.detail) for f in found if "target" in f.detail]


MOVED = {"it/vpn.md": "it/vpn-guide.md", "it/admins-old.md": "it/admins.md"}


def test_a_link_to_a_renamed_article_names_its_new_address() -> None:
    assert findings(MOVED, None)[:2] == [
        ("moved_link", {"target": "it/admins-old.md", "moved_to": "it/admins.md"}),
        ("moved_link", {"target": "it/vpn.md", "moved_to": "it/vpn-guide.md"}),
    ]
    # Without the renames, both read as broken, as before.
    assert [kind for kind, _ in findings({}, None)] == ["broken_link", "broken_link"]


def test_a_link_to_a_renamed_article_is_restricted_by_the_new_ones_audience() -> None:
    """Everyone reads hr/leave.md; its related it/admins-old.md, renamed to
    it/admins.md, is for `it` alone. Checked against the old id, which no
    article has, the link was never named restricted."""
    restricted = {
        "target": "it/admins-old.md",
        "moved_to": "it/admins.md",
        "audience": ["it"],
        "missing_audience": ["everyone"],
    }
    assert ("restricted_link", restricted) in findings(MOVED, None)
    it_admin = (frozenset({"employee", "it", "content_owner:hr"}), frozenset({"hr"}))
    assert ("restricted_link", restricted) in findings(MOVED, it_admin)
    # A reader who may not read the new address learns nothing of its audience.
    hr_owner = (frozenset({"employee", "content_owner:hr"}), frozenset({"hr"}))
    assert [kind for kind, _ in findings(MOVED, hr_owner)] == ["broken_link", "moved_link"]
    assert [kind for kind, _ in findings({}, None)] == ["broken_link", "broken_link"]


def test_a_body_link_to_a_renamed_article_is_restricted_unless_written_in_code() -> None:
    arts = {
        "hr/leave.md": article("hr/leave.md", "Admins: [it](../it/old.md) `[x](../it/gone.md)`"),
        "it/admins.md": article("it/admins.md", audience=("it",)),
        "it/other.md": article("it/other.md", audience=("it",)),
    }
    moved = {"it/old.md": "it/admins.md", "it/gone.md": "it/other.md"}
    found = content_health(
        arts, {}, set(arts), TODAY, "hr", review_due_days=14, published_on={}, moved=moved
    )
    assert [(f.kind, f.detail.get("target"), f.detail.get("moved_to")) for f in found] == [
        ("moved_link", "it/old.md", "it/admins.md"),
        ("restricted_link", "it/old.md", "it/admins.md"),
    ]


def test_a_new_address_the_reader_may_not_read_stays_a_broken_link() -> None:
    hr_owner = (
        frozenset({"employee", "content_owner", "hr", "content_owner:hr"}),
        frozenset({"hr"}),
    )
    assert findings(MOVED, hr_owner) == [
        ("broken_link", {"target": "it/admins-old.md"}),
        ("moved_link", {"target": "it/vpn.md", "moved_to": "it/vpn-guide.md"}),
    ]


def test_renames_are_read_from_the_history_and_followed_in_a_row(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nText.\n", encoding="utf-8")
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    try:
        versions = version_store(store)
        service = AuthoringService(root, versions, lambda: load_departments(root))
        actor: User = CORA
        first = move_article(service, actor, "it/vpn.md", "vpn-guide", base_version=1)
        move_article(service, actor, first.article_id, "vpn-howto", base_version=first.number)
        assert article_moves(versions) == {
            "it/vpn.md": "it/vpn-howto.md",
            "it/vpn-guide.md": "it/vpn-howto.md",
        }
    finally:
        store.close()
    assert final_id({"a.md": "b.md", "b.md": "a.md"}, "a.md") is None  # a loop leads nowhere
    assert final_id({}, "a.md") is None
