"""`kb backup DIR` and `kb restore DIR` (thin CLI over `kb.backup.archive`)."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.options import (
    content_option,
    echo_json,
    index_option,
    json_option,
    on_terminal,
    settings_from,
    steps,
)


def _print(report: dict[str, object], as_json: bool, verb: str) -> None:
    if as_json:
        echo_json(report)
        return
    rows = sum(report["rows"].values())  # type: ignore[attr-defined]
    click.echo(
        f"{verb} {rows} database rows, {report['content_files']} content files and "
        f"snapshot {report['snapshot'] or '(none)'} ({report['snapshot_files']} files) "
        f"in {report['seconds']} s: {report['folder']}"
    )
    for note in report["notes"]:  # type: ignore[attr-defined]
        click.echo(f"note: {note}", err=True)


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@content_option
@index_option
@click.option("--no-index", is_flag=True, help="Keep only the snapshot's manifest, not its files.")
@json_option
@click.pass_context
def backup_command(
    ctx: click.Context,
    folder: Path,
    content_dir: str | None,
    index_dir: str | None,
    no_index: bool,
    as_json: bool,
) -> None:
    """Back up the database, the content folder and the current index into FOLDER.

    The database is read in one consistent transaction while the app keeps
    running; FOLDER must be new or empty."""
    from kb.backup.archive import create_backup

    settings = settings_from(ctx, content_dir=content_dir, index_dir=index_dir)
    report = create_backup(
        settings, folder, include_index=not no_index, progress=steps(on_terminal(as_json))
    )
    _print(report.as_dict(), as_json, "backed up")


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@content_option
@index_option
@click.option(
    "--replace", is_flag=True, help="Delete what the database holds before restoring into it."
)
@click.option(
    "--while-running",
    is_flag=True,
    help="Restore although a `kb serve` or index watcher uses the index folder.",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="How many of the folders earlier restores set aside (backup.before-restore-*, "
    "<content>.before-restore-*) to keep, newest first; older ones are removed.",
)
@json_option
@click.pass_context
def restore_command(
    ctx: click.Context,
    folder: Path,
    content_dir: str | None,
    index_dir: str | None,
    replace: bool,
    while_running: bool,
    keep: int,
    as_json: bool,
) -> None:
    """Restore the database, the content folder and the index from a backup FOLDER.

    Every part is checked against its checksum first; the database is loaded
    in one transaction (into an empty database unless --replace), and a
    failure after it is rolled back: all of the backup is restored, or none.
    It is refused while a `kb serve` or index watcher uses the index folder."""
    from kb.backup.archive import restore_backup

    settings = settings_from(ctx, content_dir=content_dir, index_dir=index_dir)
    report = restore_backup(
        settings,
        folder,
        replace=replace,
        progress=steps(on_terminal(as_json)),
        while_running=while_running,
        keep=keep,
    )
    _print(report.as_dict(), as_json, "restored")


COMMANDS = [backup_command, restore_command]
