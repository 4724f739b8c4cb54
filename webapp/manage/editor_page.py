"""The editor's page: an article's fields, its text, the live preview, the
pictures, and what a refused save or upload says beside them. Shown by the
editor's views, the picture upload without a script, and the conflict page's
way back to the current version (`carried`: the refused text, kept in sight).
Links in the text that name no article, and those that name the old id of an
article renamed since (the page leads on to the new one), are warned of here
and in the preview (`link_warning`), as content health reports them
(`broken_link`, `moved_link`); saving is not refused. As on the content
page, the first `MAX_LISTED_FINDINGS` of each are named and the rest
counted.
Related ids that the article's page will not list, and those it lists by the
new id of an article renamed since, are named under their field. Controls that
reorder the text after them are named by field and line (`control_warning`),
as `kb validate` names them; readers see the text without them. What `kb
validate` warns of in the file's text is listed above the form
(`webapp.manage.editor_warnings`)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template
from markupsafe import Markup

from kb.authoring.records import ArticleFields
from kb.authoring.service import Editable
from kb.content.dropped_links import dropped_links
from kb.content.moved_links import linked_articles
from kb.errors import ConflictError, ContentError, NotFoundError, ValidationError
from kb.i18n.catalog import format_decimal, format_size
from kb.insights.listed_findings import MAX_LISTED_FINDINGS
from kb.validators import bidi_control_names
from webapp import services
from webapp.articles.renamed import renamed_ids, renamed_to
from webapp.audiences import audience_field
from webapp.auth.identity import require_user
from webapp.i18n import current_language, gettext
from webapp.manage import presenters
from webapp.manage.editor_warnings import SaidWarning

# The lines of the text the warning names (the first ones; one fixed, the next show).
MAX_LINES_NAMED = 10


def render_editor(
    opened: Editable | None,
    fields: ArticleFields,
    *,
    department: str,
    failure: ValidationError | ContentError | ConflictError | NotFoundError | None = None,
    message: str = "",
    status: int = 200,
    slug: str = "",
    problem: str = "",
    picture_error: str = "",
    carried: str = "",
    warnings: Sequence[SaidWarning] = (),
    asked: Sequence[str] = (),
    preview: Markup | None = None,
) -> tuple[str, int]:
    """The editor of `opened` (None: a new article of `department`) showing `fields`;
    `failure` beside the form it names, `picture_error` beside the picture upload,
    `carried` (the text of a save refused as stale) above the form to merge,
    `warnings` (what `kb validate` warns of in the file's text) above the form,
    `asked` (the questions of the knowledge gap it is written for) under its heading,
    `preview` (the text's preview, `webapp.manage.previews.opening_preview`) in the
    preview pane before the script renders it again."""
    article_id = opened.article_id if opened else f"{department}/new.md"
    dept = services.authoring().departments().get(department)
    links = presenters.link_choices()
    page = render_template(
        "manage/edit.html",
        opened=opened,
        fields=fields,
        audience=audience_field(fields.audience),
        department=department,
        review_required=bool(dept and dept.review_required),
        error=presenters.failure_text(failure) if failure else "",
        error_field=str(failure.details.get("field") or "") if failure else "",
        problem=problem,
        message=message,
        slug=slug,
        links=links,
        related_notes=related_notes(fields.related, links),
        actor=require_user(),
        picture_error=picture_error,
        carried=carried,
        warnings=warnings,
        asked=asked,
        link_warning=link_warning(fields.body, article_id),
        preview=preview or "",
        control_warning=control_warning(fields),
        picture_limit=format_size(current_language(), services.services().settings.image_max_bytes),
    )
    return page, status


def related_notes(related: Sequence[str], links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the editor says under the related field, as (element id, text): the
    ids the article's page will not list, and the old ids of articles renamed
    since, which it lists by their new ids (`webapp.articles.renamed`)."""
    unlisted = presenters.unlisted_related(related, links)
    moved = renamed_ids() if unlisted else frozenset()
    renamed = {
        old: new for old in unlisted if old in moved and (new := renamed_to(old)) is not None
    }
    notes = []
    if missing := [item for item in unlisted if item not in renamed]:
        notes.append(("e-related-unlisted", gettext("editor_related_unlisted", ids=named(missing))))
    if renamed:
        pairs = named([f"{old} → {new}" for old, new in renamed.items()])
        notes.append(("e-related-renamed", gettext("editor_related_renamed", pairs=pairs)))
    return notes


def named(items: Sequence[str]) -> str:
    """The first `MAX_LISTED_FINDINGS` of `items`, then how many more there are
    ("a.md, b.md and 19,980 more"): one file must not bury the editor."""
    listed = ", ".join(items[:MAX_LISTED_FINDINGS])
    more = len(items) - MAX_LISTED_FINDINGS
    if more <= 0:
        return listed
    return gettext(
        "editor_links_more", links=listed, n=format_decimal(current_language(), more, "#,##0")
    )


def link_warning(body: str, article_id: str) -> str:
    """What the editor says of the links in `body` that name no article (the
    article's page keeps only their text) and of those that name an article
    renamed since; "" when there are none."""
    said = []
    if dropped := dropped_links(body, article_id):
        said.append(gettext("editor_dropped_links", links=named(dropped)))
    if renamed := renamed_links(body, article_id):
        pairs = named([f"{old} → {new}" for old, new in renamed.items()])
        said.append(gettext("editor_links_renamed", pairs=pairs))
    return " ".join(said)


def renamed_links(body: str, article_id: str) -> dict[str, str]:
    """The old ids of articles renamed since that links of `body` name (links
    the page shows: not ones written in code), each with the id the reader may
    read it under now (`webapp.articles.renamed`); none when the index offers
    no articles to compare with, as for `related:` entries."""
    known = {aid for aid, _ in presenters.link_choices()}
    renamed: dict[str, str | None] = {}

    def moved(aid: str) -> bool:
        if aid not in renamed:
            renamed[aid] = None if aid in known or aid not in candidates else renamed_to(aid)
        return renamed[aid] is not None

    if not known:
        return {}
    candidates = renamed_ids()
    return {old: renamed[old] or "" for old in linked_articles(body, article_id, moved)}


def control_warning(fields: ArticleFields) -> str:
    """Where the fields hold a control that reorders the text after them
    (U+202E and the like): the fields by their labels, the text by its lines;
    "" when none does. The article is saved as it is; its readers see it
    without them (`kb.records.Article`)."""
    texts = {
        "field_title": fields.title,
        "field_summary": fields.summary,
        "field_tags": ", ".join(fields.tags),
        "field_owner": fields.owner,
    }
    where = [gettext(label) for label, text in texts.items() if bidi_control_names(text)]
    lines = [
        str(number)
        for number, line in enumerate(fields.body.splitlines(), start=1)
        if bidi_control_names(line)
    ]
    if lines:
        where.append(gettext("editor_controls_lines", lines=", ".join(lines[:MAX_LINES_NAMED])))
    chars = bidi_control_names("".join([*texts.values(), fields.body]))
    return gettext("editor_controls", chars=chars, where="; ".join(where)) if where else ""
