"""The settings table: precedence, type checks, and documentation that keeps up."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ConfigError
from kb.settings import SETTINGS, Settings
from tests.conftest import ROOT


def test_defaults_file_environment_and_overrides(tmp_path: Path) -> None:
    file = tmp_path / "kb.toml"
    file.write_text('[kb]\nindex_dir = "from-file"\nrrf_k = 10\ncontent_dir = "c-file"\n')
    env = {"KB_SETTINGS": str(file), "KB_RRF_K": "42", "KB_INDEX_DIR": "from-env"}
    settings = Settings.load({"index_dir": "from-cli"}, environ=env)
    assert settings.content_dir == "c-file"  # file beats default
    assert settings.rrf_k == 42  # environment beats file, and is typed
    assert settings.index_dir == "from-cli"  # explicit override beats all
    default = next(s.default for s in SETTINGS if s.name == "candidates")
    assert settings.candidates == default  # untouched default


def test_bad_values_are_reported_with_the_setting_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="rrf_k must be a int, got 'many'"):
        Settings.load(environ={"KB_RRF_K": "many"})
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        Settings.load({"colour": "blue"}, environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("index_dir = [unclosed\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(environ={"KB_SETTINGS": str(bad)})
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.load(environ={"KB_SETTINGS": str(tmp_path / "missing.toml")})


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in doc]
    assert not missing, (
        f"document these settings in docs/settings.md (kb settings prints the table): {missing}"
    )
