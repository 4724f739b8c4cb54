"""The operator's pages and the `kb` command agree.

Every command line the README and docs/ show (inline, or as a line of a code
block) names commands and options the CLI has; and every command and every
option of the CLI is shown in at least one of those lines, so that a new
option cannot go undocumented and a renamed one cannot linger in the docs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import click

from kb.cli.main import main
from tests.conftest import ROOT
from tests.kb.test_cli import _command

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def documented_lines() -> Iterator[tuple[str, str]]:
    """(page, `kb …` command line) for each one the pages show: inline code,
    and the lines of code blocks that start with `kb` (or a `$ kb` prompt)."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        name = str(page.relative_to(ROOT))
        for block in _FENCE.findall(text):
            for line in block.splitlines():
                found = re.match(r"\s*(?:\$\s+)?(kb\s[^#\n]*)", line)
                if found:
                    yield name, found.group(1).strip()
        for span in re.findall(r"`(kb [^`\n]+)`", _FENCE.sub("", text)):
            yield name, span


def _tokens(line: str) -> list[str]:
    cleaned = line.replace("\\|", "|")
    return re.sub(r"[\[\]()]", " ", cleaned).split()[1:]


def resolve(line: str) -> tuple[list[tuple[str, ...]], set[str], list[str]]:
    """The command paths a line names (`a|b` names both), the options it
    shows, and what it names that the CLI does not have."""
    command: click.Command = main
    paths: list[tuple[str, ...]] = [()]
    options: set[str] = set()
    wrong: list[str] = []
    for token in _tokens(line):
        if token in ("…", "...") and isinstance(command, click.Group):
            break  # "any sub-command": nothing more to check
        if isinstance(command, click.Group) and not token.startswith("-"):
            words = token.split("|")
            if re.fullmatch(r"[a-z][a-z-]*", words[0]):
                missing = [w for w in words if w not in command.commands]
                if missing:
                    return paths, options, [f"no sub-command {', '.join(missing)}"]
                paths = [(*path, word) for path in paths for word in words]
                command = command.commands[words[0]]
            continue
        for option in token.split("|"):
            name = option.split("=")[0].rstrip(",;.:")
            if not re.fullmatch(r"--?[a-z][a-z-]*", name):
                continue
            options.add(name)
            for path in paths:
                known = {o for p in _command(path).params for o in (*p.opts, *p.secondary_opts)}
                # Options of the root command (kb --set …) come before the sub-command.
                if name not in known | _ROOT_OPTIONS | {"--help"}:
                    wrong.append(f"no option {name} of kb {' '.join(path)}")
    return paths, options, wrong


_ROOT_OPTIONS = {o for p in main.params for o in (*p.opts, *p.secondary_opts)}


def _leaves(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path


def test_every_command_line_the_docs_show_exists() -> None:
    wrong = [
        f"{page}: {line}: {problem}"
        for page, line in documented_lines()
        for problem in resolve(line)[2]
    ]
    assert not wrong, wrong
    assert resolve("kb index --no-such")[2] and resolve("kb nosuch list")[2]
    assert resolve("kb requests list|show --json")[0] == [
        ("requests", "list"),
        ("requests", "show"),
    ]


def test_every_command_and_option_is_shown_in_the_docs() -> None:
    shown: dict[tuple[str, ...], set[str]] = {}
    for _page, line in documented_lines():
        paths, options, _wrong = resolve(line)
        for path in paths:
            shown.setdefault(path, set()).update(options)
    missing = [f"kb {' '.join(path)}" for path in _leaves(main, ()) if path not in shown]
    for path in _leaves(main, ()):
        for param in _command(path).params:
            names = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
            if names and param.name != "help" and not set(names) & shown.get(path, set()):
                missing.append(f"kb {' '.join(path)} {names[0]}")
    for param in main.params:
        if param.opts[0] != "--version" and not set(param.opts) & shown.get((), set()):
            missing.append(f"kb {param.opts[-1]}")
    assert not missing, (
        "show these in a `kb …` command line of README.md or docs/ (the README's "
        f"command table, or the page that explains them): {missing}"
    )
