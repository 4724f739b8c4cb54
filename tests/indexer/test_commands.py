"""What `kb index` prints."""

from __future__ import annotations

import json

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


def test_watching_with_json_prints_one_line_per_pass(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):
        _print(_report([], ["error: hr/c.md:3: bad front matter"]), as_json=True, lines=True)
    out = capsys.readouterr()
    passes = [json.loads(line) for line in out.out.splitlines()]
    assert len(passes) == 2 and passes[0]["errors"] == ["error: hr/c.md:3: bad front matter"]
    assert out.err == ""
