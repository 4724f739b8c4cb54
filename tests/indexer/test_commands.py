"""What `kb index` prints."""

from __future__ import annotations

import pytest

from indexer.commands import _print


def _report(warnings: list[str], errors: list[str]) -> dict[str, object]:
    return {
        "warnings": warnings,
        "errors": errors,
        "published": True,
        "snapshot": "20260101T000000-test",
        "articles": 1,
        "passages": 2,
        "added": 1,
        "updated": 0,
        "removed": 0,
        "unchanged": 0,
        "embedded_passages": 2,
        "seconds": 0.1,
    }


def test_each_problem_names_its_severity_once(capsys: pytest.CaptureFixture[str]) -> None:
    _print(
        _report(
            ["warning: hr/a.md: page only redirects; nothing to index", "hr/b.md: kept"],
            ["error: hr/c.md:3: bad front matter", "the lock is held"],
        ),
        as_json=False,
    )
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "warning: hr/a.md: page only redirects; nothing to index",
        "warning: hr/b.md: kept",
        "error: hr/c.md:3: bad front matter",
        "error: the lock is held",
    ]
