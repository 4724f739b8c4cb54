"""Pictures held outside the content folder until their article is saved: a
cancelled edit leaves no file behind, a staged picture nobody saved expires,
every check is made again when it is written, and the editor's preview shows
it to the department's content owners meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.attachments.records import Upload
from kb.authoring.files import LOCK_FILE
from kb.authoring.picture_stage import PictureStage
from kb.authoring.pictures import PictureUploads
from kb.errors import ConflictError, NotFoundError, PermissionDenied
from tests.kb.authoring.test_pictures import (  # noqa: F401 - fixtures, used by name
    CORA,
    HELGA,
    JPEG,
    PNG,
    SVG,
    pictures,
    root,
    saved,
)


def _files(folder: Path) -> set[str]:
    """The files of the content folder, the editor's lock file left out."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.name != LOCK_FILE}


def test_an_upload_nobody_saves_never_reaches_the_content_folder(
    pictures: PictureUploads,  # noqa: F811
    root: Path,  # noqa: F811
) -> None:
    before = _files(root)
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", PNG))
    pictures.upload(CORA, "it/vpn.md", Upload("draft.png", PNG))
    assert _files(root) == before
    # Saved naming one of them: that one is written, the other stays staged.
    written, refused = saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")
    assert (written, refused) == (["plan.png"], [])
    assert _files(root) == before | {"it/plan.png"}
    assert pictures.stage.names("it/vpn.md") == ["draft.png"]
    # Another article of the folder saved naming it does not take it either.
    assert saved(pictures, CORA, "it/other.md", "# Other\n\n![D](draft.png)\n") == ([], [])
    assert not (root / "it" / "draft.png").exists()


def test_a_staged_picture_expires(
    pictures: PictureUploads,  # noqa: F811
    root: Path,  # noqa: F811
) -> None:
    now = [1_000_000.0]
    pictures.stage = PictureStage(pictures.stage.folder, keep_seconds=3600, clock=lambda: now[0])
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", PNG))
    assert pictures.stage.sweep() == 0  # written just now (the real clock is far later)
    now[0] = 4e9  # long after
    assert pictures.stage.sweep() == 1
    assert pictures.stage.names("it/vpn.md") == []
    assert list(pictures.stage.folder.iterdir()) == []
    # Saving the article later writes nothing: the picture is gone with its stage.
    assert saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n") == ([], [])
    assert not (root / "it" / "plan.png").exists()


def test_the_stage_holds_no_path_made_from_an_article_id(
    pictures: PictureUploads,  # noqa: F811
) -> None:
    pictures.upload(CORA, "it/guides/wifi.md", Upload("router.png", PNG))
    (held,) = pictures.stage.folder.iterdir()
    assert len(held.name) == 32 and "wifi" not in held.name
    assert sorted(p.name for p in held.iterdir()) == ["router.png", "router.png.json"]
    # Read back for that article alone, and never past the size limit.
    assert pictures.stage.get("it/guides/wifi.md", "router.png", 1_000) is not None
    assert pictures.stage.get("it/vpn.md", "router.png", 1_000) is None
    assert pictures.stage.get("it/guides/wifi.md", "router.png", len(PNG) - 1) is None


def test_the_save_checks_again_what_changed_since_the_upload(
    pictures: PictureUploads,  # noqa: F811
    root: Path,  # noqa: F811
) -> None:
    pictures.upload(HELGA, "hr/leave.md", Upload("form.png", PNG))
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", PNG))
    # Meanwhile a published article of the department under the rule names it,
    # and a file of that name was copied into the other folder on disk.
    (root / "hr" / "sick.md").write_text("# Sick\n\n![Form](form.png)\n", encoding="utf-8")
    (root / "it" / "Plan.png").write_bytes(JPEG)
    review = "---\nstatus: review\n---\n# Leave\n\n![Form](form.png)\n"
    written, refused = saved(pictures, HELGA, "hr/leave.md", review)
    assert written == [] and [e.key for e in refused] == ["picture_named"]
    written, refused = saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")
    assert written == [] and [e.key for e in refused] == ["picture_exists"]
    assert not (root / "hr" / "form.png").exists()
    assert (root / "it" / "Plan.png").read_bytes() == JPEG
    # The staged bytes are checked again too: turned into markup, never written.
    (root / "it" / "Plan.png").unlink()
    held = next(p for p in pictures.stage.folder.iterdir() if (p / "plan.png").exists())
    (held / "plan.png").write_bytes(SVG)
    written, refused = saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")
    assert written == [] and [e.key for e in refused] == ["picture_markup"]
    assert not (root / "it" / "plan.png").exists()


def test_only_content_owners_of_the_department_save_staged_pictures(
    pictures: PictureUploads,  # noqa: F811
    root: Path,  # noqa: F811
) -> None:
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", PNG))
    with pytest.raises(PermissionDenied):
        saved(pictures, HELGA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")
    assert not (root / "it" / "plan.png").exists()


def test_the_preview_shows_a_staged_picture_to_the_department_alone(
    pictures: PictureUploads,  # noqa: F811
    root: Path,  # noqa: F811
) -> None:
    (root / "it" / "plan.png").write_bytes(PNG)
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", JPEG), replace=True)
    pictures.upload(CORA, "it/vpn.md", Upload("new.png", PNG))
    # The staged bytes, not the file they replace at the save.
    assert pictures.unpublished(CORA, "it/vpn.md", "plan.png") == (JPEG, "image/jpeg")
    assert pictures.unpublished(CORA, "it/vpn.md", "./new.png") == (PNG, "image/png")
    assert pictures.is_unpublished(CORA, "it/vpn.md", "new.png")
    # Another article of the folder has no such staged picture.
    with pytest.raises(NotFoundError):
        pictures.unpublished(CORA, "it/guides/wifi.md", "../new.png")
    with pytest.raises(PermissionDenied):
        pictures.unpublished(HELGA, "it/vpn.md", "new.png")


def test_a_second_upload_under_a_staged_name_replaces_the_staged_picture(
    pictures: PictureUploads,  # noqa: F811
    root: Path,  # noqa: F811
) -> None:
    pictures.upload(HELGA, "hr/leave.md", Upload("form.png", PNG))
    with pytest.raises(ConflictError):
        pictures.upload(HELGA, "hr/leave.md", Upload("form.png", JPEG))
    # Under the four-eyes rule too: nothing reached the folder yet.
    assert pictures.upload(HELGA, "hr/leave.md", Upload("form.png", JPEG), replace=True).replaced
    review = "---\nstatus: review\n---\n# Leave\n\n![Form](form.png)\n"
    assert saved(pictures, HELGA, "hr/leave.md", review) == (["form.png"], [])
    assert (root / "hr" / "form.png").read_bytes() == JPEG
