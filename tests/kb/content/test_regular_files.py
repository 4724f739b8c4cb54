"""Only regular files inside the content root are read, never more than their
limit plus one byte: links (out of the root, to /dev/zero), named pipes and
folders behind links are reported and skipped, and nothing hangs or reads
without end (security review, issue 13)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.content.departments import load_department
from kb.content.regular_files import read_regular_file
from kb.content.scanner import scan_content, scan_departments
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
