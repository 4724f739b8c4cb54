"""Bad input in the content folder: each case is reported with file, line and
reason, and the other articles are still read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.main import main
from kb.content.scanner import scan_content
from tests.conftest import SAMPLE_CONTENT, shared_dir
from tests.support import within

GOOD = {
    "hr/annual-leave.md",
    "hr/sick-leave.md",
    "hr/krankmeldung.md",
    "it/vpn-setup.md",
    "it/draft-printers.md",
}


def problems_for(content: Path, path: str) -> list[str]:
    scan = scan_content(content)
    assert set(scan.articles) >= GOOD, "good articles must survive a bad neighbour"
    return [p.message for p in scan.problems if p.path == path]


def test_fixture_content_is_clean(tiny_content: Path) -> None:
    scan = scan_content(tiny_content)
    assert set(scan.articles) == GOOD
    assert not scan.errors
    assert scan.articles["hr/sick-leave.md"].title == "Reporting sick"  # from front matter
    assert scan.articles["hr/krankmeldung.md"].lang == "de"
    assert scan.articles["it/draft-printers.md"].status.value == "draft"
    assert scan.summary()["published"] == 4


def test_invalid_utf8_names_the_line(tiny_content: Path) -> None:
    (tiny_content / "hr" / "latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\nline two\n")
    [message] = problems_for(tiny_content, "hr/latin1.md")
    assert "invalid UTF-8" in message
    problem = next(p for p in scan_content(tiny_content).problems if p.path == "hr/latin1.md")
    assert problem.line == 2 and "UTF-8" in problem.hint


def test_binary_file(tiny_content: Path) -> None:
    (tiny_content / "it" / "logo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    assert problems_for(tiny_content, "it/logo.md") == ["file is binary, not Markdown text"]


def test_utf16_text_and_a_late_nul_are_named_as_what_they_are(tiny_content: Path) -> None:
    """A UTF-16 file (Windows Notepad's "Unicode") was called binary, and a NUL past
    the first 8 KiB went into the index, where no editor could save it again."""
    text = "---\ntitle: Sixteen\n---\nBody\n"
    (tiny_content / "it" / "sixteen.md").write_bytes(text.encode("utf-16"))
    (tiny_content / "it" / "sixteen-be.md").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    [message] = problems_for(tiny_content, "it/sixteen.md")
    assert message == "file is UTF-16 text, not UTF-8"
    assert problems_for(tiny_content, "it/sixteen-be.md") == [message]
    late = "---\ntitle: Late\n---\n" + "word " * 2000 + "\nline\x00 with a NUL\n"
    (tiny_content / "it" / "late.md").write_text(late)
    scan = scan_content(tiny_content)
    [problem] = [p for p in scan.problems if p.path == "it/late.md"]
    assert "NUL character" in problem.message and problem.line == 5, problem
    assert "it/late.md" not in scan.articles


def test_empty_file(tiny_content: Path) -> None:
    (tiny_content / "it" / "empty.md").write_text("  \n\n")
    assert problems_for(tiny_content, "it/empty.md") == ["file is empty"]


def test_file_over_size_limit(tiny_content: Path) -> None:
    (tiny_content / "it" / "huge.md").write_text("# Huge\n" + "word " * 300_000)
    scan = scan_content(tiny_content, max_bytes=1_000_000)
    [problem] = [p for p in scan.problems if p.path == "it/huge.md"]
    assert "over the 1,000,000-byte limit" in problem.message
    assert set(scan.articles) >= GOOD


def test_broken_yaml_reports_line(tiny_content: Path) -> None:
    (tiny_content / "hr" / "broken.md").write_text(
        "---\ntitle: Fine\ntags: [a, b\nowner: x\n---\nBody\n"
    )
    scan = scan_content(tiny_content)
    [problem] = [p for p in scan.problems if p.path == "hr/broken.md"]
    # The list opened on line 3 is noticed at `owner:` on line 4; the line it opened on is named.
    assert str(problem) == (
        "error: hr/broken.md:3: front matter is not valid YAML: the list opened on this line "
        "is not closed with ']' (fix the YAML between the '---' lines (quote values containing "
        "':'))"
    )
    assert set(scan.articles) >= GOOD


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("tags: {a: b\n\nowner: x\n", 2, "the mapping opened on this line is not closed with '}'"),
        ("tags: [a, b\n", 2, "the list opened on this line is not closed with ']'"),
        ("tags: [a, b]]\n", 2, "expected <block end>, but found ']'"),
    ],
)
def test_an_unclosed_list_or_mapping_names_the_line_that_opened_it(
    tiny_content: Path, front: str, line: int, message: str
) -> None:
    (tiny_content / "hr" / "broken.md").write_text(f"---\n{front}---\nBody\n")
    [problem] = [p for p in scan_content(tiny_content).problems if p.path == "hr/broken.md"]
    assert (problem.line, problem.message) == (line, f"front matter is not valid YAML: {message}")


@pytest.mark.parametrize("opener", ["[", "{a: "], ids=["lists", "mappings"])
def test_values_nested_without_end_are_one_files_error_not_the_runs(
    tiny_content: Path, opener: str
) -> None:
    """50,000 `[` in a front matter raised a bare RecursionError that stopped
    `kb validate` and `kb index` for every file (issue 69)."""
    deep = opener * 50_000
    (tiny_content / "hr" / "deep.md").write_text(f"---\ntitle: Deep\nx: {deep}\n---\nBody\n")
    (tiny_content / "it" / "_department.yml").write_text(f"name: IT\nkeywords: {deep}\n")
    scan = within(60, lambda: scan_content(tiny_content))
    [problem] = [p for p in scan.problems if p.path == "hr/deep.md"]
    assert problem.line == 3 and "nested more than 40 deep" in problem.message
    [department] = [p for p in scan.problems if p.path == "it/_department.yml"]
    assert "nested more than 40 deep" in department.message
    assert set(scan.articles) >= GOOD  # the rest is read


@pytest.mark.parametrize("marked", ["<![<![<![", "<![foo[ x ]]>"])
def test_a_marked_section_pythons_parser_cannot_name_stops_neither_file_nor_run(
    tiny_content: Path, marked: str
) -> None:
    """A raw HTML block holding `<![<![` reaches the rendered HTML as written,
    and Python's HTML parser (before 3.13) raised AssertionError while the
    sections were cut from it: `kb validate` and `kb index` stopped for every
    department with a traceback. The article is read, its `<![` as text."""
    (tiny_content / "hr" / "marked.md").write_text(
        f"---\ntitle: Marked\n---\n<div>\n{marked}\n</div>\n\nLeave is taken in days.\n"
    )
    scan = within(60, lambda: scan_content(tiny_content))
    assert not [p for p in scan.problems if p.path == "hr/marked.md"]
    article = scan.articles["hr/marked.md"]
    assert "Leave is taken in days." in " ".join(s.text for s in article.sections)
    assert "<![" not in article.body_html.replace("&lt;![", "")  # the sanitiser's say
    assert set(scan.articles) >= GOOD  # the rest is read


def test_front_matter_that_is_not_a_mapping(tiny_content: Path) -> None:
    (tiny_content / "hr" / "list.md").write_text("---\n- a\n- b\n---\nBody\n")
    assert problems_for(tiny_content, "hr/list.md") == [
        "front matter must be a mapping of field: value"
    ]


def test_unknown_status_is_an_error(tiny_content: Path) -> None:
    (tiny_content / "hr" / "odd.md").write_text("---\ntitle: Odd\nstatus: live\n---\nBody\n")
    [message] = problems_for(tiny_content, "hr/odd.md")
    assert "status 'live' is not one of" in message


def test_duplicate_ids_differing_in_case(tiny_content: Path) -> None:
    (tiny_content / "it" / "VPN-Setup.md").write_text("---\ntitle: Dup\n---\nBody\n")
    scan = scan_content(tiny_content)
    dup = [p for p in scan.problems if p.kind == "duplicate"]
    assert len(dup) == 1 and "duplicate id" in dup[0].message
    assert "it/vpn-setup.md" in scan.articles or "it/VPN-Setup.md" in scan.articles


def test_article_outside_department_folder(tiny_content: Path) -> None:
    (tiny_content / "loose.md").write_text("# Loose\nNo department.\n")
    [message] = problems_for(tiny_content, "loose.md")
    assert message == "article is not inside a department folder"


def test_missing_content_root_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--content", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_unknown_fields_kept_and_title_fallbacks(tiny_content: Path) -> None:
    (tiny_content / "it" / "heading-title.md").write_text(
        "---\nfoo: bar\n---\n# From heading\nText.\n"
    )
    (tiny_content / "it" / "no-title.md").write_text("Just text without heading.\n")
    scan = scan_content(tiny_content)
    assert scan.articles["it/heading-title.md"].title == "From heading"
    assert scan.articles["it/heading-title.md"].extra == {"foo": "bar"}
    assert scan.articles["it/no-title.md"].title == "No title"
    [warned] = [p for p in scan.problems if p.path == "it/no-title.md" and p.kind == "title"]
    assert "front matter" in warned.message and "# heading" in (warned.hint or "")


def test_a_document_without_a_title_is_warned_in_a_documents_words(tiny_content: Path) -> None:
    """A document has no front matter: its title comes from its properties,
    a sidecar file or a heading, and the warning says so."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tiny_content / "it" / "locker-rules.pdf"))  # Title: "untitled"
    pdf.drawString(72, 760, "Lockers are emptied on the last Friday of each month.")
    pdf.save()
    scan = scan_content(tiny_content)
    assert scan.articles["it/locker-rules.pdf"].title == "Locker rules"
    [warned] = [p for p in scan.problems if p.path == "it/locker-rules.pdf" and p.kind == "title"]
    assert "front matter" not in warned.message and "sidecar" in warned.message
    assert "locker-rules.pdf.yml" in (warned.hint or "")


def test_department_file_defaults_and_targets(tiny_content: Path) -> None:
    scan = scan_content(tiny_content)
    assert scan.departments["hr"].name == "Human Resources"
    assert scan.departments["hr"].targets.resolution_hours == 40
    assert scan.departments["it"].name == "IT" and not scan.departments["it"].has_file


def test_broken_department_file_falls_back(tiny_content: Path) -> None:
    (tiny_content / "it" / "_department.yml").write_text("name: [unclosed\n")
    scan = scan_content(tiny_content)
    assert scan.departments["it"].name == "IT"
    assert any(p.path == "it/_department.yml" for p in scan.problems)
    assert set(scan.articles) >= GOOD


def test_template_tags_and_links_reduced_to_text(tiny_content: Path) -> None:
    (tiny_content / "it" / "tags.md").write_text(
        '---\ntitle: Tags\n---\nSee [the travel guide]({% page "/travel/" %}) and {{ site.name }}.\n'
        "{% alert %}Careful{% endalert %}\n"
    )
    text = scan_content(tiny_content).articles["it/tags.md"].plain_text
    assert "the travel guide" in text and "{%" not in text and "{{" not in text
    assert "Careful" in text and "/travel/" not in text


def test_template_tag_names_and_raw_text_stay(tiny_content: Path) -> None:
    (tiny_content / "it" / "tags.md").write_text(
        '---\ntitle: Tags\n---\nAsk in {% slack_channel "people-ops" %} or by mail.\n\n'
        '{% image "_img/a.png" "a screen" %} {% include footer.html %}\n\n'
        "{% raw %}Write {{ site.name }} in the template.{% endraw %}\n"
    )
    text = scan_content(tiny_content).articles["it/tags.md"].plain_text
    assert "Ask in people-ops or by mail" in text
    assert "Write {{ site.name }} in the template" in text
    assert "_img" not in text and "footer" not in text and "{%" not in text


def test_cli_validate_exit_codes(tiny_content: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", "--content", str(tiny_content), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["published"] == 4
    (tiny_content / "hr" / "bad.md").write_bytes(b"\xff\xfe\x00\x00")
    bad = runner.invoke(main, ["validate", "--content", str(tiny_content)])
    assert bad.exit_code == 1
    assert "hr/bad.md" in bad.output


def test_sample_knowledge_base_meets_targets() -> None:
    result = CliRunner().invoke(main, ["validate", "--content", str(SAMPLE_CONTENT), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["published"] >= 60
    assert data["departments"] >= 5
    assert data["published_by_language"].get("de", 0) >= 10
    assert data["by_status"].get("retired") == 1
    assert data["by_status"].get("draft", 0) + data["by_status"].get("review", 0) >= 2


def test_the_sample_fire_safety_article_shows_its_evacuation_plan() -> None:
    """`make run` shows a picture in an article: the Hamburg evacuation plan,
    a real PNG the scanner keeps, small enough for any limit, with an alt text
    that says what it shows."""
    from kb.content.readers import read_article

    path = SAMPLE_CONTENT / "facilities" / "first-aid-and-fire-safety.md"
    article, problems = read_article(
        str(path), "facilities/first-aid-and-fire-safety.md", 1_000_000, None
    )
    assert not [p for p in problems if p.kind == "image"]
    (plan,) = article.images
    assert plan.path == "facilities/hamburg-ground-floor-evacuation.png"
    assert plan.media_type == "image/png" and plan.size < 20_000
    assert 'alt="Evacuation plan of the Hamburg ground floor' in article.body_html


def test_real_handbook_from_another_organisation() -> None:
    shared = shared_dir()
    pages = shared / "corpora" / "18f-handbook" / "pages" if shared else None
    if pages is None or not pages.is_dir():
        pytest.skip("shared 18F handbook corpus not found (set KB_SHARED_DIR to the shared folder)")
    result = CliRunner().invoke(main, ["validate", "--content", str(pages), "--json"])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    data = json.loads(result.output)
    files = sum(1 for _ in pages.rglob("*.md"))
    reported = {
        p["path"] for p in data["problems"] if p["severity"] == "error" or p["kind"] == "redirect"
    }
    assert data["articles"] + len(reported) == files
    for problem in data["problems"]:
        assert problem["message"], problem


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read unreadable files")
def test_unreadable_file(tiny_content: Path) -> None:
    bad = tiny_content / "it" / "secret.md"
    bad.write_text("# Secret\n")
    bad.chmod(0)
    assert "cannot read file" in problems_for(tiny_content, "it/secret.md")[0]


def test_an_impossible_date_is_a_yaml_problem_with_its_line(tiny_content: Path) -> None:
    """YAML reads 2026-02-30 as a date and fails with ValueError: an article was
    told its front matter "is not closed", and a department file or sidecar with
    one stopped `kb validate` and `kb index` with a traceback."""
    (tiny_content / "hr" / "leap.md").write_text(
        "---\ntitle: Leap\nupdated: 2026-02-30\n---\nBody\n"
    )
    (tiny_content / "it" / "_department.yml").write_text("name: IT Services\nsince: 2026-02-30\n")
    (tiny_content / "it" / "policy.txt").write_text("Printers\n========\n\nAsk the service desk.\n")
    (tiny_content / "it" / "policy.txt.yml").write_text("title: Printers\nupdated: 2026-13-01\n")
    scan = scan_content(tiny_content)
    assert set(scan.articles) >= GOOD
    by_path = {p.path: p for p in scan.problems}
    leap = by_path["hr/leap.md"]
    assert "2026-02-30 is not a date" in leap.message and leap.line == 3, leap
    department = by_path["it/_department.yml"]
    assert "2026-02-30 is not a date" in department.message and department.line == 2
    assert scan.departments["it"].name == "IT"
    assert "2026-13-01 is not a date" in by_path["it/policy.txt.yml"].message
    assert "it/policy.txt" not in scan.articles


def test_yaml_aliases_are_refused(tiny_content: Path) -> None:
    """An alias repeats a value without copying it; nine lines of them ("billion
    laughs") are 9^9 values once a field is read, and kept `kb validate` busy for a
    minute on a 500-byte file (one level deeper: ten minutes and gigabytes)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 6)]
    bomb = "\n".join(lines)
    (tiny_content / "hr" / "laughs.md").write_text(f"---\n{bomb}\ntags: *a5\n---\nBody\n")
    (tiny_content / "it" / "_department.yml").write_text(f"{bomb}\nkeywords: *a5\n")
    scan = scan_content(tiny_content)
    assert set(scan.articles) >= GOOD and "hr/laughs.md" not in scan.articles
    by_path = {p.path: p for p in scan.problems}
    article = by_path["hr/laughs.md"]
    assert "alias *a0" in article.message and article.line == 3, article
    assert "alias *a0" in by_path["it/_department.yml"].message
    assert scan.departments["it"].keywords == ()


def test_a_field_given_twice_is_reported_with_both_lines(tiny_content: Path) -> None:
    """YAML keeps the last of two equal keys without a word: an owner who wrote
    `title:` twice (or `audience:` once more further down) never learnt which
    one the knowledge base shows."""
    article = tiny_content / "hr" / "twice.md"
    article.write_text("---\ntitle: One\ntags: [a]\ntitle: Two\n---\nBody\n")
    (tiny_content / "it" / "_department.yml").write_text("name: IT\nname: Information\n")
    problems = {p.path: (p.message, p.line) for p in scan_content(tiny_content).problems}
    message, line = problems["hr/twice.md"]
    assert "'title' is given twice (lines 2 and 4)" in message and line == 4, message
    assert "'name' is given twice (lines 1 and 2)" in problems["it/_department.yml"][0]
    assert problems_for(tiny_content, "hr/sick-leave.md") == []  # the others are read
    assert "hr/twice.md" not in scan_content(tiny_content).articles
    article.write_text("---\ntitle: Two\ntags: [a]\n---\nBody\n")
    assert scan_content(tiny_content).articles["hr/twice.md"].title == "Two"


def test_a_backslash_in_a_path_is_reported_not_a_crash(tiny_content: Path) -> None:
    """An article id is a POSIX path, so `hr/a\\b.md` cannot be one: a file or
    folder named with a backslash stopped `kb validate` and `kb index` with a
    traceback, for every department."""
    (tiny_content / "hr" / "a\\b.md").write_text("---\ntitle: A\n---\nBody\n")
    (tiny_content / "x\\y").mkdir()
    (tiny_content / "x\\y" / "c.md").write_text("# C\n\nBody\n")
    (tiny_content / "it" / "d\\e.pdf").write_bytes(b"%PDF-1.4 not really")
    scan = scan_content(tiny_content)
    assert set(scan.articles) == GOOD
    found = {p.path: p for p in scan.problems}
    for path in ("hr/a\\b.md", "it/d\\e.pdf"):
        assert found[path].kind == "file_name" and "backslash" in found[path].message, path
    assert found["x\\y/"].kind == "department_name"  # a folder is named once


def test_a_control_character_in_a_path_is_reported_on_one_line(tiny_content: Path) -> None:
    """A file name with a line break (or another control character) became an
    article id, and every line naming it (kb validate, the indexer's log) split
    in two. It is a file_name problem like the backslash, printed escaped."""
    (tiny_content / "hr" / "a\nb.md").write_text("---\ntitle: A\n---\nBody\n")
    (tiny_content / "x\ty").mkdir()
    (tiny_content / "x\ty" / "c.md").write_text("# C\n\nBody\n")
    (tiny_content / "it" / "d\x1b[2Je.pdf").write_bytes(b"%PDF-1.4 not really")
    (tiny_content / "it" / "f\u2028g.md").write_text("# F\n\nBody\n")
    scan = scan_content(tiny_content)
    assert set(scan.articles) == GOOD
    found = {p.path: p for p in scan.problems}
    for path in ("hr/a\nb.md", "it/d\x1b[2Je.pdf", "it/f\u2028g.md"):
        assert found[path].kind == "file_name" and "control" in found[path].message, path
    assert found["x\ty/"].kind == "department_name"  # a folder is named once
    assert str(found["hr/a\nb.md"]).startswith("error: hr/a\\nb.md: ")
    result = CliRunner().invoke(main, ["validate", "--content", str(tiny_content)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len([line for line in lines if "control character" in line]) == 4, lines
    assert "\x1b" not in result.output


def test_a_control_that_reorders_a_path_is_reported(tiny_content: Path) -> None:
    """A file name may hold the controls that reorder the text after them (U+202E
    and its kin), which titles and bodies no longer publish: the id is the
    article's address, its name on the content owners' pages and a document's
    download name, so `it/pay\u202excod.exe.pdf` offered "payfdp.exe.docx". It
    is a file_name problem like a control character; the rest is read."""
    (tiny_content / "it" / "pay\u202excod.exe.pdf").write_bytes(b"%PDF-1.4 not really")
    (tiny_content / "hr" / "leave\u2067x.md").write_text("# Leave\n\nBody\n")
    (tiny_content / "hr" / "a\u202db").mkdir()
    (tiny_content / "hr" / "a\u202db" / "c.md").write_text("# C\n\nBody\n")
    scan = scan_content(tiny_content)
    assert set(scan.articles) == GOOD
    found = {p.path: p for p in scan.problems}
    for path in ("it/pay\u202excod.exe.pdf", "hr/leave\u2067x.md", "hr/a\u202db/c.md"):
        assert found[path].kind == "file_name" and "reorders" in found[path].message, path
    result = CliRunner().invoke(main, ["validate", "--content", str(tiny_content)])
    assert result.exit_code == 1 and result.output.count("reorders the text") == 3


def test_a_path_too_long_for_an_article_id_is_reported(tiny_content: Path) -> None:
    """Nested folders can make a path of several thousand bytes, which no database
    index entry (PostgreSQL's B-tree: about 2,700 bytes) holds: recording a click
    on such an article failed. Such a file is a file_name problem instead."""
    deep = tiny_content / "hr"
    for letter in "abcde":
        deep = deep / (letter * 250)
    deep.mkdir(parents=True)
    (deep / "policy.md").write_text("# Policy\n\nBody\n")
    (deep / "form.pdf").write_bytes(b"%PDF-1.4 not really")
    (tiny_content / "hr" / "a").mkdir()
    (tiny_content / "hr" / "a" / ("ü" * 120 + ".md")).write_text("# Fits\n\nBody\n")
    scan = scan_content(tiny_content)
    assert set(scan.articles) == GOOD | {"hr/a/" + "ü" * 120 + ".md"}
    found = {p.path: p for p in scan.problems}
    for name in ("policy.md", "form.pdf"):
        problem = found[str((deep / name).relative_to(tiny_content))]
        assert problem.kind == "file_name", problem
        assert "bytes long; an article id may have at most 1,200" in problem.message


@pytest.mark.parametrize("folder", ["a:b", "a<b>", "Tom & Jerry", "x,y", "it's", "triage"])
def test_a_department_folder_name_that_cannot_be_a_department_is_reported(
    tiny_content: Path, folder: str
) -> None:
    """A department id becomes a role (`agent:<id>`), a groups-header entry and
    page text, and the triage department's id is the central queue: a folder
    named `a:b`, with HTML characters or like the triage queue was taken as a
    department all the same. It is reported once, its articles are left out,
    and every other department is still read."""
    (tiny_content / folder).mkdir()
    (tiny_content / folder / "c.md").write_text("# C\n\nBody\n")
    scan = scan_content(tiny_content)
    assert set(scan.articles) == GOOD
    assert set(scan.departments) == {"hr", "it"}
    [problem] = [p for p in scan.problems if p.kind == "department_name"]
    assert problem.path == f"{folder}/" and problem.severity.value == "error"
    assert scan.summary()["errors"] == 1


def test_the_scan_records_when_each_article_s_file_changed(tmp_path: Path) -> None:
    """Content health dates an article's present form by its file's modification time."""
    from datetime import UTC, datetime

    (tmp_path / "hr").mkdir()
    article = tmp_path / "hr" / "leave.md"
    article.write_text("---\ntitle: Leave\n---\nThirty days a year.\n", "utf-8")
    when = datetime(2025, 6, 1, 8, 30, tzinfo=UTC)
    os.utime(article, (when.timestamp(), when.timestamp()))
    scan = scan_content(tmp_path)
    assert scan.modified == {"hr/leave.md": when}
