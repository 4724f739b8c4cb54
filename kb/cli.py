"""The `kb` command: a thin click layer over the library.

Each area registers its own commands (indexer, search, webapp); heavy modules
(torch, FAISS) are imported inside the commands that need them so that
`kb --help` and `kb validate` start quickly.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any

import click

from kb.errors import KbError
from kb.settings import Settings, parse_assignment, settings_table


class KbGroup(click.Group):
    """Turns domain errors into a clean message and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            raise click.ClickException(exc.message) from exc


def content_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False),
        help="Content root (default: setting content_dir).",
    )(f)


def index_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False),
        help="Index folder (default: setting index_dir).",
    )(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    base: Settings = ctx.obj
    return base.replace(**overrides)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(cls=KbGroup)
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(dir_okay=False),
    help="TOML settings file (default: kb.toml or $KB_SETTINGS).",
)
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set any setting for this run (repeatable); `kb settings` lists them.",
)
@click.option("-v", "--verbose", count=True, help="More log output.")
@click.version_option(package_name="spoc-kb")
@click.pass_context
def main(
    ctx: click.Context, settings_file: str | None, assignments: tuple[str, ...], verbose: int
) -> None:
    """spoc-kb: one knowledge base for every department."""
    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    overrides = dict(parse_assignment(a) for a in assignments)
    ctx.obj = Settings.load(overrides, file=settings_file)


@main.command()
@content_option
@json_option
@click.pass_context
def validate(ctx: click.Context, content_dir: str | None, as_json: bool) -> None:
    """Check every article and department file; exit 1 when any article is unusable."""
    from kb.content.scanner import scan_content

    settings = settings_from(ctx, content_dir=content_dir)
    scan = scan_content(settings.content_path, max_bytes=settings.max_file_bytes)
    if as_json:
        echo_json({**scan.summary(), "problems": [p.as_dict() for p in scan.problems]})
    else:
        for problem in scan.problems:
            click.echo(str(problem), err=True)
        s = scan.summary()
        click.echo(
            f"{s['articles']} articles ({s['published']} published) in {s['departments']} "
            f"departments; {s['errors']} errors, {s['warnings']} warnings"
        )
    ctx.exit(1 if scan.errors else 0)


@main.command("settings")
@json_option
@click.pass_context
def settings_command(ctx: click.Context, as_json: bool) -> None:
    """Show every setting: its value now, or its type, default, variable and meaning."""
    current: Settings = ctx.obj
    if as_json:
        echo_json(current.as_dict())
        return
    click.echo("\n".join(settings_table()))


def _register() -> None:
    from importlib import import_module

    for module in (
        "indexer.commands",
        "search.commands",
        "webapp.commands",
        "kb.requests_commands",
    ):
        try:
            mod = import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        for command in getattr(mod, "COMMANDS", ()):
            main.add_command(command)


_register()
