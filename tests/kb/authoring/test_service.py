"""The authoring service on a real content folder and a real SQLite store."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kb.accounts.records import Grant, Role, User
from kb.authoring.errors import ReviewRequiredError, StaleEditError, UnopenableArticleError
from kb.authoring.markdown_file import HEADING_MAX_CHARS, check_text, split_text
from kb.authoring.records import Action, ArticleFields
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments, scan_content
from kb.errors import ConflictError, ContentError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Status
from kb.store.factory import create_store

ARTICLE = """---
title: VPN setup
summary: How to connect.
owner: IT
tags: [vpn]
status: published
lang: en
source_request: 12
---
## Connect

Open the client.
"""


def owner(name: str, department: str | None) -> User:
    return User(username=name, grants=[Grant(role=Role.CONTENT_OWNER, department=department)])


CORA = owner("cora", "it")
CARL = owner("carl", "it")
HELGA = owner("helga", "hr")
ADA = User(username="ada", grants=[Grant(role=Role.ADMIN)])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    (root / "hr" / "leave.md").write_text(ARTICLE.replace("VPN setup", "Leave"), encoding="utf-8")
    return root


@pytest.fixture
def service(root: Path, tmp_path: Path) -> Iterator[AuthoringService]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    changed: list[str] = []
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=changed.append
    )
    service.changed = changed  # type: ignore[attr-defined]
    yield service
    store.close()


def fields_of(service: AuthoringService, article_id: str, actor: User = CORA) -> ArticleFields:
    return service.open(actor, article_id).fields


def test_a_save_writes_the_file_records_both_versions_and_hands_it_to_the_indexer(
    service: AuthoringService, root: Path
) -> None:
    opened = service.open(CORA, "it/vpn.md")
    assert opened.version == 1 and opened.fields.title == "VPN setup"
    new = replace(opened.fields, body="## Connect\n\nOpen the client and sign in.")
    saved = service.save(CORA, "it/vpn.md", new, base_version=1, message="sign-in step")
    assert saved.number == 2 and saved.author == "cora" and saved.action is Action.SAVE
    text = (root / "it" / "vpn.md").read_text(encoding="utf-8")
    assert "sign in." in text and "source_request: 12" in text  # other fields kept
    history = service.history(CORA, "it/vpn.md")
    assert [(v.number, v.action, v.author) for v in history] == [
        (1, Action.DISK, ""),
        (2, Action.SAVE, "cora"),
    ]
    assert history[0].text == ARTICLE
    assert service.changed == ["it/vpn.md"]  # type: ignore[attr-defined]
    # The file reads back exactly as kb validate reads it.
    scan = scan_content(root)
    assert scan.errors == [] and scan.articles["it/vpn.md"].status is Status.PUBLISHED


def test_a_stale_edit_is_refused_with_both_texts_and_nothing_changes(
    service: AuthoringService, root: Path
) -> None:
    base = fields_of(service, "it/vpn.md")
    service.save(CORA, "it/vpn.md", replace(base, summary="First."), base_version=1)
    before = (root / "it" / "vpn.md").read_bytes()
    with pytest.raises(StaleEditError) as caught:
        service.save(CARL, "it/vpn.md", replace(base, summary="Second."), base_version=1)
    assert caught.value.status == 412
    assert "summary: First." in caught.value.current.text
    assert "summary: Second." in caught.value.yours
    assert (root / "it" / "vpn.md").read_bytes() == before
    assert len(service.history(CORA, "it/vpn.md")) == 2


def test_a_change_on_disk_becomes_a_version_and_makes_older_edits_stale(
    service: AuthoringService, root: Path
) -> None:
    base = service.open(CORA, "it/vpn.md")
    (root / "it" / "vpn.md").write_text(ARTICLE.replace("Open the client.", "Edited by hand."))
    assert service.open(CORA, "it/vpn.md").version == 1  # nothing stored yet: v1 is the disk
    service.history(CORA, "it/vpn.md")
    assert service.open(CORA, "it/vpn.md").version == 1
    (root / "it" / "vpn.md").write_text(ARTICLE.replace("Open the client.", "Again by hand."))
    assert service.open(CORA, "it/vpn.md").version == 2
    with pytest.raises(StaleEditError):
        service.save(CORA, "it/vpn.md", base.fields, base_version=1)
    history = service.history(CORA, "it/vpn.md")
    assert [v.action for v in history] == [Action.DISK, Action.DISK]
    assert "Again by hand." in history[-1].text


def test_restore_brings_an_old_text_back_as_a_new_version(
    service: AuthoringService, root: Path
) -> None:
    base = fields_of(service, "it/vpn.md")
    service.save(CORA, "it/vpn.md", replace(base, title="Changed"), base_version=1)
    restored = service.restore(CORA, "it/vpn.md", 1, base_version=2)
    assert restored.number == 3 and restored.action is Action.RESTORE
    assert split_text(restored.text, "it/vpn.md")[0].title == "VPN setup"
    assert "title: VPN setup" in (root / "it" / "vpn.md").read_text()


def test_content_owners_edit_only_their_department_admins_everywhere(
    service: AuthoringService,
) -> None:
    with pytest.raises(PermissionDenied, match="content_owner:it"):
        service.open(HELGA, "it/vpn.md")
    fields = fields_of(service, "it/vpn.md")
    with pytest.raises(PermissionDenied):
        service.save(HELGA, "it/vpn.md", fields, base_version=1)
    with pytest.raises(PermissionDenied):
        service.create(HELGA, "it", "new", fields)
    assert service.save(ADA, "it/vpn.md", replace(fields, summary="Admin."), base_version=1)
    assert service.editable_departments(HELGA) == ["hr"]
    assert service.editable_departments(ADA) == ["hr", "it"]


@pytest.mark.parametrize(
    "article_id",
    [
        "../etc/passwd.md",
        "it/../hr/leave.md",
        "/it/vpn.md",
        "it/.hidden.md",
        "it/_department.yml",
        "it\\vpn.md",
        "it/vpn.txt",
        "vpn.md",
        "it//vpn.md",
    ],
)
def test_ids_that_leave_the_department_or_name_no_article_are_refused(
    service: AuthoringService, article_id: str
) -> None:
    with pytest.raises((ValidationError, NotFoundError, PermissionDenied)):
        service.open(ADA, article_id)


def test_a_link_out_of_the_department_is_not_followed(
    service: AuthoringService, root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(ARTICLE)
    os.symlink(secret, root / "it" / "linked.md")
    with pytest.raises(ValidationError, match="is a symbolic link") as caught:
        service.open(ADA, "it/linked.md")
    assert caught.value.key == "article_link"  # said as such in every language
    os.symlink(tmp_path, root / "it" / "sub")
    with pytest.raises(ValidationError, match="is a symbolic link"):
        service.open(ADA, "it/sub/secret.md")


def test_new_articles_get_checked_names_and_never_overwrite(
    service: AuthoringService, root: Path
) -> None:
    fields = ArticleFields(title="Guest Wi-Fi", body="Ask reception.", status=Status.DRAFT)
    created = service.create(CORA, "it", "guest-wifi", fields, "new")
    assert created.number == 1 and created.action is Action.CREATE
    assert (root / "it" / "guest-wifi.md").is_file()
    with pytest.raises(ConflictError, match="already exists"):
        service.create(CORA, "it", "guest-wifi", fields)
    for bad in ("Guest", "../x", "a" * 81, "", "x.md"):
        with pytest.raises(ValidationError):
            service.create(CORA, "it", bad, fields)


def test_a_new_name_that_differs_only_in_letter_case_from_a_file_is_refused(
    service: AuthoringService, root: Path
) -> None:
    """`it/vpn-guide.md` beside `it/VPN-Guide.md` is one article id: the new file
    was written, reported as a duplicate by the indexer and never found."""
    (root / "it" / "VPN-Guide.md").write_text(ARTICLE, encoding="utf-8")
    fields = ArticleFields(title="VPN guide", body="Ask reception.", status=Status.DRAFT)
    with pytest.raises(ConflictError, match="it/VPN-Guide.md already exists"):
        service.create(CORA, "it", "vpn-guide", fields)
    assert sorted(p.name for p in (root / "it").iterdir()) == ["VPN-Guide.md", "vpn.md"]
    assert service.versions.latest("it/vpn-guide.md") is None


def test_what_kb_validate_refuses_is_never_written(service: AuthoringService, root: Path) -> None:
    fields = fields_of(service, "it/vpn.md")
    before = (root / "it" / "vpn.md").read_bytes()
    with pytest.raises(ContentError, match="title"):
        service.save(CORA, "it/vpn.md", replace(fields, title=" "), base_version=1)
    huge = replace(fields, body="word " * 300_000)
    with pytest.raises(ContentError, match="limit"):
        service.save(CORA, "it/vpn.md", huge, base_version=1)
    assert (root / "it" / "vpn.md").read_bytes() == before


def test_a_whole_file_pasted_into_the_text_is_refused(
    service: AuthoringService, root: Path
) -> None:
    """Its front matter was saved as text: the pasted `status: draft` ignored
    (the article stayed published) and its fields shown as a heading."""
    fields = fields_of(service, "it/vpn.md")
    before = (root / "it" / "vpn.md").read_bytes()
    pasted = "---\r\ntitle: VPN setup\r\nstatus: draft\r\n---\r\nOpen the client.\r\n"
    with pytest.raises(ContentError) as caught:
        service.save(CORA, "it/vpn.md", replace(fields, body=pasted), base_version=1)
    assert caught.value.kind == "front_matter" and "(title, status)" in str(caught.value)
    with pytest.raises(ContentError, match="front matter"):
        service.create(CORA, "it", "vpn-two", replace(fields, body=pasted))
    assert (root / "it" / "vpn.md").read_bytes() == before
    assert not (root / "it" / "vpn-two.md").exists()
    # A rule around a line of text is no front matter.
    ruled = replace(fields, body="---\nNote: ask first\n---\nOpen the client.")
    assert service.save(CORA, "it/vpn.md", ruled, base_version=1).number == 2


def test_the_editor_renders_within_the_operators_render_seconds(root: Path, tmp_path: Path) -> None:
    """The refusal tells a content owner to ask the operator to raise
    render_seconds, but the editor rendered within the built-in 2 s whatever
    the operator set: a long article the indexer publishes could not be saved
    on a slow server, and a stricter budget did not hold in the editor."""
    store = create_store(f"sqlite:///{tmp_path / 'budget.db'}")
    versions = version_store(store)
    long_body = "## Connect\n\n" + "Open the client and choose the office profile.\n\n" * 3000
    strict = AuthoringService(root, versions, lambda: load_departments(root), render_seconds=0.01)
    fields = replace(fields_of(strict, "it/vpn.md"), body=long_body)
    with pytest.raises(ContentError) as caught:
        strict.save(CORA, "it/vpn.md", fields, base_version=1)
    assert caught.value.kind == "render_time"
    patient = AuthoringService(root, versions, lambda: load_departments(root), render_seconds=60)
    assert patient.save(CORA, "it/vpn.md", fields, base_version=1).number == 2
    store.close()


def test_four_eyes_another_owner_approves_what_was_submitted(service: AuthoringService) -> None:
    helga, hans = HELGA, owner("hans", "hr")
    fields = fields_of(service, "hr/leave.md", helga)
    with pytest.raises(ReviewRequiredError, match="approval"):
        service.save(helga, "hr/leave.md", replace(fields, summary="New."), base_version=1)
    submitted = service.save(
        helga,
        "hr/leave.md",
        replace(fields, summary="New.", status=Status.REVIEW),
        base_version=1,
    )
    assert submitted.action is Action.SUBMIT
    assert service.open(hans, "hr/leave.md").submitted_by == "helga"
    with pytest.raises(ReviewRequiredError, match="second pair of eyes"):
        service.set_status(helga, "hr/leave.md", Status.PUBLISHED, base_version=2)
    approved = service.set_status(hans, "hr/leave.md", Status.PUBLISHED, base_version=2)
    assert approved.action is Action.PUBLISH and approved.status is Status.PUBLISHED
    # Retiring needs no approval.
    assert service.set_status(helga, "hr/leave.md", Status.RETIRED, base_version=3).number == 4


def test_two_saves_at_once_one_wins_the_other_is_stale(
    service: AuthoringService, root: Path
) -> None:
    fields = fields_of(service, "it/vpn.md")
    results: list[object] = []

    def save(summary: str, actor: User) -> None:
        try:
            results.append(
                service.save(actor, "it/vpn.md", replace(fields, summary=summary), base_version=1)
            )
        except StaleEditError as exc:
            results.append(exc)

    threads = [threading.Thread(target=save, args=(s, a)) for s, a in (("A.", CORA), ("B.", CARL))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["ArticleVersion", "StaleEditError"]
    assert len(service.history(CORA, "it/vpn.md")) == 2


def test_an_article_over_the_size_limit_is_refused_whole_never_opened_or_saved_cut_short(
    root: Path, tmp_path: Path
) -> None:
    store = create_store(f"sqlite:///{tmp_path / 'limit.db'}")
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), max_bytes=2_000
    )
    path = root / "it" / "vpn.md"
    whole = ARTICLE + "Step.\n" * 500 + "The last line only the file has.\n"
    path.write_text(whole, encoding="utf-8")
    with pytest.raises(ContentError, match="over the 2,000-byte limit") as caught:
        service.open(CORA, "it/vpn.md")
    assert caught.value.path == "it/vpn.md" and caught.value.kind == "too_large"
    # Saving what an editor could have shown (the first part) would drop the rest.
    fields = split_text(ARTICLE, "it/vpn.md")[0]
    with pytest.raises(ContentError, match="over the 2,000-byte limit"):
        service.save(CORA, "it/vpn.md", fields, base_version=1)
    with pytest.raises(ContentError, match="over the 2,000-byte limit"):
        service.set_status(CORA, "it/vpn.md", Status.RETIRED, base_version=1)
    assert path.read_text(encoding="utf-8") == whole
    assert service.versions.latest("it/vpn.md") is None
    store.close()


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (
            b"---\ntitle: VPN\n---\nLine one\nLine two \xff bad\n",
            "it/vpn.md:5: invalid UTF-8 at byte 37",
        ),
        ("---\ntitle: VPN\n---\nText.\n".encode("utf-16"), "it/vpn.md: file is UTF-16 text"),
        (b"---\ntitle: VPN\n---\n" + b"x\n" * 5000 + b"a \x00 b\n", "it/vpn.md:5004: a NUL"),
    ],
)
def test_a_file_that_is_not_utf8_is_never_opened_or_saved_with_replaced_bytes(
    service: AuthoringService, root: Path, raw: bytes, where: str
) -> None:
    path = root / "it" / "vpn.md"
    path.write_bytes(raw)
    with pytest.raises(UnopenableArticleError) as caught:
        service.open(CORA, "it/vpn.md")
    assert str(caught.value).startswith(where)
    fields = split_text(ARTICLE, "it/vpn.md")[0]
    for attempt in (
        lambda: service.save(CORA, "it/vpn.md", fields, base_version=1),
        lambda: service.set_status(CORA, "it/vpn.md", Status.RETIRED, base_version=1),
        lambda: service.history(CORA, "it/vpn.md"),
    ):
        with pytest.raises(UnopenableArticleError):
            attempt()
    assert path.read_bytes() == raw  # every byte as it was
    assert service.versions.latest("it/vpn.md") is None


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    return outside


def _untouched(outside: Path) -> None:
    assert sorted(p.name for p in outside.iterdir()) == ["vpn.md"]
    assert (outside / "vpn.md").read_text(encoding="utf-8") == ARTICLE


def test_a_save_through_a_linked_file_is_refused_and_writes_nothing_outside(
    service: AuthoringService, root: Path, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    os.symlink(outside / "vpn.md", root / "it" / "linked.md")
    fields = ArticleFields(title="Changed", body="Changed.", status=Status.DRAFT)
    with pytest.raises(ValidationError):
        service.save(ADA, "it/linked.md", fields, base_version=None)
    _untouched(outside)
    assert os.path.islink(root / "it" / "linked.md")


def test_a_save_through_a_linked_sub_folder_is_refused_and_writes_nothing_outside(
    service: AuthoringService, root: Path, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    os.symlink(outside, root / "it" / "guides")
    fields = ArticleFields(title="Changed", body="Changed.", status=Status.DRAFT)
    with pytest.raises(ValidationError):
        service.save(ADA, "it/guides/vpn.md", fields, base_version=None)
    _untouched(outside)


@pytest.mark.parametrize("step", ["article_file", "check_text"])
@pytest.mark.parametrize("swap", ["folder", "file"])
def test_a_link_swapped_in_between_the_check_and_the_write_is_refused(
    service: AuthoringService,
    root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    swap: str,
    step: str,
) -> None:
    """The path is checked (`article_file`), or the text (`check_text`, the last
    step before the write), then a content owner with disk access or another
    process puts a link in place of the sub-folder or the file: the save must not
    follow it out of the content folder."""
    from kb.authoring import service as service_module

    outside = _outside(tmp_path)
    guides = root / "it" / "guides"
    guides.mkdir()
    (guides / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    checked = getattr(service_module, step)

    def check_then_swap(*args: Any, **kwargs: Any) -> Any:
        found = checked(*args, **kwargs)
        if swap == "folder":
            guides.rename(tmp_path / "moved")
            os.symlink(outside, guides)
        else:
            (guides / "vpn.md").unlink()
            os.symlink(outside / "vpn.md", guides / "vpn.md")
        monkeypatch.setattr(service_module, step, checked)
        return found

    monkeypatch.setattr(service_module, step, check_then_swap)
    fields = ArticleFields(title="Changed", body="Changed.", status=Status.DRAFT)
    with pytest.raises(ValidationError, match="symbolic link"):
        service.save(ADA, "it/guides/vpn.md", fields, base_version=None)
    _untouched(outside)
    assert [v.author for v in service.versions.versions("it/guides/vpn.md") if v.author] == []


def test_reading_and_writing_an_article_file_refuse_links_on_the_way(
    root: Path, tmp_path: Path
) -> None:
    """Below the service, whatever was checked before: a link in place of the file
    or of a folder on the way is refused, and no temporary file is left behind."""
    from kb.authoring import files

    outside = _outside(tmp_path)
    os.symlink(outside / "vpn.md", root / "it" / "linked.md")
    with pytest.raises(ValidationError, match="symbolic link"):
        files.write_article(root, "it/linked.md", "new text\n")
    os.symlink(outside, root / "hr" / "sub")
    with pytest.raises(ValidationError, match="symbolic link"):
        files.write_article(root, "hr/sub/vpn.md", "new text\n")
    with pytest.raises(ValidationError, match="symbolic link"):
        files.read_text(root, "hr/sub/vpn.md", 1000)
    _untouched(outside)
    assert not [p for p in (root / "it").iterdir() if p.name.endswith(".tmp")]


def test_a_hard_linked_article_is_not_opened_and_a_save_writes_through_no_name(
    service: AuthoringService, root: Path, tmp_path: Path
) -> None:
    """A file with a second name elsewhere (a hard link) is not shown in the
    editor, which would publish the other file's text; nothing saved, restored
    or retired writes through it, and the other name keeps its bytes."""
    outside = _outside(tmp_path)
    os.link(outside / "vpn.md", root / "it" / "linked.md")
    with pytest.raises(UnopenableArticleError, match="hard link") as caught:
        service.open(CORA, "it/linked.md")
    assert caught.value.path == "it/linked.md" and "cp, not ln" in caught.value.hint
    fields = split_text(ARTICLE, "it/linked.md")[0]
    for attempt in (
        lambda: service.save(CORA, "it/linked.md", replace(fields, body="Mine."), base_version=1),
        lambda: service.set_status(CORA, "it/linked.md", Status.RETIRED, base_version=1),
    ):
        with pytest.raises(UnopenableArticleError, match="hard link"):
            attempt()
    _untouched(outside)
    assert os.stat(outside / "vpn.md").st_nlink == 2  # nothing replaced or written
    assert service.versions.latest("it/linked.md") is None


def test_an_article_with_a_long_file_name_is_saved(service: AuthoringService, root: Path) -> None:
    """The temporary file beside it was called `.<name>.<random>.tmp`, past the
    file system's 255 bytes for a name of 245 or more: such an article could be
    opened but never saved."""
    article_id = f"it/{'a' * 250}.md"
    (root / article_id).write_text(ARTICLE, encoding="utf-8")
    opened = service.open(CORA, article_id)
    saved = service.save(
        CORA, article_id, replace(opened.fields, body="Changed."), base_version=opened.version
    )
    assert saved.number == 2
    assert "Changed." in (root / article_id).read_text(encoding="utf-8")
    assert sorted(p.name for p in (root / "it").iterdir()) == [f"{'a' * 250}.md", "vpn.md"]


@pytest.mark.parametrize(
    "article_id",
    [f"it/{'a' * 256}.md", f"it/{'é' * 127}.md", f"it/{'d' * 256}/vpn.md"],
    ids=["ascii", "two-byte letters", "folder"],
)
def test_a_name_past_255_bytes_is_a_refused_id_not_a_file_system_error(
    service: AuthoringService, article_id: str
) -> None:
    """No file system holds such a name: the id was passed on and the file
    system's `File name too long` came back as a 500."""
    with pytest.raises(ValidationError, match="longer than 255 bytes"):
        service.open(ADA, article_id)
    fields = ArticleFields(title="Long", body="Long.", status=Status.DRAFT)
    with pytest.raises(ValidationError):
        service.save(ADA, article_id, fields, base_version=None)


