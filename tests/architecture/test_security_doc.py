"""docs/security.md names the test that catches each finding: those tests exist,
and every setting it names is a real setting."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from kb.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
ROOT = DOC.parents[1]


def test_every_test_the_security_doc_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text)
    assert len(named) >= 15
    for path, test in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        if test:
            assert f"def {test}(" in source, f"{path}::{test}"


def test_every_setting_the_security_doc_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = {f.name for f in fields(Settings)}
    table = text.split("## Limits and their settings", 1)[1].split("\n## ", 1)[0]
    cited = set(re.findall(r"`([a-z][a-z_]+)`", table)) - {"payload_too_large"}
    settings_like = {c for c in cited if "_" in c}
    assert settings_like and settings_like <= names, sorted(settings_like - names)
