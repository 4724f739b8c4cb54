"""The `kb` command as an operator meets it: help, errors, and output for scripts.

Every command and sub-command says what it does and what each of its options
means; a mistake is one line on stderr and a non-zero exit, never a
traceback; `--json` output is JSON alone on stdout, with notes and logs on
stderr, so that `kb … --json | jq` works under a timer or a script.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kb.cli.main import main
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "content"


def _commands(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(main, ()))


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(("kb", *p)))
def test_every_command_says_what_it_does_and_what_its_options_mean(path: tuple[str, ...]) -> None:
    command = _command(path)
    assert (command.help or "").strip(), f"kb {' '.join(path)} has no help text"
    silent = [
        option.opts[0]
        for option in command.params
        if isinstance(option, click.Option) and not option.help and option.name != "help"
    ]
    assert not silent, f"kb {' '.join(path)}: options without help: {silent}"
    done = CliRunner().invoke(main, [*path, "--help"])
    assert done.exit_code == 0 and "Usage: " in done.output, done.output


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "KB_SETTINGS": "/dev/null",
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}",
        "KB_CONTENT_DIR": str(tmp_path / "content"),
        "KB_INDEX_DIR": str(tmp_path / "index"),
    }


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--set", "max_k=lots", "settings"], "--set max_k=...: setting max_k must be an int"),
        (["--set", "colour=blue", "settings"], "--set: unknown setting 'colour'"),
        (["validate", "--content", "/no/such/folder"], "content folder /no/such/folder"),
        (["eval", "--queries", "/no/q.jsonl", "--qrels", "/no/r.tsv"], "/no/q.jsonl"),
        (["search", "vpn"], "no index has been published"),
    ],
)
def test_a_mistake_is_one_line_on_stderr_and_exit_1(
    tmp_path: Path, args: list[str], said: str
) -> None:
    done = CliRunner().invoke(main, args, env=_env(tmp_path))
    assert done.exit_code == 1, done.output
    assert done.stdout == ""
    assert done.stderr.startswith("Error: ") and said in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_json_output_is_json_alone_on_stdout(tmp_path: Path) -> None:
    env = _env(tmp_path)
    shutil.copytree(FIXTURES, tmp_path / "content")
    runner = CliRunner()
    for args in (
        ["settings", "--json"],
        ["validate", "--json"],
        ["backup", "--json", str(tmp_path / "backup")],
        ["insights", "overview", "--json"],
        ["requests", "list", "--json"],
    ):
        done = runner.invoke(main, args, env=env)
        assert done.exit_code == 0, (args, done.output)
        json.loads(done.stdout)
    # The backup's note (no snapshot yet) went to stderr, out of the JSON's way.
    assert "note: " not in runner.invoke(main, ["settings", "--json"], env=env).stdout


@pytest.mark.parametrize(
    ("module", "args", "first_step"),
    [
        ("kb.insights.commands", ["insights", "refresh", "--no-topics"], "rolling up the daily"),
        ("kb.backup.commands", ["backup", "{tmp}/backup"], "backing up the database..."),
    ],
)
def test_long_work_tells_its_steps_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, args: list[str], first_step: str
) -> None:
    env = _env(tmp_path)
    shutil.copytree(FIXTURES, tmp_path / "content")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    quiet = CliRunner().invoke(main, args, env=env)  # stderr is no terminal here
    assert quiet.exit_code == 0, quiet.output
    assert first_step not in quiet.stderr
    shutil.rmtree(tmp_path / "backup", ignore_errors=True)
    monkeypatch.setattr(f"{module}.on_terminal", lambda as_json=False: not as_json)
    shown = CliRunner().invoke(main, args, env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.startswith(first_step) and first_step not in shown.stdout


def test_a_file_system_error_is_one_line_and_its_traceback_only_with_v(tmp_path: Path) -> None:
    env = _env(tmp_path)
    shutil.copytree(FIXTURES, tmp_path / "content")
    (tmp_path / "a-file").write_text("not a folder")
    target = str(tmp_path / "a-file" / "backup")
    done = CliRunner().invoke(main, ["backup", target], env=env)
    assert done.exit_code == 1
    assert done.stderr.startswith(f"Error: {target}: Not a directory; check the path")
    assert len(done.stderr.strip().splitlines()) == 1
    loud = CliRunner().invoke(main, ["-v", "backup", target], env=env)
    assert isinstance(loud.exception, NotADirectoryError)


def test_settings_json_shows_no_secret(tmp_path: Path) -> None:
    env = {
        **_env(tmp_path),
        "KB_SECRET_KEY": "s3cr3t-signing-key",
        "KB_DATABASE_URL": "postgresql://kb:pa55word@db.internal/kb",
    }
    done = CliRunner().invoke(main, ["settings", "--json"], env=env)
    shown = json.loads(done.stdout)
    assert "s3cr3t" not in done.stdout and "pa55word" not in done.stdout
    assert shown["secret_key"] == "(set)"
    assert shown["database_url"] == "postgresql://kb:***@db.internal/kb"
