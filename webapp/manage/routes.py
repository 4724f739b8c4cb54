"""The `manage` blueprint: a content owner's articles, the editor, history and reviews.

    /manage/                         the department's articles (filters, due reviews,
                                     approvals waiting, knowledge gaps assigned to it)
    /manage/new                      a new article (GET form, POST create)
    /manage/edit/<id>                the editor (POST: save draft, submit, publish, retire)
    /manage/history/<id>             every version; /manage/diff/<id>?a=&b= a readable diff
    POST /manage/restore/<id>        an earlier version made current again
    POST /manage/status/<id>         approve, submit, retire without editing
    POST /manage/reopen/<id>         the editor at the current version, with the
                                     text of a save refused as stale above it
    /manage/discard/<id>             a draft never published thrown away (`discarding`)
    /manage/retire/<id>              Retire asked again before it is done (`retiring`)

Every page needs a content owner (of the department asked for) or an admin.
A refused save shows the editor again with the message and everything that
was typed; a stale one shows both texts side by side.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from kb.accounts.records import Grant, Role
from kb.authoring.diff import line_diff
from kb.authoring.discarding import history_of, restore_discarded
from kb.authoring.errors import UnopenableArticleError
from kb.authoring.files import SLUG
from kb.authoring.records import Action, ArticleFields
from kb.authoring.service import StaleEditError
from kb.errors import (
    ConflictError,
    ContentError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from kb.i18n.catalog import format_size
from kb.records import Status
from kb.requests.drafting import slugify
from webapp import services
from webapp.auth.identity import require_user
from webapp.departments import in_name_order
from webapp.errors import message_for
from webapp.i18n import current_language, gettext, label
from webapp.inputs import checks_own_form, invalid, refuse_nul_in
from webapp.manage import (
    discarding,
    forms,
    presenters,
    retiring,
    saved_notices,
    setup_checks,
    version_words,
)
from webapp.manage.conflicts import conflict_page
from webapp.manage.editor_page import render_editor
from webapp.manage.picture_uploads import save_staged

bp = Blueprint("manage", __name__, url_prefix="/manage")
version_words.register(bp)
retiring.register(bp)
discarding.register(bp)

FIXABLE = (ValidationError, ContentError, ConflictError)


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


def _departments() -> list[str]:
    actor = require_user()
    owned = services.authoring().editable_departments(actor)
    if not owned:
        raise PermissionDenied(
            "these pages are for content owners and admins; ask an admin for the role "
            "content_owner:<department>",
            details={"user": actor.username},
            key="manage_who",
        )
    return owned


@bp.get("/")
def index() -> str:
    actor = require_user()
    gone = presenters.departments_gone(actor)
    if gone is not None:  # a content owner whose department folders are all gone
        stranded = presenters.stranded_documents(actor)
        # Someone who owns no content now and still has an upload waiting there.
        former = not (actor.has_role(Role.CONTENT_OWNER) or actor.has_role(Role.ADMIN))
        return render_template(
            "manage/no_department.html", gone=gone, stranded=stranded, former=former
        )
    owned = _departments()
    department = request.args.get("department") or owned[0]
    if department not in owned:
        raise PermissionDenied(
            f"you may manage the articles of {', '.join(owned)}, not of {department!r}",
            details={"department": department},
            key="manage_departments",
            values={"departments": list(owned), "n": len(owned)},
        )
    filters = presenters.Filters.of(request.args)
    rows = presenters.department_rows(department, datetime.now(UTC).date())
    return render_template(
        "manage/index.html",
        department=department,
        departments=in_name_order(owned),
        rows=[r for r in rows if filters.keep(r)],
        total=len(rows),
        filters=filters,
        statuses=presenters.STATUS_FILTERS,
        languages=sorted({r.lang for r in rows if r.lang}),
        due=sorted((r for r in rows if r.overdue or r.due_soon), key=lambda r: r.review_by),
        approvals=presenters.approvals(rows, actor),
        waiting=presenters.waiting_documents(department),
        stranded=presenters.stranded_documents(actor),
        gaps=presenters.assigned_gaps(department),
        setup_problems=setup_checks.problems_for(actor),
        due_days=services.services().settings.review_due_days,
    )


def _typed_message() -> str:
    """The "What changed" line as typed, for an editor shown again after a refusal."""
    return (request.form.get("message") or "")[: forms.MAX_MESSAGE_CHARS]


@bp.get("/new")
def new() -> tuple[str, int]:
    owned = _departments()
    department = request.args.get("department") or owned[0]
    if department not in owned:
        raise PermissionDenied(
            f"you may not write articles for {department!r}",
            details={"department": department},
            key="content_owner_who",
            values={
                "department": department,
                "role": Grant(role=Role.CONTENT_OWNER, department=department),
            },
        )
    return render_editor(None, forms.new_article(request.args), department=department)


@bp.post("/new")
@checks_own_form
def create() -> Response | tuple[str, int]:
    actor = require_user()
    department = request.form.get("department", "")
    slug = (request.form.get("slug") or "").strip()
    service = services.authoring()
    try:
        refuse_nul_in(request.form)
        fields = forms.article_fields(
            forms.editor_form(), forms.form_action(), services.services().settings.max_file_bytes
        )
    except ValidationError as exc:
        posted = forms.posted_fields()
        return render_editor(
            None,
            posted,
            department=department,
            failure=exc,
            message=_typed_message(),
            status=400,
            slug=slug,
        )
    try:
        version = service.create(
            actor, department, slug or slugify(fields.title), fields, forms.message_of(request.form)
        )
    except FIXABLE as exc:
        return render_editor(
            None,
            fields,
            department=department,
            failure=exc,
            message=_typed_message(),
            status=exc.status,
            slug=slug,
        )
    flash(gettext("manage_created", id=version.article_id), "success")
    return redirect(url_for("manage.edit", article_id=version.article_id), code=303)


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


@bp.get("/edit/<path:article_id>")
def edit(article_id: str) -> tuple[str, int]:
    opened = services.authoring().open(require_user(), article_id)
    return render_editor(
        opened,
        opened.fields,
        department=opened.department,
        problem=presenters.file_problem(opened),
    )


def _typed_back_as_new(
    article_id: str, exc: NotFoundError, typed: ArticleFields | None = None
) -> tuple[str, int]:
    """An article deleted or renamed on disk while it was being edited: what was
    typed (the form's fields, or `typed`) comes back as a new article of the
    department, so that nothing is lost."""
    department, _, name = article_id.partition("/")
    if department not in services.authoring().editable_departments(require_user()):
        raise exc
    name = name.removesuffix(".md")
    return render_editor(
        None,
        typed or forms.posted_fields(),
        department=department,
        failure=exc,
        message=_typed_message(),
        status=exc.status,
        slug=name if SLUG.match(name) else "",
    )


@bp.post("/edit/<path:article_id>")
@checks_own_form
def save(article_id: str) -> Response | tuple[str, int]:
    actor = require_user()
    service = services.authoring()
    try:
        opened = service.open(actor, article_id)
    except NotFoundError as exc:
        return _typed_back_as_new(article_id, exc)
    message = _typed_message()
    try:
        refuse_nul_in(request.form)
        fields = forms.article_fields(
            forms.editor_form(), forms.form_action(), services.services().settings.max_file_bytes
        )
        base = forms.form_version(request.form)
        if opened.fields.status is not Status.RETIRED:  # Enter on a retired one keeps it so
            retiring.require_confirmed(request.form, fields.status)
    except ValidationError as exc:
        return render_editor(
            opened,
            forms.posted_fields(),
            department=opened.department,
            failure=exc,
            message=message,
            status=400,
        )
    try:
        version = service.save(actor, article_id, fields, base_version=base, message=message)
    except StaleEditError as exc:
        return conflict_page(opened, exc, actor, message)
    except FIXABLE as exc:
        return render_editor(
            opened,
            fields,
            department=opened.department,
            failure=exc,
            message=message,
            status=exc.status,
        )
    saved_notices.flash_saved(version, base)
    saved_notices.flash_out_of_search(opened.fields.status, version)
    for refused in save_staged(actor, article_id)[1]:
        flash(
            gettext("manage_picture_not_saved", reason=message_for(refused, current_language())),
            "error",
        )
    return redirect(url_for("manage.edit", article_id=article_id), code=303)


@bp.post("/reopen/<path:article_id>")
def reopen(article_id: str) -> tuple[str, int]:
    """The conflict page's way on: the current version in the editor, with the
    refused text (`yours`) kept in sight above it to merge, never dropped; an
    article gone meanwhile comes back as a new one holding that text."""
    yours = request.form.get("yours", "")
    try:
        opened = services.authoring().open(require_user(), article_id)
    except NotFoundError as exc:
        return _typed_back_as_new(article_id, exc, forms.text_fields(yours, article_id))
    return render_editor(
        opened,
        opened.fields,
        department=opened.department,
        message=_typed_message(),
        problem=presenters.file_problem(opened),
        carried=yours,
    )


@bp.get("/history/<path:article_id>")
def history(article_id: str) -> str:
    """Every version; a discarded draft's too, the discard last (`history_of`)."""
    versions = history_of(services.authoring(), require_user(), article_id)
    discarded = bool(versions) and versions[-1].action is Action.DISCARD
    # A discarded draft comes back only where a new article goes (`restore_discarded`).
    name = article_id.partition("/")[2].removesuffix(".md")
    return render_template(
        "manage/history.html",
        article_id=article_id,
        versions=list(reversed(versions)),
        current=versions[-1].number if versions else 0,
        discarded=discarded,
        restorable=not discarded or bool(SLUG.match(name)),
    )


@bp.get("/diff/<path:article_id>")
def diff(article_id: str) -> str:
    actor = require_user()
    service = services.authoring()
    b = forms.version_of(request.args.get("b"), "b")
    if b is None:
        b = service.open(actor, article_id).version
    a = forms.version_of(request.args.get("a"), "a") or max(1, b - 1)
    old, new = service.version(actor, article_id, a), service.version(actor, article_id, b)
    return render_template(
        "manage/diff.html",
        article_id=article_id,
        old=old,
        new=new,
        lines=line_diff(old.text, new.text),
    )


@bp.post("/restore/<path:article_id>")
def restore(article_id: str) -> Response | tuple[str, int]:
    actor = require_user()
    number = forms.version_of(request.form.get("number"), "number")
    base = forms.form_version(request.form)
    if number is None:
        raise invalid("number", "say which version to restore", key="restore_which")
    try:
        # A discarded draft's version comes back as a new draft (`restore_discarded`).
        version = restore_discarded(
            services.authoring(), actor, article_id, number, base_version=base
        )
    except StaleEditError as exc:
        flash(message_for(exc, current_language()), "error")
        return redirect(url_for("manage.history", article_id=article_id), code=303)
    if version.number == base:
        # Nothing was recorded: the text restored is the current one (a restore
        # keeps the status, so undoing a Retire this way changes nothing).
        status = label("article", version.status.value)
        flash(gettext("manage_restored_same", number=number, version=base, status=status), "info")
    else:
        flash(gettext("manage_restored", number=number, version=version.number), "success")
    return redirect(url_for("manage.edit", article_id=article_id), code=303)


@bp.post("/status/<path:article_id>")
def set_status(article_id: str) -> Response:
    actor = require_user()
    status = forms.form_action()
    base = forms.form_version(request.form)
    if (asked_again := retiring.unconfirmed(request.form, status, article_id)) is not None:
        return asked_again
    try:
        version = services.authoring().set_status(
            actor, article_id, status, base_version=base, message=forms.message_of(request.form)
        )
    except (StaleEditError, ConflictError, ContentError) as exc:
        flash(message_for(exc, current_language()), "error")
    else:
        saved_notices.flash_saved(version, base)
        if status is Status.RETIRED and version.number != base:
            flash(gettext("manage_retired_out_of_search"), "info")
    if request.form.get("next") == "list":
        return redirect(url_for("manage.index", department=article_id.split("/", 1)[0]), code=303)
    return redirect(url_for("manage.edit", article_id=article_id), code=303)
