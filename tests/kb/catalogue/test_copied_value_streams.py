"""The sample's value-stream file copied into other content: `kb validate` names
the file, the entry and what to change.

The sample's `_workflows.yml` names the sample's departments (hr, finance, it,
facilities, operations) as owners and task departments. Copied into a content
root whose department folders are named otherwise, it does not load (exit 1);
copied into a department folder, it is never read (a warning, exit 0).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from kb.catalogue.loading import check_catalogue
from kb.cli.main import main
from kb.i18n.problems import problem_words
from tests.conftest import SAMPLE_CONTENT

_ENV = {"KB_SETTINGS": "/dev/null", "KB_WORKFLOWS_FILE": ""}


def _people(root: Path) -> Path:
    (root / "people").mkdir(parents=True)
    (root / "people" / "_department.yml").write_text("name: People\n", encoding="utf-8")
    (root / "people" / "holidays.md").write_text(
        "---\ntitle: Holidays\n---\nThirty days a year.\n", encoding="utf-8"
    )
    return root


def test_the_sample_value_streams_in_other_content_say_file_entry_and_what_to_change(
    tmp_path: Path,
) -> None:
    root = _people(tmp_path / "content")
    shutil.copy(SAMPLE_CONTENT / "_workflows.yml", root / "_workflows.yml")
    done = CliRunner().invoke(main, ["validate", "--content", str(root)], env=_ENV)
    assert done.exit_code == 1, done.output
    (line,) = [s for s in done.stderr.splitlines() if s.startswith("error: ")]
    assert line.startswith("error: _workflows.yml:58: value stream 'onboarding', task 'hr-record'")
    assert "unknown department 'hr'; known: people, triage" in line
    assert "set 'department' to one of them or create the department folder 'hr'" in line


def test_a_value_stream_file_in_a_department_folder_is_said_to_be_unread(tmp_path: Path) -> None:
    root = _people(tmp_path / "content")
    shutil.copy(SAMPLE_CONTENT / "_workflows.yml", root / "people" / "_workflows.yml")
    done = CliRunner().invoke(main, ["validate", "--content", str(root)], env=_ENV)
    assert done.exit_code == 0, done.output
    (line,) = done.stderr.splitlines()
    assert line.startswith("warning: people/_workflows.yml: a value-stream file in a department ")
    assert "move its value streams into _workflows.yml" in line
    (found,) = check_catalogue(root, ["people"])
    message, hint = problem_words(found, "de")
    assert "wird nicht gelesen" in message and "Wertströme in _workflows.yml" in hint


def test_the_value_stream_file_of_the_root_is_no_stray_one(tmp_path: Path) -> None:
    """The setting may name a file inside a department folder: that one is read."""
    root = _people(tmp_path / "content")
    named = root / "people" / "_workflows.yml"
    named.write_text("workflows: []\n", encoding="utf-8")
    assert check_catalogue(root, ["people"], str(named)) == []
