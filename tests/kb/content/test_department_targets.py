"""A department file's targets: a misspelt one left the default in use, unsaid."""

from __future__ import annotations

from pathlib import Path

from kb.content.scanner import scan_departments
from kb.i18n.problems import problem_words
from kb.records import Targets


def test_a_target_of_another_name_is_a_warning_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "_department.yml").write_text(
        "name: HR\ntargets:\n  first_response: 4\n  resolution_hours: 40\n", "utf-8"
    )
    departments, problems = scan_departments(tmp_path)
    assert departments["hr"].targets == Targets(
        first_response_hours=Targets.first_response_hours, resolution_hours=40.0
    )
    [found] = problems
    assert (found.path, found.kind, found.severity.value) == (
        "hr/_department.yml",
        "department",
        "warning",
    )
    assert "targets has no field 'first_response'" in found.message
    assert "first_response_hours" in found.hint
    message, hint = problem_words(found, "de")
    assert "kennt kein Feld 'first_response'" in message and "nennen Sie" in hint


def test_the_targets_a_department_file_may_name_give_no_warning(tmp_path: Path) -> None:
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "_department.yml").write_text(
        "name: HR\ntargets:\n  first_response_hours: 4\n  resolution_hours: 40\n", "utf-8"
    )
    departments, problems = scan_departments(tmp_path)
    assert problems == [] and departments["hr"].targets.first_response_hours == 4.0
