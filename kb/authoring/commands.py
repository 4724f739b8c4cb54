"""`kb reviews`: articles due for review (the weekly digest is `kb insights digest`);
`kb documents check`: uploaded documents' versions that need attention."""

from __future__ import annotations

import click

from kb.cli.options import content_option, echo_json, json_option, settings_from
from kb.records import printable, terminal_text


@click.command("reviews")
@content_option
@click.option("--department", default=None, help="Only this department's articles.")
@json_option
@click.pass_context
def reviews(
    ctx: click.Context, content_dir: str | None, department: str | None, as_json: bool
) -> None:
    """List published articles past their review date or due within review_due_days."""
    from kb.authoring.jobs import review_items

    settings = settings_from(ctx, content_dir=content_dir)
    items = [i for i in review_items(settings) if department in (None, i.department)]
    if as_json:
        echo_json({"articles": [i.as_dict() for i in items]})
    else:
        for item in items:
            state = "overdue" if item.overdue else f"due in {item.days_left} days"
            title = printable(item.title)  # a content owner's: no escape reaches the terminal
            click.echo(f"{item.review_by:%Y-%m-%d}  {state:<14}  {item.article_id}  {title}")
        click.echo(f"{len(items)} article(s) to review")


@click.group("documents")
def documents() -> None:
    """Uploaded documents (PDF, Word…) and their versions."""


@documents.command("check")
@content_option
@json_option
@click.pass_context
def check(ctx: click.Context, content_dir: str | None, as_json: bool) -> None:
    """List document versions whose file the attachment store does not hold, and
    uploads waiting for review that no longer fit the content folder; exit 1 when
    there is any. Changes nothing."""
    from kb.attachments.factory import blob_store
    from kb.authoring.document_check import check_documents
    from kb.authoring.document_versions import DocumentVersions
    from kb.authoring.service import AuthoringService
    from kb.authoring.store import version_store
    from kb.cli.options import open_store
    from kb.content.scanner import load_departments

    settings = settings_from(ctx, content_dir=content_dir)
    root = settings.content_path
    departments = load_departments(root, settings.triage_department)
    with open_store(settings) as store:
        service = AuthoringService(root, version_store(store), lambda: departments)
        blobs = blob_store(settings, store)
        versions = DocumentVersions(service, blobs, settings.document_max_bytes)
        problems = check_documents(versions, departments)
    if as_json:
        echo_json({"problems": [p.as_dict() for p in problems]})
    else:
        for problem in problems:
            click.echo(terminal_text(problem.message), err=True)  # quotes documents
        click.echo(f"{len(problems)} document version(s) need attention")
    ctx.exit(1 if problems else 0)


COMMANDS = [reviews, documents]
