"""Every benchmark script loads and explains itself.

The benchmarks are run by hand on a quiet machine, not in CI, so an import
broken by a refactoring would otherwise show only when someone needs the
figure. Each script is started as the docs start it, with `--help`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(
    p.stem
    for p in (ROOT / "benchmarks").glob("*.py")
    if p.stem != "__init__" and "if __name__ ==" in p.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_script_starts(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{script}", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()