def test_a_file_whose_name_holds_a_line_break_is_not_opened_or_saved(
    service: AuthoringService, root: Path
) -> None:
    """The scanner refuses such a name; the editor opened and saved it, and its
    id, written to the log, forged a second log line."""
    (root / "it" / "vpn\nforged.md").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(ValidationError, match="control character"):
        service.open(ADA, "it/vpn\nforged.md")
    fields = ArticleFields(title="Changed", body="Changed.", status=Status.DRAFT)
    with pytest.raises(ValidationError, match="control character"):
        service.save(ADA, "it/vpn\nforged.md", fields, base_version=None)
    assert (root / "it" / "vpn\nforged.md").read_text(encoding="utf-8") == ARTICLE


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_a_new_article_never_takes_a_windows_device_name(
    service: AuthoringService, root: Path, name: str
) -> None:
    """`it/con.md` is written on Linux, but a content folder synced to or checked
    out on Windows can neither hold nor delete it."""
    fields = ArticleFields(title="Console", body="About consoles.", status=Status.DRAFT)
    with pytest.raises(ValidationError, match="device name on Windows"):
        service.create(CORA, "it", name, fields)
    assert not (root / "it" / f"{name}.md").exists()
    assert service.create(CORA, "it", f"{name}-guide", fields).number == 1


