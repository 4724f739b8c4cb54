"""`kb reviews`: articles due for review (the weekly digest is `kb insights digest`)."""

from __future__ import annotations

import click

from kb.cli.options import content_option, echo_json, json_option, settings_from


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
            click.echo(f"{item.review_by:%Y-%m-%d}  {state:<14}  {item.article_id}  {item.title}")
        click.echo(f"{len(items)} article(s) to review")


COMMANDS = [reviews]
