"""The `manage` blueprint: a content owner's articles, the editor, history and reviews.

    /manage/                         the department's articles (filters, due reviews,
                                     approvals waiting, knowledge gaps assigned to it)
    /manage/new, /manage/edit/<id>   the editor and its saves (`editing`)
    /manage/history/<id>, /manage/diff/<id>, POST /manage/restore/<id>,
    POST /manage/status/<id>         versions, restores and status changes (`version_pages`)
    /manage/discard/<id>             a draft never published thrown away (`discarding`)
    /manage/retire/<id>              Retire asked again before it is done (`retiring`)
    /manage/move/<id>                an article renamed in its folder (`renaming`)
    /manage/document-delete/<id>     an uploaded document deleted (`document_deleting`)

Every page needs a content owner (of the department asked for) or an admin.
This module holds the blueprint, the list and the errors every page of it
shares; each group of pages adds itself with its `register`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from kb.accounts.records import Role
from kb.authoring.errors import UnopenableArticleError
from kb.errors import PermissionDenied, ValidationError
from kb.i18n.catalog import format_size
from webapp import services
from webapp.auth.identity import require_user
from webapp.departments import in_name_order
from webapp.errors import message_for
from webapp.i18n import current_language
from webapp.manage import (
    discarding,
    document_deleting,
    editing,
    findable,
    presenters,
    renaming,
    retiring,
    setup_checks,
    version_pages,
    version_words,
)
from webapp.manage.owned import owned_departments

bp = Blueprint("manage", __name__, url_prefix="/manage")
version_words.register(bp)
retiring.register(bp)
discarding.register(bp)
editing.register(bp)
version_pages.register(bp)
renaming.register(bp)
document_deleting.register(bp)
findable.register(bp)


@bp.errorhandler(RequestEntityTooLarge)
def _article_too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    """The editor's form past the article limit: its own page, naming the limit and
    sending the owner back to the text (the browser's Back keeps what was typed; the
    form past the limit is never read, so the server cannot show it again)."""
    limit = services.services().settings.max_file_bytes
    page = render_template(
        "manage/too_large.html",
        limit=format_size(current_language(), limit),
        limit_bytes=limit,
        sent=format_size(current_language(), request.content_length or 0),
        back=request.path,
    )
    return page, 413


@bp.errorhandler(UnopenableArticleError)
def _unopenable(exc: UnopenableArticleError) -> tuple[str, int]:
    """A file the editor cannot open (not UTF-8, broken front matter, too large),
    met by the editor, a save, the history or a diff: what is wrong, where, and the
    way back to the list; it is mended on disk and nothing here writes to it."""
    page = render_template(
        "manage/unreadable.html",
        article_id=exc.path,
        error=exc,
        department=exc.path.split("/", 1)[0],
    )
    return page, exc.status


@bp.get("/")
def index() -> str | tuple[str, int]:
    actor = require_user()
    gone = presenters.departments_gone(actor)
    if gone is not None:  # a content owner whose department folders are all gone
        stranded = presenters.stranded_documents(actor)
        # Someone who owns no content now and still has an upload waiting there.
        former = not (actor.has_role(Role.CONTENT_OWNER) or actor.has_role(Role.ADMIN))
        return render_template(
            "manage/no_department.html", gone=gone, stranded=stranded, former=former
        )
    owned = owned_departments()
    department = request.args.get("department") or owned[0]
    if department not in owned:
        raise PermissionDenied(
            f"you may manage the articles of {', '.join(owned)}, not of {department!r}",
            details={"department": department},
            key="manage_departments",
            values={"departments": list(owned), "n": len(owned)},
        )
    try:
        filters, refused = presenters.Filters.of(request.args), None
    except ValidationError as exc:
        # A status the list does not know lists nothing, under why: every article
        # under a filter the reader chose would read as the ones it asked for.
        filters, refused = presenters.Filters(), exc
    rows = presenters.department_rows(department, datetime.now(UTC).date())
    page = render_template(
        "manage/index.html",
        department=department,
        departments=in_name_order(owned),
        rows=[] if refused else [r for r in rows if filters.keep(r)],
        total=len(rows),
        filters=filters,
        filter_error=message_for(refused, current_language()) if refused else "",
        invalid=str(refused.details.get("field") or "") if refused else "",
        statuses=presenters.STATUS_FILTERS,
        languages=sorted({r.lang for r in rows if r.lang}),
        due=sorted((r for r in rows if r.overdue or r.due_soon), key=lambda r: r.review_by),
        approvals=presenters.approvals(rows, actor),
        waiting=presenters.waiting_documents(department),
        deleted=presenters.deleted_documents(department, rows),
        stranded=presenters.stranded_documents(actor),
        gaps=presenters.assigned_gaps(department),
        setup_problems=setup_checks.problems_for(actor),
        due_days=services.services().settings.review_due_days,
    )
    return (page, refused.status) if refused else page