def test_an_added_heading_is_one_line_of_plain_text_of_bounded_length(
    service: AuthoringService, root: Path
) -> None:
    """Security review of 2 December: "Add to" makes the requester's question the
    heading of the answer it adds to an article (published at once without the
    four-eyes rule). Its Markdown went in as written: a link or an attribute
    list of the requester's in the article, and a question of thousands of `[`
    rendered for minutes (Python-Markdown's link parser is quadratic in them)
    while the edit lock of every department was held."""
    heading = "Reset it [here](https://evil.example) <b>now</b> *today* {: #x}\n## Next "
    service.append_section(CORA, "it/vpn.md", heading + "[" * 3000, "Use the portal.")
    text = (root / "it" / "vpn.md").read_text(encoding="utf-8")
    added = text.split("\n## ")[-1].splitlines()
    assert added[1:] == ["", "Use the portal."]  # the heading is one line, the text after it
    assert len(added[0]) <= 5 * HEADING_MAX_CHARS  # escaped: `&lt;` for `<`
    article, _ = check_text(text, "it/vpn.md", 1_000_000)
    assert "<a " not in article.body_html and "<b>" not in article.body_html
    assert "<em>" not in article.body_html and 'id="x"' not in article.body_html
    shown = article.sections[-1].headings[-1]
    assert shown.startswith(
        "Reset it [here](https://evil.example) <b>now</b> *today* {: #x} ## Next [["
    )
    assert shown.endswith("…") and len(shown) <= HEADING_MAX_CHARS


def test_a_typed_message_never_stands_for_an_added_answer(
    service: AuthoringService, root: Path
) -> None:
    """`append_section(once=True)` took any version whose message read "answer of
    request N" as that answer added already (security review of 2 December): an
    editor who typed that message in "What changed" kept the answer of request N
    from ever being added. Only a version that added the same section counts."""
    opened = service.open(CORA, "it/vpn.md")
    typed = replace(opened.fields, body=opened.fields.body + "\n\nA typo fixed.\n")
    service.save(
        CORA, "it/vpn.md", typed, base_version=opened.version, message="answer of request 7"
    )
    message = "answer of request 7"
    added = service.append_section(
        CORA, "it/vpn.md", "Is it slow?", "Restart it.", message, once=True
    )
    assert added is not None
    again = service.append_section(
        CORA, "it/vpn.md", "Is it slow?", "Restart it.", message, once=True
    )
    assert again is None
    text = (root / "it" / "vpn.md").read_text(encoding="utf-8")
    assert text.count("## Is it slow?") == 1 and "A typo fixed." in text
