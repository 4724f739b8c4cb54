"""What every `kb` command shares: error handling, common options, output.

Command modules of every area import these (as sqlite-utils shares its
option decorators); this module imports no area, so it is safe for all.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from kb.errors import KbError
from kb.settings import Settings

if TYPE_CHECKING:
    from kb.live_settings import SettingsOrigin
    from kb.store.protocols import Store


class KbGroup(click.Group):
    """Turns domain errors, and the file system's (a folder that cannot be
    written, a path through a file), into one line and exit status 1; with
    `-v` a file system error keeps its traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            raise click.ClickException(exc.message) from exc
        except OSError as exc:
            if ctx.params.get("verbose") or exc.filename is None:
                raise
            path = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
            raise click.ClickException(
                f"{path}: {exc.strerror or exc}; check the path and its permissions"
            ) from exc


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


ORIGIN_KEY = "kb.settings_origin"


def settings_origin(ctx: click.Context) -> SettingsOrigin | None:
    """Where the root command read the settings from (None when it was not run)."""
    origin: SettingsOrigin | None = ctx.meta.get(ORIGIN_KEY)
    return origin


def echo_json(data: Any, lines: bool = False) -> None:
    """`data` as JSON on stdout: indented, or on one line (`lines`) where a
    command prints one object after another (JSON Lines). On a terminal, DEL,
    the C1 controls and the line separators are written as `\\uXXXX` (the same
    JSON value; `json.dumps` leaves them raw and they drive the terminal)."""
    text = json.dumps(data, ensure_ascii=False, indent=None if lines else 2, default=str)
    if stdout_on_terminal():
        from kb.records import terminal_json

        text = terminal_json(text)
    # color=True: click would otherwise drop what looks like a colour code from
    # output that is not a terminal, and piped JSON is data, byte for byte.
    click.echo(text, color=True)


def on_terminal(as_json: bool = False) -> bool:
    """Whether a person watches stderr: progress is shown there, never to a
    script, a timer's log or beside `--json` output."""
    return not as_json and sys.stderr.isatty()


def echo_csv(rows: Iterable[Iterable[Any]]) -> None:
    """`rows` as CSV on stdout, each text cell safe in a spreadsheet
    (`kb.spreadsheet_cells`) and, where a person reads stdout, on their terminal."""
    from kb.records import terminal_cell
    from kb.spreadsheet_cells import safe_row

    out, shown = io.StringIO(), stdout_on_terminal()
    cells = (safe_row(row) for row in rows)
    csv.writer(out, lineterminator="\n").writerows(
        [terminal_cell(c) for c in row] if shown else row for row in cells
    )
    # color=True: click would otherwise drop what looks like a colour code from
    # output that is not a terminal, and a piped CSV is data, byte for byte.
    click.echo(out.getvalue(), nl=False, color=True)


def stdout_on_terminal() -> bool:
    """Whether a person reads stdout: CSV and JSON Lines printed there get no
    control character that drives the terminal (`kb.records.terminal_cell`);
    piped or redirected, they stay byte for byte the data."""
    return sys.stdout.isatty()


def progress_bar(desc: str, total: int, unit: str) -> Callable[[int], None]:
    """A progress bar on stderr; call it with the units done since the last call."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True, leave=False)

    def tick(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return tick


def steps(enabled: bool) -> Callable[[str], None]:
    """Each step of long work told on stderr when `enabled` (see `on_terminal`)."""
    if not enabled:
        return lambda _step: None
    return lambda step: click.echo(f"{step}...", err=True)


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """The store of `database_url`, closed afterwards."""
    # Imported here: SQLAlchemy and Alembic cost seconds, and `kb index` never needs them.
    from kb.store.factory import store_from_settings

    store = store_from_settings(settings)
    try:
        yield store
    finally:
        store.close()
