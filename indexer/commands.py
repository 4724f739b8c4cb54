"""`kb index`: thin CLI over `IndexBuilder` and the watcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from indexer.build import ProgressFactory, StageProgress

from kb.cli.options import (
    content_option,
    echo_json,
    index_option,
    json_option,
    on_terminal,
    progress_bar,
    settings_from,
)
from kb.records import terminal_text


def progress_bars(enabled: bool) -> tuple[ProgressFactory | None, StageProgress | None]:
    """Progress bars on stderr: embedding (passages), then each later stage (the
    benchmark index's build shows them too, `benchmarks.latency`)."""
    if not enabled:
        return None, None
    units = {"reading": "file", "metadata": "article", "re-cutting": "article"}
    return (
        lambda total: progress_bar("embedding", total, "passage"),
        lambda stage, total: progress_bar(stage, total, units.get(stage, "passage")),
    )


@click.command("index")
@content_option
@index_option
@click.option("--full", is_flag=True, help="Rebuild from scratch (the embedding cache is reused).")
@click.option("--watch", is_flag=True, help="Keep the index current as files change.")
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default=None,
    help="Where to embed (default: setting device).",
)
@click.option(
    "--wait-lock",
    is_flag=True,
    help="With a shared snapshot store: wait while another indexer publishes instead of exiting.",
)
@json_option
@click.pass_context
def index_command(
    ctx: click.Context,
    content_dir: str | None,
    index_dir: str | None,
    full: bool,
    watch: bool,
    device: str | None,
    wait_lock: bool,
    as_json: bool,
) -> None:
    """Index published articles of every department (incrementally).

    With snapshot_store = database or s3, each new snapshot is also pushed to
    the store, from where every `kb serve` node copies it."""
    from indexer.build import IndexBuilder

    settings = settings_from(ctx, content_dir=content_dir, index_dir=index_dir, device=device)
    progress, stages = progress_bars(on_terminal(as_json))
    builder = IndexBuilder(settings, progress=progress, stage_progress=stages)
    report = builder.run(full=full, wait_lock=wait_lock)
    # With --watch, one report per pass: --json prints each on one line (JSON Lines).
    _print(report.as_dict(), as_json, lines=watch)
    if watch:
        from indexer.watch import watch_content

        watch_content(builder, lambda r: _print(r.as_dict(), as_json, lines=True))
    ctx.exit(1 if report.errors and not watch else 0)


def _print(report: dict[str, object], as_json: bool, lines: bool = False) -> None:
    if as_json:
        echo_json(report, lines=lines)
        return
    for kind in ("warning", "error"):
        for line in report[f"{kind}s"]:  # type: ignore[attr-defined]
            # A content problem already names its severity ("warning: path: ...").
            text = terminal_text(str(line))  # quotes content files
            click.echo(text if text.startswith(f"{kind}: ") else f"{kind}: {text}", err=True)
    state = (
        "published snapshot " + str(report["snapshot"])
        if report["published"]
        else "index unchanged"
    )
    if report.get("recut_from") is not None:
        click.echo(
            f"passages cut again (they were cut by passage cutter version {report['recut_from']}): "
            f"{report['recut_articles']} articles cut into other passages"
        )
    second = report.get("secondary_embedded_passages") or 0
    also = f" (and {second} by the second model)" if second else ""
    click.echo(
        f"{report['articles']} articles, {report['passages']} passages: {report['added']} added, "
        f"{report['updated']} updated, {report['removed']} removed, {report['unchanged']} unchanged; "
        f"{report['embedded_passages']} passages embedded{also} in {report['seconds']} s; {state}"
    )


COMMANDS = [index_command]
