"""`kb validate`: check the content root as the indexer will read it."""

from __future__ import annotations

import click

from kb.cli.options import content_option, echo_json, json_option, settings_from
from kb.records import terminal_text


@click.command("validate")
@content_option
@json_option
@click.pass_context
def validate(ctx: click.Context, content_dir: str | None, as_json: bool) -> None:
    """Check every article and department file, the value streams and the service
    catalogue; exit 1 when any article (or the value-stream file) is unusable."""
    from kb.catalogue.loading import check_catalogue
    from kb.content.scanner import scan_content

    settings = settings_from(ctx, content_dir=content_dir)
    scan = scan_content(
        settings.content_path,
        max_bytes=settings.max_file_bytes,
        documents=settings.document_options,
        render_seconds=settings.render_seconds,
        triage=settings.triage_department,
        image_max_bytes=settings.image_max_bytes,
    )
    scan.problems.extend(
        check_catalogue(
            settings.content_path,
            scan.departments,
            settings.workflows_file,
            settings.triage_department,
        )
    )
    if as_json:
        echo_json({**scan.summary(), "problems": [p.as_dict() for p in scan.problems]})
    else:
        for problem in scan.problems:
            click.echo(terminal_text(str(problem)), err=True)  # quotes content files
        s = scan.summary()
        click.echo(
            f"{s['articles']} articles ({s['published']} published) in {s['departments']} "
            f"departments; {s['errors']} errors, {s['warnings']} warnings"
        )
    ctx.exit(1 if scan.errors else 0)


COMMANDS = [validate]
