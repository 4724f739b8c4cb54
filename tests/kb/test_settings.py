"""The settings table: precedence, type checks, and documentation that keeps up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.main import main
from kb.errors import ConfigError
from kb.i18n.languages import written_languages
from kb.settings import SETTINGS, Settings, setting_named, settings_table
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
    with pytest.raises(ConfigError, match="rrf_k must be an int, got 'many'"):
        Settings.load(environ={"KB_RRF_K": "many"})
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        Settings.load({"colour": "blue"}, environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("index_dir = [unclosed\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(environ={"KB_SETTINGS": str(bad)})
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.load(environ={"KB_SETTINGS": str(tmp_path / "missing.toml")})


def test_a_wrong_choice_or_range_fails_at_start_naming_what_is_allowed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="auth_mode must be one of 'local', 'header'; got 'sso'"):
        Settings.load(environ={"KB_AUTH_MODE": "sso"})
    with pytest.raises(ConfigError, match="max_k must be at least 1, got 0"):
        Settings.load({"max_k": 0}, environ={})
    # Pages and result counts stay far below what a stored 64-bit number holds.
    with pytest.raises(
        ConfigError, match="max_page must be at most 1000, got '9223372036854775808'"
    ):
        Settings.load(environ={"KB_MAX_PAGE": str(2**63)})
    with pytest.raises(ConfigError, match="max_k must be at most 1000, got 5000"):
        Settings.load({"max_k": 5000}, environ={})
    with pytest.raises(ConfigError, match="answer_threshold must be at most 1, got '1.5'"):
        Settings.load(environ={"KB_ANSWER_THRESHOLD": "1.5"})
    with pytest.raises(ConfigError, match="smtp_port must be an int"):
        Settings().replace(smtp_port=[25])
    # Choices are read without regard to case or surrounding space.
    assert Settings.load(environ={"KB_FUSION": " RRF "}).fusion == "rrf"


@pytest.mark.parametrize(
    ("changes", "german"),
    [
        ({"fusion": "sso"}, "Die Einstellung fusion muss einer der Werte 'weighted', 'rrf' sein"),
        ({"max_k": 0}, "Die Einstellung max_k muss mindestens 1 sein, nicht 0"),
        ({"smtp_port": [25]}, "Die Einstellung smtp_port muss eine ganze Zahl sein"),
        ({"answer_threshold": "x"}, "Die Einstellung answer_threshold muss eine Zahl sein"),
    ],
)
def test_a_setting_s_check_has_a_text_in_every_language(
    changes: dict[str, object], german: str
) -> None:
    """The admins' pages say a setting's check in their language (`error_setting_*`)."""
    with pytest.raises(ConfigError) as refused:
        Settings().replace(**changes)
    assert refused.value.message_in("de").startswith(german)
    assert refused.value.message_in("en") == refused.value.message


def test_values_have_their_declared_type_whatever_the_source() -> None:
    settings = Settings.load({"fusion_weight": 1}, environ={"KB_MAX_K": "7"})
    assert settings.max_k == 7 and type(settings.max_k) is int
    assert settings.fusion_weight == 1.0 and type(settings.fusion_weight) is float
    for s in SETTINGS:
        assert type(getattr(Settings(), s.name)) is s.type, s.name


def test_set_on_the_command_line_beats_every_other_source(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"KB_SETTINGS": str(tmp_path / "none.toml"), "KB_MAX_K": "9"}
    (tmp_path / "none.toml").write_text("[kb]\nmax_k = 8\n", encoding="utf-8")
    result = runner.invoke(
        main, ["--set", "max_k=12", "--set", "fusion=rrf", "settings", "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    assert '"max_k": 12' in result.output and '"fusion": "rrf"' in result.output
    bad = runner.invoke(main, ["--set", "auth_mode=sso", "settings"], env=env)
    assert bad.exit_code == 1
    assert "auth_mode must be one of 'local', 'header'" in bad.output
    assert "--set takes NAME=VALUE" in runner.invoke(main, ["--set", "max_k", "settings"]).output
    assert (
        "unknown setting 'colour'" in runner.invoke(main, ["--set", "colour=1", "settings"]).output
    )


def test_the_documented_table_is_the_generated_one() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in doc]
    assert not missing, (
        f"document these settings in docs/settings.md (kb settings prints the table): {missing}"
    )
    assert "\n".join(settings_table()) in doc, (
        "docs/settings.md is out of date: paste the output of `kb settings` into it"
    )


def _default_cells(page: str) -> list[tuple[str, str]]:
    """(setting, default as written) from the rows of a page's `| setting |
    default |` tables; a row may name several settings, their defaults
    separated by commas in the same order."""
    rows = []
    for table in re.findall(r"^\| setting \| default \|.*?(?=^[^|]|\Z)", page, re.M | re.S):
        for line in table.splitlines()[2:]:
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            names = re.findall(r"`([a-z0-9_]+)`", cells[0])
            defaults = cells[1].split(", ")
            if len(names) == len(defaults):
                rows += zip(names, defaults, strict=True)
    return rows


def test_the_defaults_other_pages_give_are_the_table_s() -> None:
    defaults = {s.name: s.default for s in SETTINGS}
    wrong = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for name, written in _default_cells(page.read_text(encoding="utf-8")):
            quoted = re.fullmatch(r"`([^`]*)`|([0-9][0-9.]*)", written)
            if written == "empty":
                right = defaults.get(name) == ""
            elif quoted:
                right = str(defaults.get(name)) == (quoted.group(1) or quoted.group(2))
            else:
                continue  # said in words ("_workflows.yml in the content root")
            if not right:
                wrong.append(
                    f"{page.relative_to(ROOT)}: {name} {written}, not {defaults.get(name)!r}"
                )
    assert not wrong, wrong
    table = "| setting | default | x |\n| --- | --- | --- |\n| `a`, `b` | `1`, empty | y |\n"
    assert _default_cells(table) == [("a", "`1`"), ("b", "empty")]


def test_a_bad_value_or_name_says_where_it_was_set(tmp_path: Path) -> None:
    file = tmp_path / "kb.toml"
    file.write_text("[kb]\nmax_k = 'lots'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^settings file {file}: setting max_k must be an int"):
        Settings.load(environ={"KB_SETTINGS": str(file)})
    file.write_text("[kb]\ncolour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^settings file {file}: unknown setting 'colour'"):
        Settings.load(environ={"KB_SETTINGS": str(file)})
    with pytest.raises(ConfigError, match="^environment variable KB_MAX_K: setting max_k must"):
        Settings.load(environ={"KB_MAX_K": "lots"})
    with pytest.raises(ConfigError, match=r"^--set max_k=\.\.\.: setting max_k must be at least"):
        Settings.load({"max_k": "0"}, environ={})
    with pytest.raises(ConfigError, match="^the command line: unknown setting 'colour'"):
        Settings.load({"colour": "blue"}, environ={})


def test_an_unreadable_settings_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "kb.toml"
    folder.mkdir()  # KB_SETTINGS names a folder: no option check stands in front of it
    done = CliRunner().invoke(main, ["settings"], env={"KB_SETTINGS": str(folder)})
    assert done.exit_code == 1
    assert done.output.startswith(f"Error: settings file {folder} cannot be read: ")
    assert len(done.output.strip().splitlines()) == 1
    (tmp_path / "list.toml").write_text("kb = [1, 2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[kb\] must be a table"):
        Settings.load(environ={"KB_SETTINGS": str(tmp_path / "list.toml")})


# Variables the operator's pages name that are not settings: the settings
# file itself, per-department webhook secrets, HAProxy's addresses
# (deploy/haproxy.cfg), and switches of the test suite.
NOT_SETTINGS = {"KB_SETTINGS", "KB_LISTEN", "KB_STATS_LISTEN", "KB_AUTHORING_NODE"}
NOT_SETTINGS_PATTERN = re.compile(r"KB_(NODE\d+|WEBHOOK_SECRET_\w*|\w+_FACTORY|SKIP_POSTGRES)")


def test_every_variable_and_setting_the_docs_name_exists() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    pages += sorted(p for p in (ROOT / "deploy").rglob("*") if p.is_file())
    known = {s.env_var for s in SETTINGS}
    names = {s.name for s in SETTINGS}
    wrong = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for var in set(re.findall(r"\bKB_[A-Z0-9_]+", text)):
            if var not in known | NOT_SETTINGS and not NOT_SETTINGS_PATTERN.fullmatch(var):
                wrong.append(f"{page.relative_to(ROOT)}: {var}")
        for name in set(re.findall(r"\bsettings? `([a-z0-9_]+)`", text)):
            if name not in names:
                wrong.append(f"{page.relative_to(ROOT)}: setting {name}")
    assert not wrong, f"the docs name settings that do not exist: {wrong}"


def test_the_sites_language_is_one_the_catalogues_hold() -> None:
    """`default_language` offers the languages of `kb/i18n/locales`; another is
    refused at start, naming the setting and what it allows."""
    assert setting_named("default_language").choices == written_languages() == ("en", "de")
    assert Settings.load({"default_language": " De "}, environ={}).default_language == "de"
    with pytest.raises(ConfigError) as refused:
        Settings.load({}, environ={"KB_DEFAULT_LANGUAGE": "fr"})
    assert refused.value.message == (
        "environment variable KB_DEFAULT_LANGUAGE: setting default_language must be one of "
        "'en', 'de'; got 'fr'"
    )
