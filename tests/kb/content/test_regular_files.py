"""Only regular files inside the content root are read, never more than their
limit plus one byte: links (out of the root, to /dev/zero), named pipes and
folders behind links are reported and skipped, and nothing hangs or reads
without end (security review, issue 13)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.catalogue.loading import load_catalogue
from kb.content.article_images import FolderImages, read_image
from kb.content.departments import load_department
from kb.content.documents import (
    DocumentDefaults,
    load_defaults,
    read_document_file,
    read_sidecar,
)
from kb.content.files import content_entries
from kb.content.images import image_references
from kb.content.regular_files import read_content_file, read_regular_file
from kb.content.scanner import read_entry, scan_content, scan_departments
from kb.errors import ConfigError, ContentError
from kb.requests.workflows import load_workflows
from search.synonyms import GlossaryFile
from tests.support import run_kb, within


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "hostname.md"
    secret.parent.mkdir()
    secret.write_text("# Server secret\n\nsecret-from-outside-the-root\n", encoding="utf-8")
    return secret


def test_read_regular_file_refuses_links_pipes_and_devices(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(outside)
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    zero = tmp_path / "zero.md"
    zero.symlink_to("/dev/zero")
    for path in (link, pipe, zero):
        with pytest.raises(ContentError) as caught:
            within(5, lambda p=path: read_regular_file(p, 1000, p.name))
        assert caught.value.kind == "not_a_file"
        assert "not a regular file" in caught.value.message


def test_read_regular_file_reads_at_most_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 5000)
    assert read_regular_file(path, 5000, "big.md") == b"x" * 5000
    with pytest.raises(ContentError) as caught:
        read_regular_file(path, 4999, "big.md")
    assert caught.value.kind == "too_large" and "over the 4,999-byte limit" in caught.value.message
    with pytest.raises(ContentError) as missing:
        read_regular_file(tmp_path / "nothing.md", 10, "nothing.md")
    assert missing.value.kind == "missing"


def test_article_linked_out_of_the_root_is_reported_not_read(
    tiny_content: Path, outside: Path
) -> None:
    (tiny_content / "it" / "hostname.md").symlink_to(outside)
    scan = within(30, lambda: scan_content(tiny_content))
    assert "it/hostname.md" not in scan.articles
    [problem] = [p for p in scan.problems if p.path == "it/hostname.md"]
    assert problem.kind == "not_a_file" and "link" in problem.hint
    assert "it/vpn-setup.md" in scan.articles  # the rest is still read


def test_named_pipe_and_dev_zero_do_not_stall_validate(tiny_content: Path) -> None:
    os.mkfifo(tiny_content / "it" / "pipe.md")
    (tiny_content / "hr" / "zero.md").symlink_to("/dev/zero")
    (tiny_content / "hr" / "zero.pdf").symlink_to("/dev/zero")
    result = within(60, lambda: run_kb({}, "validate", "--content", str(tiny_content), "--json"))
    assert result.exit_code == 1, result.output
    for path in ("it/pipe.md", "hr/zero.md", "hr/zero.pdf"):
        assert f'"{path}"' in result.output
    assert result.output.count('"kind": "not_a_file"') == 3


def test_department_file_that_is_a_link_or_pipe_is_reported(tiny_content: Path) -> None:
    department_file = tiny_content / "hr" / "_department.yml"
    department_file.unlink()
    department_file.symlink_to("/dev/zero")
    os.mkfifo(tiny_content / "it" / "_department.yml")
    departments, problems = within(10, lambda: scan_departments(tiny_content))
    assert departments["hr"].name == "HR" and departments["it"].name == "IT"  # defaults
    assert {p.path for p in problems} == {"hr/_department.yml", "it/_department.yml"}
    assert all(p.kind == "not_a_file" for p in problems)
    with pytest.raises(ContentError):
        load_department(tiny_content / "hr", "hr")


def test_folder_behind_a_link_is_not_a_department(tiny_content: Path, outside: Path) -> None:
    (tiny_content / "secrets").symlink_to(outside.parent, target_is_directory=True)
    (tiny_content / "it" / "more").symlink_to(outside.parent, target_is_directory=True)
    scan = scan_content(tiny_content)
    assert "secrets" not in scan.departments
    assert not any(a.startswith(("secrets/", "it/more/")) for a in scan.articles)
    linked = {p.path for p in scan.problems if p.kind == "not_a_file"}
    assert linked == {"secrets", "it/more"}


def test_glossary_pipe_or_link_keeps_searching(tmp_path: Path, outside: Path) -> None:
    path = tmp_path / "_glossary.yml"
    path.write_text("groups:\n  - [laptop, notebook]\n", encoding="utf-8")
    glossary = GlossaryFile(path)
    assert len(glossary.get()) == 1
    path.unlink()
    os.mkfifo(path)
    assert len(within(5, glossary.get)) == 1  # the last good glossary stays
    path.unlink()
    path.symlink_to("/dev/zero")
    assert len(within(5, glossary.get)) == 1


def test_value_streams_file_must_be_a_regular_file(tmp_path: Path, outside: Path) -> None:
    path = tmp_path / "_workflows.yml"
    path.symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="not a regular file"):
        within(5, lambda: load_workflows(path))


def test_a_hard_link_is_reported_and_skipped_and_the_rest_is_read(
    tiny_content: Path, outside: Path
) -> None:
    """A second name for a file kept elsewhere (hard link) is not published: its
    other name may be a file the content owner may not publish, and the indexer
    may run with other rights than theirs (security review, issue 69)."""
    os.link(outside, tiny_content / "it" / "hostname.md")
    with pytest.raises(ContentError) as caught:
        read_regular_file(tiny_content / "it" / "hostname.md", 1000, "it/hostname.md")
    assert caught.value.kind == "hard_link" and "2 names" in caught.value.message
    scan = scan_content(tiny_content)
    assert "it/hostname.md" not in scan.articles
    [problem] = [p for p in scan.problems if p.path == "it/hostname.md"]
    assert problem.kind == "hard_link" and "cp, not ln" in problem.hint
    assert "it/vpn-setup.md" in scan.articles  # the rest is still read
    os.unlink(outside)  # its one name now: an ordinary article
    assert "it/hostname.md" in scan_content(tiny_content).articles


def test_a_hard_linked_department_file_or_document_is_not_read(
    tiny_content: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere.yml"
    other.write_text("name: Taken over\n", encoding="utf-8")
    department_file = tiny_content / "hr" / "_department.yml"
    department_file.unlink()
    os.link(other, department_file)
    departments, problems = scan_departments(tiny_content)
    assert departments["hr"].name == "HR"  # the default, not the linked file's
    assert [p.kind for p in problems if p.path == "hr/_department.yml"] == ["hard_link"]
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 not really\n")
    os.link(report, tiny_content / "hr" / "report.pdf")
    result = within(60, lambda: run_kb({}, "validate", "--content", str(tiny_content), "--json"))
    assert '"path": "hr/report.pdf"' in result.output, result.output
    assert result.output.count('"kind": "hard_link"') == 2


def test_a_folder_swapped_for_a_link_after_the_scan_listed_it_leads_nowhere(
    tmp_path: Path,
) -> None:
    """Found in the review of 6 December: the scanner lists the files without
    following a link, but reads each later (after other files' extraction):
    a content owner who swapped a folder of theirs for a link out of the root
    in between had the file of the same name there published (an article,
    a document, its sidecar, a picture). Each folder from the root down is
    now opened without following a link."""
    root = tmp_path / "content"
    folder = root / "hr" / "travel"
    folder.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    picture = b"\x89PNG\r\n\x1a\n" + bytes(64)
    for where, words in ((folder, "Harmless travel notes"), (outside, "secret-from-outside")):
        (where / "notes.md").write_text(f"# Notes\n\n{words}.\n\n![map](map.png)\n", "utf-8")
        (where / "notes.txt").write_text(f"{words} of the team, read as a document.\n", "utf-8")
        (where / "notes.txt.yml").write_text(f"title: {words}\n", "utf-8")
        (where / "map.png").write_bytes(picture)
    entries = {e.id: e for e in content_entries(root)}
    assert set(entries) == {"hr/travel/notes.md", "hr/travel/notes.txt"}
    folder.rename(root / "hr" / "moved")
    folder.symlink_to(outside, target_is_directory=True)

    article, problems = read_entry(entries["hr/travel/notes.md"], 100_000)
    assert article is None
    assert problems[0].kind == "not_a_file" and "travel" in problems[0].message
    document = entries["hr/travel/notes.txt"]
    for read in (
        lambda: read_document_file(Path(document.path), 100_000, document.id),
        lambda: read_sidecar(Path(document.path), document.id),
        lambda: read_content_file(document.path, document.id, 100_000),
    ):
        with pytest.raises(ContentError) as refused:
            read()
        assert refused.value.kind == "not_a_file" and "secret" not in str(refused.value)
    # An article of a folder below the one swapped: its own folder is no link.
    (outside / "maps").mkdir()
    (outside / "maps" / "map.png").write_bytes(picture)
    article_id = "hr/travel/maps/notes.md"
    with pytest.raises(ContentError) as refused:
        read_image(str(folder / "maps"), "map.png", 100_000, "hr/travel/maps/map.png", article_id)
    assert refused.value.kind == "not_a_file"
    images = FolderImages(str(folder / "maps"), 100_000, article_id)
    references = image_references('<img src="map.png">', "![map](map.png)", 1, article_id)
    shown, not_shown = images(article_id, references)
    assert shown == () and len(not_shown) == 1


def test_files_are_read_below_a_root_that_is_itself_a_link(tmp_path: Path) -> None:
    """The content root is the operator's: it may be a link (a mounted share);
    only the folders below it are opened without following one."""
    real = tmp_path / "real"
    (real / "hr").mkdir(parents=True)
    (real / "hr" / "leave.md").write_text("# Leave\n\nTwenty-five days a year.\n", "utf-8")
    root = tmp_path / "content"
    root.symlink_to(real, target_is_directory=True)
    [entry] = content_entries(root)
    article, problems = read_entry(entry, 100_000)
    assert article is not None and not problems
    assert read_content_file(entry.path, entry.id, 100_000).startswith(b"# Leave")


def test_a_department_folder_swapped_for_a_link_has_no_file_outside_read(
    tmp_path: Path,
) -> None:
    """Found in the review of 6 December: `_department.yml` was read by its path
    (the department, its documents' defaults, its catalogue), so a content owner
    who swapped their department's folder for a link out of the root after the
    scan listed it had another folder's file set the department's name, its
    four-eyes rule and its canned replies. The folder is now opened without
    following a link, as every other content file's is."""
    root = tmp_path / "content"
    (root / "hr").mkdir(parents=True)
    (root / "hr" / "_department.yml").write_text("name: Human Resources\n", "utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "_department.yml").write_text(
        "name: Taken over\ndocuments: {owner: mallory}\ncanned_replies:\n"
        "  - id: taken\n    title: {en: Taken}\n    text: {en: Taken over}\n",
        "utf-8",
    )
    departments, _ = scan_departments(root)
    assert departments["hr"].name == "Human Resources"
    (root / "hr").rename(root / "hr-before")
    (root / "hr").symlink_to(outside, target_is_directory=True)

    with pytest.raises(ContentError) as refused:
        load_department(root / "hr", "hr")
    assert refused.value.kind == "not_a_file" and "Taken" not in str(refused.value)
    assert refused.value.path == "hr/_department.yml" and "symbolic link" in str(refused.value)
    assert load_defaults(root / "hr") == DocumentDefaults(unreadable=True)
    catalogue, _ = load_catalogue(root, ["hr"])
    assert "hr" not in catalogue.replies
