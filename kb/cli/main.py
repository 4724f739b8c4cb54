"""The `kb` command: the root group and the commands of every area.

The root is the outermost layer: it is the only place that imports the
command modules of the content core (`kb validate`), accounts and requests,
the indexer, search and the web app. Each area keeps its commands beside its
code (`<package>/commands.py`, a `COMMANDS` list); heavy modules (torch,
FAISS, SQLAlchemy) are imported inside the commands that need them so that
`kb --help` and `kb validate` start quickly. `kb --set NAME=VALUE` sets any
setting for one run.
"""

from __future__ import annotations

import logging
import sys

import click

from indexer import commands as indexer_commands
from kb.accounts import commands as accounts_commands
from kb.authoring import commands as authoring_commands
from kb.backup import commands as backup_commands
from kb.cli.options import ORIGIN_KEY, KbGroup, echo_json, json_option
from kb.content import commands as content_commands
from kb.insights import commands as insights_commands
from kb.live_settings import SettingsOrigin, password_hidden
from kb.requests import commands as requests_commands
from kb.settings import Settings, parse_assignment, settings_table
from search import commands as search_commands
from webapp import commands as webapp_commands


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
    # Long-running commands follow the notification settings of this file (kb.live_settings).
    ctx.meta[ORIGIN_KEY] = SettingsOrigin.of(overrides, settings_file)


@main.command("settings")
@json_option
@click.pass_context
def settings_command(ctx: click.Context, as_json: bool) -> None:
    """Show every setting: its value now, or its type, default, variable and meaning."""
    current: Settings = ctx.obj
    if as_json:
        echo_json(_shown(current))
        return
    click.echo("\n".join(settings_table()))


def _shown(settings: Settings) -> dict[str, object]:
    """The values in force, secrets hidden: the output is pasted into tickets
    and chats; whether a secret is set is all it says of it."""
    values = settings.as_dict()
    if values["secret_key"]:
        values["secret_key"] = "(set)"
    values["database_url"] = password_hidden(values["database_url"])
    return values


for _area in (
    content_commands,
    indexer_commands,
    search_commands,
    webapp_commands,
    accounts_commands,
    requests_commands,
    insights_commands,
    backup_commands,
    authoring_commands,
):
    for _command in _area.COMMANDS:
        main.add_command(_command)
