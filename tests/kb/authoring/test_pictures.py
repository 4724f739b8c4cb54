"""Pictures uploaded next to an article: who may, which names and bytes are
refused (each naming the problem, nothing written), replacing only when asked
and never under the four-eyes rule, and what the scanner then shows once the
article that names them is saved (`publish_staged`)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.accounts.records import Grant, Role, User
from kb.attachments.records import Upload
from kb.authoring import files, picture_names
from kb.authoring.picture_stage import PictureStage
from kb.authoring.pictures import PictureUploads
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content import article_images
from kb.content.markdown_article import parse_article
from kb.content.scanner import load_departments, scan_content
from kb.errors import ConflictError, KbError, NotFoundError, PermissionDenied, ValidationError
from kb.store.factory import create_store

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CORA = User(username="cora", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
HELGA = User(username="helga", grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])
ADA = User(username="ada", grants=[Grant(role=Role.ADMIN)])
EMMA = User(username="emma", grants=[Grant(role=Role.EMPLOYEE)])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it" / "guides").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nText.\n", encoding="utf-8")
    (root / "it" / "guides" / "wifi.md").write_text("# Wi-Fi\n\nText.\n", encoding="utf-8")
    (root / "hr" / "leave.md").write_text("# Leave\n\nText.\n", encoding="utf-8")
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    return root


@pytest.fixture
def pictures(root: Path, tmp_path: Path) -> Iterator[PictureUploads]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changed: list[str] = []
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changed.append
    )
    yield PictureUploads(service, PictureStage(tmp_path / "staged"), max_bytes=1_000)
    store.close()


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def saved(
    pictures: PictureUploads, actor: User, article_id: str, text: str
) -> tuple[list[str], list[KbError]]:
    """`text` saved as the article (as the editor's save writes it), then its
    staged pictures written as the editor's save writes them."""
    (pictures.authoring.root / article_id).write_text(text, encoding="utf-8")
    return pictures.publish_staged(actor, article_id)


def test_a_picture_is_written_beside_its_article_and_the_scanner_shows_it(
    pictures: PictureUploads, root: Path
) -> None:
    done = pictures.upload(CORA, "it/vpn.md", Upload("Client Window.PNG", PNG))
    assert (done.name, done.media_type, done.size, done.replaced) == (
        "client-window.png",
        "image/png",
        len(PNG),
        False,
    )
    assert done.sha256 == hashlib.sha256(PNG).hexdigest()
    assert done.markdown("The VPN client [signed in]") == (
        "![The VPN client \\[signed in\\]](client-window.png)"
    )
    assert done.markdown("") == "![Client window](client-window.png)"
    # Staged: nothing in the content folder, nothing handed to the indexer yet.
    assert not (root / "it" / "client-window.png").exists()
    assert pictures.authoring.on_change.__self__ == []  # type: ignore[union-attr]
    assert saved(pictures, CORA, "it/vpn.md", f"# VPN\n\n{done.markdown('')}\n") == (
        ["client-window.png"],
        [],
    )
    assert (root / "it" / "client-window.png").read_bytes() == PNG
    assert pictures.authoring.on_change.__self__ == ["it/vpn.md"]  # type: ignore[union-attr]
    assert pictures.stage.names("it/vpn.md") == []
    # Below a sub-folder too, next to that article; what was written is what is shown.
    below = pictures.upload(ADA, "it/guides/wifi.md", Upload("x.jpg", JPEG), name="router.jpg")
    saved(pictures, ADA, "it/guides/wifi.md", f"# Wi-Fi\n\n{below.markdown('Router')}\n")
    (image,) = scan_content(root).articles["it/guides/wifi.md"].images
    assert (image.path, image.digest) == ("it/guides/router.jpg", below.sha256)


@pytest.mark.parametrize(
    ("user", "article_id", "error"),
    [
        (EMMA, "it/vpn.md", PermissionDenied),  # an employee
        (HELGA, "it/vpn.md", PermissionDenied),  # a content owner of another department
        (CORA, "hr/leave.md", PermissionDenied),
        (CORA, "it/gone.md", NotFoundError),  # no such article to put it beside
        (CORA, "it/../hr/leave.md", ValidationError),
        (CORA, "nowhere/x.md", NotFoundError),
    ],
)
def test_who_may_not_upload_writes_nothing(
    pictures: PictureUploads, root: Path, user: User, article_id: str, error: type[KbError]
) -> None:
    before = _files(root)
    with pytest.raises(error):
        pictures.upload(user, article_id, Upload("plan.png", PNG))
    assert _files(root) == before
    assert not (pictures.stage.folder.exists() and any(pictures.stage.folder.iterdir()))


@pytest.mark.parametrize(
    ("upload", "name", "key", "said"),
    [
        (Upload("plan.svg", SVG), "", "picture_kind", "not a picture an article shows"),
        (Upload("plan.png", SVG), "", "picture_markup", "markup (HTML or SVG)"),
        (Upload("plan.png", b"%PDF-1.7"), "", "picture_content", "not a PNG, JPEG"),
        (Upload("plan.png", b""), "", "picture_empty", "plan.png is empty"),
        (Upload("plan.png", PNG + bytes(1_000)), "", "picture_too_large", "image_max_bytes"),
        (Upload("", b""), "", "document_missing", "choose a file"),
        (Upload("plan.png", PNG), "../hr/plan.png", "document_name_path", "holds '..'"),
        (Upload("plan.png", PNG), "pics/plan.png", "document_name_path", "names a folder"),
        (Upload("plan.png", PNG), ".plan.png", "document_name_hidden", "hidden"),
        (Upload("plan.png", PNG), "_plan.png", "document_name_hidden", "hidden"),
        (Upload("plan.png", PNG), "Floor Plan.png", "document_name_slug", "floor-plan.png"),
        (Upload("plan.png", PNG), "plan\u202egnp.png", "document_name_control", "direction"),
        (Upload("plan.png", PNG), "con.png", "document_name_reserved", "Windows"),
        (Upload("plan.png", PNG), "plan.md", "picture_kind", "PNG, JPEG, GIF, WebP"),
    ],
)
def test_a_refusal_names_the_problem_and_writes_nothing(
    pictures: PictureUploads, root: Path, upload: Upload, name: str, key: str, said: str
) -> None:
    before = _files(root)
    with pytest.raises(ValidationError) as caught:
        pictures.upload(CORA, "it/vpn.md", upload, name=name)
    assert caught.value.key == key
    assert said in str(caught.value)
    assert _files(root) == before
    assert pictures.stage.names("it/vpn.md") == []


def test_a_picture_is_replaced_only_when_the_upload_says_so(
    pictures: PictureUploads, root: Path
) -> None:
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", PNG))
    # Staged and not saved yet: the name is taken all the same.
    with pytest.raises(ConflictError) as caught:
        pictures.upload(CORA, "it/vpn.md", Upload("Plan.png", JPEG), name="plan.png")
    assert caught.value.key == "picture_exists"
    assert saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")[0] == ["plan.png"]
    with pytest.raises(ConflictError) as caught:
        pictures.upload(CORA, "it/vpn.md", Upload("Plan.png", JPEG), name="plan.png")
    assert caught.value.key == "picture_exists" and "it/plan.png already exists" in str(
        caught.value
    )
    assert (root / "it" / "plan.png").read_bytes() == PNG
    done = pictures.upload(CORA, "it/vpn.md", Upload("plan.png", JPEG), replace=True)
    assert done.replaced and (root / "it" / "plan.png").read_bytes() == PNG  # until saved
    assert saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")[0] == ["plan.png"]
    assert (root / "it" / "plan.png").read_bytes() == JPEG


def test_a_name_in_another_letter_case_is_the_same_picture(
    pictures: PictureUploads, root: Path
) -> None:
    (root / "it" / "Plan.png").write_bytes(PNG)  # copied in on disk
    with pytest.raises(ConflictError):
        pictures.upload(CORA, "it/vpn.md", Upload("plan.png", JPEG))
    done = pictures.upload(CORA, "it/vpn.md", Upload("plan.png", JPEG), replace=True)
    assert done.name == "Plan.png" and done.replaced
    saved(pictures, CORA, "it/vpn.md", f"# VPN\n\n{done.markdown('Plan')}\n")
    assert sorted(os.listdir(root / "it")) == ["Plan.png", "guides", "vpn.md"]
    assert (root / "it" / "Plan.png").read_bytes() == JPEG


def test_a_link_in_place_of_the_picture_is_never_written_through(
    pictures: PictureUploads, root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"keep")
    os.symlink(outside, root / "it" / "plan.png")
    pictures.upload(CORA, "it/vpn.md", Upload("plan.png", PNG), replace=True)
    written, refused = saved(pictures, CORA, "it/vpn.md", "# VPN\n\n![Plan](plan.png)\n")
    assert written == [] and [type(e) for e in refused] == [ValidationError]
    assert outside.read_bytes() == b"keep"
    assert pictures.stage.names("it/vpn.md") == ["plan.png"]  # kept until it expires


def test_under_the_four_eyes_rule_a_picture_is_never_replaced_in_place(
    pictures: PictureUploads, root: Path
) -> None:
    done = pictures.upload(HELGA, "hr/leave.md", Upload("form.png", PNG))
    # Saved with the article in review: in its folder, shown once a second owner publishes.
    in_review = "---\nstatus: review\n---\n# Leave\n\n![Form](form.png)\n"
    assert saved(pictures, HELGA, "hr/leave.md", in_review) == (["form.png"], [])
    assert (root / "hr" / "form.png").read_bytes() == PNG and not done.replaced
    with pytest.raises(ConflictError) as caught:
        pictures.upload(HELGA, "hr/leave.md", Upload("form.png", JPEG), replace=True)
    assert caught.value.key == "picture_review" and "under a new name" in str(caught.value)
    assert (root / "hr" / "form.png").read_bytes() == PNG


def test_under_the_four_eyes_rule_a_name_a_published_article_shows_waits_for_review(
    pictures: PictureUploads, root: Path
) -> None:
    # Approved showing its alt text (the file was never copied in): a picture of
    # that name would reach the published page at the next index run unreviewed.
    (root / "hr" / "forms").mkdir()
    (root / "hr" / "forms" / "sick.md").write_text(
        "# Sick leave\n\n![The form](form.png)\n", encoding="utf-8"
    )
    (root / "hr" / "leave.md").write_text(
        "# Leave\n\n<IMG src='forms/Form.png' alt='Form'>\n", encoding="utf-8"
    )
    (root / "hr" / "forms" / "draft.md").write_text(
        "---\nstatus: draft\n---\n# Draft\n\n![The form](plan.png)\n", encoding="utf-8"
    )
    with pytest.raises(ConflictError) as caught:
        pictures.upload(HELGA, "hr/forms/sick.md", Upload("form.png", PNG))
    assert caught.value.key == "picture_named"
    assert caught.value.details["articles"] == ["hr/forms/sick.md", "hr/leave.md"]
    assert "another name" in str(caught.value) and "reviewed" in str(caught.value)
    assert not (root / "hr" / "forms" / "form.png").exists()
    (scanned,) = [a for a in scan_content(root).articles.values() if a.id == "hr/forms/sick.md"]
    assert scanned.images == ()  # the page still shows the alt text
    # A name only a draft names, another name, or a department without the rule: staged.
    assert pictures.upload(HELGA, "hr/forms/sick.md", Upload("plan.png", PNG)).name == "plan.png"
    assert pictures.upload(HELGA, "hr/forms/sick.md", Upload("form-2.png", PNG))
    (root / "it" / "vpn.md").write_text("# VPN\n\n![Client](client.png)\n", encoding="utf-8")
    assert pictures.upload(CORA, "it/vpn.md", Upload("client.png", PNG)).name == "client.png"


def _lock_watched(monkeypatch: pytest.MonkeyPatch, when_taken: Any) -> None:
    """`files.edit_lock` that calls `when_taken()` as soon as it is held, and
    again as it is let go."""
    original = files.edit_lock

    @contextlib.contextmanager
    def lock(root: Path) -> Iterator[None]:
        with original(root):
            when_taken()
            yield
            when_taken()

    monkeypatch.setattr(files, "edit_lock", lock)


def test_under_the_four_eyes_rule_unchanged_articles_are_rendered_before_the_lock(
    pictures: PictureUploads, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):  # '&' may hide a name: each is rendered to be sure
        (root / "hr" / f"a{n}.md").write_text(f"# A{n}\n\nQ&A ![P](p{n}.png)\n", "utf-8")
    rendered: list[str] = []

    def render(raw: bytes, article_id: str, **kwargs: Any) -> Any:
        rendered.append(article_id)
        return parse_article(raw, article_id, **kwargs)

    monkeypatch.setattr(picture_names, "parse_article", render)
    under_lock: list[int] = []
    _lock_watched(monkeypatch, lambda: under_lock.append(len(rendered)))
    assert pictures.upload(HELGA, "hr/leave.md", Upload("form.png", PNG)).name == "form.png"
    assert sorted(rendered) == [f"hr/a{n}.md" for n in range(4)]
    assert under_lock == [4, 4]  # all before the lock, none while it was held
    pictures.upload(HELGA, "hr/leave.md", Upload("plan.png", PNG))
    assert len(rendered) == 4  # the next upload renders none: their bytes are the same


def test_an_article_published_while_the_upload_waits_for_the_lock_is_caught(
    pictures: PictureUploads, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = root / "hr" / "sick.md"
    article.write_text("# Sick\n\nQ&A ![Plan](plan.png)\n", encoding="utf-8")

    def publish() -> None:
        article.write_text("# Sick\n\nQ&A ![Form](form.png)\n", encoding="utf-8")

    _lock_watched(monkeypatch, publish)
    with pytest.raises(ConflictError) as caught:
        pictures.upload(HELGA, "hr/leave.md", Upload("form.png", PNG))
    assert caught.value.key == "picture_named"
    assert caught.value.details["articles"] == ["hr/sick.md"]
    assert not (root / "hr" / "form.png").exists()


class _Reads:
    """Counts the pictures read from a folder (`read_regular_file` there)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        self.read = article_images.read_regular_file
        monkeypatch.setattr(article_images, "read_regular_file", self)

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> bytes:
        self.names.append(name)
        return self.read(name, *args, **kwargs)


def test_the_preview_reads_an_unchanged_picture_once_and_a_changed_one_again(
    pictures: PictureUploads, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "it" / "guides" / "pics").mkdir()
    picture = root / "it" / "guides" / "pics" / "plan.png"
    picture.write_bytes(PNG)
    reads = _Reads(monkeypatch)
    for _ in range(3):  # three renders of the preview
        assert pictures.is_unpublished(CORA, "it/guides/wifi.md", "./pics/plan.png")
    assert reads.names == ["plan.png"]
    # Serving the picture reads it each time (no cache keeps its bytes).
    assert pictures.unpublished(CORA, "it/guides/wifi.md", "pics/plan.png")[0] == PNG
    assert len(reads.names) == 2
    picture.write_bytes(SVG)  # changed in place: read again, and no longer a picture
    assert not pictures.is_unpublished(CORA, "it/guides/wifi.md", "pics/plan.png")
    assert not pictures.is_unpublished(CORA, "it/guides/wifi.md", "pics/plan.png")
    replacing = picture.with_name("new.tmp")  # the same size, replaced as an upload does
    replacing.write_bytes(JPEG + b"\x00" * (len(SVG) - len(JPEG)))
    os.replace(replacing, picture)
    assert pictures.is_unpublished(CORA, "it/guides/wifi.md", "pics/plan.png")
    assert len(reads.names) == 4
    with pytest.raises(PermissionDenied):
        pictures.is_unpublished(HELGA, "it/guides/wifi.md", "pics/plan.png")


def test_the_preview_s_kept_check_never_follows_a_folder_turned_into_a_link(
    pictures: PictureUploads, root: Path
) -> None:
    (root / "it" / "guides" / "pics").mkdir()
    (root / "it" / "guides" / "pics" / "plan.png").write_bytes(PNG)
    assert pictures.is_unpublished(CORA, "it/guides/wifi.md", "pics/plan.png")
    # The same file, now reached through a link in place of its folder.
    (root / "it" / "guides" / "pics").rename(root / "it" / "guides" / "kept")
    (root / "it" / "guides" / "pics").symlink_to("kept")
    assert not pictures.is_unpublished(CORA, "it/guides/wifi.md", "pics/plan.png")
    assert pictures.is_unpublished(CORA, "it/guides/wifi.md", "kept/plan.png")
    for missing in ("pics/gone.png", "../vpn.md", "https://example.org/plan.png"):
        assert not pictures.is_unpublished(CORA, "it/guides/wifi.md", missing)
