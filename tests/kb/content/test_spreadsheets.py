"""Spreadsheets in a department's folder are reported as not published, with
what to do, in `kb validate` and the index report: they were left out without a
word, and a content owner who put the price list there never learnt why search
did not find it. One in the content root, where no department's files lie, is
not content."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content.documents import DocumentOptions
from kb.content.scanner import scan_content
from kb.i18n.problems import problem_text
from kb.records import Severity


@pytest.mark.parametrize("name", ["costs.csv", "costs.tsv", "costs.xlsx", "costs.xls", "costs.ods"])
def test_a_spreadsheet_in_a_department_folder_is_one_warning_saying_why(
    tmp_path: Path, name: str
) -> None:
    root = tmp_path / "content"
    (root / "finance").mkdir(parents=True)
    (root / "finance" / "travel.md").write_text("# Travel\nBook trains in the portal.\n")
    (root / "finance" / name).write_bytes(b"city;limit\nRome;110\n")
    (root / "export.csv").write_bytes(b"a,b\n1,2\n")  # the content root: not content
    scan = scan_content(root, documents=DocumentOptions())
    assert not scan.errors
    [warning] = scan.warnings
    suffix = name[name.index(".") :]
    assert warning.path == f"finance/{name}" and warning.severity is Severity.WARNING
    assert warning.message == (
        f"not published: spreadsheets ({suffix}) are not read, only documents of text"
    )
    assert "save the sheet as PDF" in warning.hint
    assert list(scan.articles) == ["finance/travel.md"]
    german = problem_text(warning, "de")
    assert f"nicht veröffentlicht: Tabellendokumente ({suffix}) werden nicht gelesen" in german
