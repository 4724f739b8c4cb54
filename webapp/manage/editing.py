"""The editor's pages: a new article, the editor, and a save from either.

    /manage/new                      a new article (GET form, POST create)
    /manage/edit/<id>                the editor (POST: save draft, submit, publish, retire);
                                     an old name of an article renamed since leads on
                                     to the editor of the name it has now
    POST /manage/reopen/<id>         the editor at the current version, with the
                                     text of a save refused as stale above it

A refused save shows the editor again with the message and everything that
was typed; a stale one shows both texts side by side (`conflicts`).
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import Grant, Role
from kb.authoring.errors import GoneSinceError
from kb.authoring.files import SLUG
from kb.authoring.markdown_file import compose_text
from kb.authoring.moving import renamed_since
from kb.authoring.records import ArticleFields
from kb.authoring.service import StaleEditError
from kb.authoring.store import VersionStore
from kb.errors import ConflictError, ContentError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Status
from kb.requests.drafting import slugify
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.manage import forms, retiring, saved_notices
from webapp.manage.conflicts import conflict_page
from webapp.manage.editor_page import render_editor
from webapp.manage.editor_warnings import read_back
from webapp.manage.gap_questions import asked_in_gap
from webapp.manage.owned import owned_departments
from webapp.manage.picture_uploads import save_staged
from webapp.manage.previews import opening_preview
from webapp.manage.renaming import renamed_page
from webapp.request_checks import checks_own_form, refuse_nul_in

FIXABLE = (ValidationError, ContentError, ConflictError)


def typed_message() -> str:
    """The "What changed" line as typed, for an editor shown again after a refusal."""
    return (request.form.get("message") or "")[: forms.MAX_MESSAGE_CHARS]


def new() -> tuple[str, int]:
    owned = owned_departments()
    department = request.args.get("department") or owned[0]
    if department not in owned and department not in services.authoring().departments():
        # Not "ask for the role of content owner of Nope": there is no such department.
        raise ValidationError(
            f"there is no department {department!r}; known: {', '.join(owned)}",
            details={"field": "department", "value": department},
            key="unknown_department",
            values={"value": department, "known": ", ".join(owned)},
        )
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
    return render_editor(
        None,
        forms.new_article(request.args),
        department=department,
        asked=asked_in_gap(request.args),
    )


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
            message=typed_message(),
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
            message=typed_message(),
            status=exc.status,
            slug=slug,
        )
    flash(gettext("manage_created", id=version.article_id), "success")
    return redirect(url_for("manage.edit", article_id=version.article_id), code=303)


def edit(article_id: str) -> Response | tuple[str, int]:
    try:
        opened = services.authoring().open(require_user(), article_id)
    except NotFoundError as exc:  # an old name: the editor of the name it has now
        return renamed_page(article_id, "manage.edit", exc)
    problem, warnings = read_back(opened)
    return render_editor(
        opened,
        opened.fields,
        department=opened.department,
        problem=problem,
        warnings=warnings,
        preview=opening_preview(
            opened.fields.body, opened.article_id, opened.fields.title, opened.fields.lang
        ),
    )


def _typed_back_as_new(
    article_id: str, exc: NotFoundError, typed: ArticleFields | None = None, yours: str = ""
) -> tuple[str, int]:
    """An article deleted or renamed on disk while it was being edited: what was
    typed (the form's fields, or `typed`) comes back as a new article of the
    department, so that nothing is lost. One renamed in the browser meanwhile
    opens under its new name instead (`_renamed_meanwhile`)."""
    department, _, name = article_id.partition("/")
    service = services.authoring()
    if department not in service.editable_departments(require_user()):
        raise exc
    moved = renamed_since(service.versions, article_id)
    if moved is not None:
        with contextlib.suppress(NotFoundError):  # gone from there too: a new one, below
            return _renamed_meanwhile(article_id, moved, yours or _typed_text(article_id), typed)
    name = name.removesuffix(".md")
    return render_editor(
        None,
        typed or forms.posted_fields(),
        department=department,
        failure=exc,
        message=typed_message(),
        status=exc.status,
        slug=name if SLUG.match(name) else "",
    )


def _renamed_meanwhile(
    article_id: str, moved: str, yours: str, typed: ArticleFields | None = None
) -> tuple[str, int]:
    """The editor of `moved`, the name the article was given by a rename since it
    was opened as `article_id` (409): before, the editor offered to create
    `article_id` again, a second copy beside the renamed article. Where `moved`
    holds the very text the refused save was based on (the version named in the
    form; a rename does not change the text), the typed fields fill its form, to
    save there as they are; otherwise the text of the refused save (`yours`)
    stays above the form to merge, as after a stale save."""
    service = services.authoring()
    opened = service.open(require_user(), moved)
    problem, warnings = read_back(opened)
    try:
        base = forms.version_of(request.form.get("version"))
    except ValidationError:  # a version that does not read: named as none
        base = None
    fields, carried = opened.fields, yours
    if base is not None and _based_on(service.versions, article_id, base) == opened.text:
        fields, carried = typed or forms.posted_fields(), ""
        flash(gettext("manage_renamed_typed_kept", new=moved), "info")
    return render_editor(
        opened,
        fields,
        department=opened.department,
        failure=GoneSinceError(article_id, base, moved),
        message=typed_message(),
        problem=problem,
        warnings=warnings,
        carried=carried,
        status=409,
    )


def _based_on(versions: VersionStore, article_id: str, number: int) -> str | None:
    """The text of version `number` of `article_id`, which a refused save was
    based on; None where there is no such version."""
    try:
        return versions.version(article_id, number).text
    except NotFoundError:
        return None


def _typed_text(article_id: str) -> str:
    """The posted form as an article's text, to keep in sight (its body alone
    where it does not compose: the body has front matter of its own)."""
    typed = forms.posted_fields()
    try:
        return compose_text(typed, {}, services.authoring().clock().date(), article_id)
    except ContentError:
        return typed.body


@checks_own_form
def save(article_id: str) -> Response | tuple[str, int]:
    actor = require_user()
    service = services.authoring()
    try:
        opened = service.open(actor, article_id)
    except NotFoundError as exc:
        return _typed_back_as_new(article_id, exc)
    message = typed_message()
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
    except NotFoundError as exc:  # renamed (or removed) after it was opened above
        return _typed_back_as_new(article_id, exc)
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


def reopen(article_id: str) -> tuple[str, int]:
    """The conflict page's way on: the current version in the editor, with the
    refused text (`yours`) kept in sight above it to merge, never dropped; an
    article gone meanwhile comes back as a new one holding that text."""
    yours = request.form.get("yours", "")
    try:
        opened = services.authoring().open(require_user(), article_id)
    except NotFoundError as exc:
        return _typed_back_as_new(article_id, exc, forms.text_fields(yours, article_id), yours)
    problem, warnings = read_back(opened)
    return render_editor(
        opened,
        opened.fields,
        department=opened.department,
        message=typed_message(),
        problem=problem,
        warnings=warnings,
        carried=yours,
    )


def register(bp: Blueprint) -> None:
    """Add the editor's pages to `bp` (the manage blueprint)."""
    bp.add_url_rule("/new", "new", new, methods=["GET"])
    bp.add_url_rule("/new", "create", create, methods=["POST"])
    bp.add_url_rule("/edit/<path:article_id>", "edit", edit, methods=["GET"])
    bp.add_url_rule("/edit/<path:article_id>", "save", save, methods=["POST"])
    bp.add_url_rule("/reopen/<path:article_id>", "reopen", reopen, methods=["POST"])
