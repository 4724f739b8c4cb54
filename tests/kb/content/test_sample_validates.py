"""The shipped sample content is the first thing a new owner runs `kb validate` on
and copies from: it must check clean, with no warning to puzzle over.

The settings are isolated (no `kb.toml`, no `KB_*` variables of the machine),
so the sample is checked as `make run` and the README's first steps use it:
the value streams from the content root's `_workflows.yml`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kb.cli.main import main
from tests.conftest import SAMPLE_CONTENT

_ENV = {"KB_SETTINGS": "/dev/null", "KB_WORKFLOWS_FILE": ""}


def test_kb_validate_of_the_sample_content_gives_no_warnings_and_exits_0() -> None:
    done = CliRunner().invoke(main, ["validate", "--content", str(SAMPLE_CONTENT)], env=_ENV)
    assert done.exit_code == 0, done.output
    assert done.stderr == "", done.stderr
    assert done.stdout.rstrip().endswith("; 0 errors, 0 warnings"), done.stdout
    as_json = CliRunner().invoke(
        main, ["validate", "--content", str(SAMPLE_CONTENT), "--json"], env=_ENV
    )
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["problems"] == []


def test_top_requests_of_value_streams_not_loaded_say_where_value_streams_come_from(
    tmp_path: Path,
) -> None:
    """Without the root's value-stream file, HR's top requests `onboarding` and
    `offboarding` name nothing: the warning says to define them or where value
    streams are read from, not that a request type is left out."""
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT / "hr", root / "hr")
    done = CliRunner().invoke(main, ["validate", "--content", str(root)], env=_ENV)
    assert done.exit_code == 0, done.output
    (line,) = [s for s in done.stderr.splitlines() if "top_requests" in s]
    assert line.startswith("warning: hr/_department.yml:16: top_requests names onboarding, ")
    assert "_workflows.yml in the content root" in line and "left out of the" not in line
