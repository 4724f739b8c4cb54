"""An article renamed in the browser: its file gets the new name in its folder,
its history goes with it, the old id records where it went, and refusals
(another owner's department, a folder in the name, a name taken, a stale page)
change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.authoring.discarding import history_of, restore_discarded
from kb.authoring.errors import StaleEditError
from kb.authoring.moving import article_moves, move_article, moved_to
from kb.authoring.picture_stage import PictureStage
from kb.authoring.records import Action, ArticleFields
from kb.authoring.service import AuthoringService
from kb.errors import ConflictError, PermissionDenied, ValidationError
from kb.records import Status
from tests.kb.authoring.test_discarding import service
from tests.kb.authoring.test_service import ADA, ARTICLE, CORA, HELGA

__all__ = ["service"]  # a fixture, used by name


def changed(service: AuthoringService) -> list[str]:
    assert service.on_change is not None
    return service.on_change.__self__  # type: ignore[attr-defined,no-any-return]


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.md"))
    }


def saved_twice(service: AuthoringService) -> int:
    """it/vpn.md with a second version of its own; the version it is at."""
    opened = service.open(CORA, "it/vpn.md")
    fields = ArticleFields(title="VPN", body="Second text.", status=Status.PUBLISHED)
    return service.save(CORA, "it/vpn.md", fields, base_version=opened.version).number


def test_a_rename_moves_the_file_and_its_history_and_indexes_both_ids(
    service: AuthoringService, tmp_path: Path
) -> None:
    at = saved_twice(service)
    text = (service.root / "it" / "vpn.md").read_text(encoding="utf-8")
    stage = PictureStage(tmp_path / "staged")
    stage.put("it/vpn.md", "screen.png", b"png", author="cora", replace=False)
    changed(service).clear()

    arrived = move_article(
        service, CORA, "it/vpn.md", "vpn-from-home", base_version=at, stage=stage
    )

    assert arrived.article_id == "it/vpn-from-home.md" and arrived.action is Action.MOVE
    assert arrived.message == "moved from it/vpn.md"
    assert not (service.root / "it" / "vpn.md").exists()
    assert (service.root / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == text
    new = service.versions.versions("it/vpn-from-home.md")
    old = service.versions.versions("it/vpn.md")
    assert [v.text for v in new[:-1]] == [v.text for v in old[:-1]]
    assert [v.number for v in new] == [1, 2, 3] and new[-1].author == "cora"
    assert (old[-1].action, old[-1].message) == (Action.MOVE, "moved to it/vpn-from-home.md")
    assert moved_to(service.versions, "it/vpn.md") == "it/vpn-from-home.md"
    assert moved_to(service.versions, "it/vpn-from-home.md") is None
    assert changed(service) == ["it/vpn.md", "it/vpn-from-home.md"]
    assert stage.names("it/vpn-from-home.md") == ["screen.png"]
    assert stage.names("it/vpn.md") == []
    # The editor opens the new id at the version the history ends with.
    assert service.open(CORA, "it/vpn-from-home.md").version == 3
    # The old id's history stays readable; its versions are restored under the new id.
    assert history_of(service, CORA, "it/vpn.md")[-1].action is Action.MOVE
    with pytest.raises(ConflictError) as refused:
        restore_discarded(service, CORA, "it/vpn.md", 1, base_version=3)
    assert refused.value.key == "restore_renamed"


def test_the_old_name_is_free_again_for_a_new_article(service: AuthoringService) -> None:
    move_article(service, ADA, "it/vpn.md", "vpn-guide.md", base_version=1)
    fields = ArticleFields(title="VPN again", body="New.")
    again = service.create(CORA, "it", "vpn", fields)
    assert (again.article_id, again.number) == ("it/vpn.md", 3)
    assert moved_to(service.versions, "it/vpn.md") is None


@pytest.mark.parametrize(
    ("actor", "article_id", "name", "error", "key"),
    [
        (HELGA, "it/vpn.md", "vpn-2", PermissionDenied, None),
        (CORA, "hr/leave.md", "leave-2", PermissionDenied, None),
        (CORA, "it/vpn.md", "../hr/vpn", ValidationError, "move_folder"),
        (CORA, "it/vpn.md", "sub/vpn", ValidationError, "move_folder"),
        (CORA, "it/vpn.md", "..", ValidationError, "bad_slug"),
        (CORA, "it/vpn.md", ".hidden", ValidationError, "bad_slug"),
        (CORA, "it/vpn.md", "VPN-Guide", ValidationError, "bad_slug"),
        (CORA, "it/vpn.md", "con", ValidationError, "reserved_slug"),
        (CORA, "it/vpn.md", "vpn", ValidationError, "move_same"),
        (CORA, "../it/vpn.md", "vpn-2", ValidationError, "bad_article_id"),
    ],
)
def test_a_refused_rename_changes_nothing(
    service: AuthoringService,
    actor: object,
    article_id: str,
    name: str,
    error: type[Exception],
    key: str | None,
) -> None:
    (service.root / "hr" / "leave.md").write_text(ARTICLE, encoding="utf-8")
    before = files_of(service.root)
    with pytest.raises(error) as refused:
        move_article(service, actor, article_id, name, base_version=1)  # type: ignore[arg-type]
    if key is not None:
        assert refused.value.key == key  # type: ignore[attr-defined]
    assert files_of(service.root) == before
    assert service.versions.latest("it/vpn-2.md") is None
    assert moved_to(service.versions, "it/vpn.md") is None


def test_a_name_taken_in_any_letter_case_is_refused(service: AuthoringService) -> None:
    (service.root / "it" / "Guide.md").write_text(ARTICLE, encoding="utf-8")
    before = files_of(service.root)
    with pytest.raises(ConflictError) as refused:
        move_article(service, CORA, "it/vpn.md", "guide", base_version=1)
    assert refused.value.key == "move_taken" and "it/Guide.md" in refused.value.message
    assert files_of(service.root) == before
    assert service.versions.versions("it/guide.md") == []


def test_a_rename_from_a_stale_page_or_over_a_change_on_disk_is_refused(
    service: AuthoringService,
) -> None:
    at = saved_twice(service)
    with pytest.raises(StaleEditError):
        move_article(service, CORA, "it/vpn.md", "vpn-2", base_version=at - 1)
    path = service.root / "it" / "vpn.md"
    path.write_text(ARTICLE.replace("Open", "Start"), encoding="utf-8")
    with pytest.raises(StaleEditError):
        move_article(service, CORA, "it/vpn.md", "vpn-2", base_version=at)
    assert "Start" in path.read_text(encoding="utf-8")
    assert not (service.root / "it" / "vpn-2.md").exists()
    assert service.versions.latest("it/vpn.md").action is Action.DISK  # type: ignore[union-attr]


def test_a_typed_message_never_makes_a_name_lead_to_another_folder(
    service: AuthoringService,
) -> None:
    """The renamed article's own `move` version keeps the message its owner types;
    typed as "moved to hr/annual-leave.md", it read as the note a rename writes on
    the old id, so once IT's file was gone, IT's address (its page, the API's
    `moved_to`, content health) led to HR's article. A rename keeps the article
    in its folder: a note naming another folder counts for nothing."""
    at = saved_twice(service)
    typed = "moved to hr/annual-leave.md"
    arrived = move_article(service, CORA, "it/vpn.md", "vpn-guide", base_version=at, message=typed)
    assert arrived.message == typed
    (service.root / "it" / "vpn-guide.md").unlink()
    assert moved_to(service.versions, "it/vpn-guide.md") is None
    assert article_moves(service.versions) == {"it/vpn.md": "it/vpn-guide.md"}
    assert moved_to(service.versions, "it/vpn.md") == "it/vpn-guide.md"
