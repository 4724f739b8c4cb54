"""Markdown files uploaded as articles: read as `kb validate` reads a file (front
matter, size, UTF-8, render budget), saved through the editor's service with
their own fields, held for review under the four-eyes rule, and refused with
the reason and line, nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.accounts.records import Grant, Role, User
from kb.attachments.records import Upload
from kb.authoring.errors import OwnChangesInReviewError
from kb.authoring.markdown_upload import is_markdown, upload_markdown
from kb.authoring.records import Action
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments, scan_content
from kb.errors import ConflictError, ContentError, PermissionDenied, ValidationError
from kb.records import Status
from kb.store.factory import create_store

CORA = User(username="cora", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
HELGA = User(username="helga", grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])
HANS = User(username="hans", grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])
EMMA = User(username="emma", grants=[Grant(role=Role.EMPLOYEE)])
GUIDE = (
    b"---\ntitle: Printer guide\ntags: [printer, toner]\nstatus: published\n"
    b"source_request: 42\n---\n\n# Printers\n\nPress the green button.\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nText.\n", encoding="utf-8")
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    return root


@pytest.fixture
def service(root: Path, tmp_path: Path) -> Iterator[AuthoringService]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changed: list[str] = []
    yield AuthoringService(
        root,
        version_store(store),
        lambda: load_departments(root),
        max_bytes=2_000,
        on_change=changed.append,
    )
    store.close()


def test_a_markdown_file_is_saved_as_an_article_with_its_own_fields(
    service: AuthoringService, root: Path
) -> None:
    done = upload_markdown(service, CORA, "it", Upload("Printer Guide.md", GUIDE))
    assert done.article_id == "it/printer-guide.md" and not done.pending
    assert (done.version.action, done.version.author) == (Action.UPLOAD, "cora")
    assert done.version.message == "uploaded the article"
    text = (root / "it" / "printer-guide.md").read_text(encoding="utf-8")
    assert "title: Printer guide" in text and "tags: [printer, toner]" in text
    assert "source_request: 42" in text and "Press the green button." in text
    assert service.on_change.__self__ == ["it/printer-guide.md"]  # type: ignore[union-attr]
    scan = scan_content(root)
    assert "it/printer-guide.md" in scan.articles
    assert not [p for p in scan.problems if p.path == "it/printer-guide.md"]


def test_a_file_without_a_title_takes_the_one_kb_validate_shows(
    service: AuthoringService, root: Path
) -> None:
    upload_markdown(service, CORA, "it", Upload("x.md", b"# Toner\n\nShake it.\n"), name="toner")
    assert "title: Toner" in (root / "it" / "toner.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "says", "line"),
    [
        (b"---\ntitle: A\n---\nfine\n\xff bad\n", "invalid UTF-8 at byte", 5),
        (b"---\ntitle: [A\nstatus: draft\n---\nText\n", "", 2),
        (b"---\ntitle: A\nstatus: shiny\n---\nText\n", "status", None),
        (b"---\ntitle: A\n---\n" + b"x" * 3_000, "over the 2,000-byte limit", None),
    ],
)
def test_what_kb_validate_refuses_is_refused_with_where_and_nothing_written(
    service: AuthoringService, root: Path, data: bytes, says: str, line: int | None
) -> None:
    with pytest.raises(ContentError) as caught:
        upload_markdown(service, CORA, "it", Upload("bad.md", data))
    assert says in str(caught.value)
    if line is not None:
        assert caught.value.line == line
    assert not (root / "it" / "bad.md").exists()
    assert service.versions.versions("it/bad.md") == []


def test_an_article_too_slow_to_render_is_refused(service: AuthoringService, root: Path) -> None:
    service.render_seconds = 0.05
    with pytest.raises(ContentError) as caught:
        upload_markdown(service, CORA, "it", Upload("slow.md", b"# Slow\n\n" + b"[" * 1_900))
    assert caught.value.kind == "render_time"
    assert not (root / "it" / "slow.md").exists()


def test_names_owners_and_existing_articles_are_checked(
    service: AuthoringService, root: Path
) -> None:
    with pytest.raises(PermissionDenied):
        upload_markdown(service, EMMA, "it", Upload("a.md", GUIDE))
    with pytest.raises(PermissionDenied):
        upload_markdown(service, HELGA, "it", Upload("a.md", GUIDE))
    with pytest.raises(ValidationError):
        upload_markdown(service, CORA, "it", Upload("a.md", GUIDE), name="../hr/a")
    with pytest.raises(ValidationError):
        upload_markdown(service, CORA, "it", Upload("a.md", b" \n"))
    with pytest.raises(ConflictError) as caught:
        upload_markdown(service, CORA, "it", Upload("VPN.md", GUIDE))
    assert caught.value.key == "article_exists"
    assert (root / "it" / "vpn.md").read_text(encoding="utf-8") == "---\ntitle: VPN\n---\nText.\n"


def test_replacing_an_article_is_a_new_version_of_it(service: AuthoringService, root: Path) -> None:
    done = upload_markdown(
        service, CORA, "it", Upload("vpn.md", GUIDE), name="vpn.md", replace_existing=True
    )
    assert done.replaced and done.article_id == "it/vpn.md"
    history = service.versions.versions("it/vpn.md")
    assert [v.action for v in history] == [Action.DISK, Action.UPLOAD]
    assert "Press the green button." in (root / "it" / "vpn.md").read_text(encoding="utf-8")


def test_under_the_four_eyes_rule_a_published_file_waits_for_review(
    service: AuthoringService, root: Path
) -> None:
    done = upload_markdown(service, HELGA, "hr", Upload("leave.md", GUIDE))
    assert done.pending and done.version.status is Status.REVIEW
    assert "status: review" in (root / "hr" / "leave.md").read_text(encoding="utf-8")
    opened = service.open(HANS, "hr/leave.md")
    assert opened.submitted_by == "helga"
    with pytest.raises(OwnChangesInReviewError):
        service.set_status(HELGA, "hr/leave.md", Status.PUBLISHED, base_version=1)
    approved = service.set_status(HANS, "hr/leave.md", Status.PUBLISHED, base_version=1)
    assert approved.status is Status.PUBLISHED


def test_markdown_names() -> None:
    assert is_markdown("Guide.MD") and is_markdown("notes.markdown")
    assert not is_markdown("guide.pdf") and not is_markdown("") and not is_markdown("md")
