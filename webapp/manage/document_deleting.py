"""Deleting an uploaded document, asked again first, as Retire and Discard are.

    GET  /manage/document-delete/<id>   what deleting does, and the form that does it
    POST /manage/document-delete/<id>   the document deleted (`confirm=delete`, the
                                        version the page showed): back to the list
    DELETE /api/articles/<id>           the same for scripts (`delete_json`), the
                                        version in If-Match (`*`: whatever is current)

The list's and the document history's "Delete" lead to the page; its form
carries the session's CSRF token, the version shown and `confirm=delete`, and
the service checks the owner, the name and the rest
(`kb.authoring.document_removal`). A post without the confirmation changes
nothing and sends the browser back to the page that asks.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.authoring.document_removal import delete_document
from kb.authoring.document_versions import pending
from kb.authoring.records import Action
from kb.errors import ConflictError, ContentError, NotFoundError, ValidationError
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.manage import forms
from webapp.manage.documents import uploads
from webapp.manage.versions import PreconditionRequired
from webapp.preconditions import if_match_tag_version, refuse_blank_if_match

CONFIRM = "delete"
REFUSED = (ValidationError, ConflictError, ContentError, NotFoundError)


def confirm(article_id: str) -> str:
    """The page that asks again: what deleting does, and the form that does it."""
    service = uploads()
    versions = service.history(require_user(), article_id)  # the owner's; 404 for none
    waiting = pending(versions)
    return render_template(
        "manage/document_delete.html",
        article_id=article_id,
        department=article_id.split("/", 1)[0],
        version=service.current_version(article_id),
        gone=bool(versions) and versions[-1].action is Action.DELETE,
        waiting=waiting.number if waiting else 0,
    )


def delete(article_id: str) -> Response:
    """Delete the document; back to the department's list, or, refused, to the
    page that asks, with the reason."""
    actor = require_user()
    again = redirect(url_for("manage.document_delete_form", article_id=article_id), code=303)
    if request.form.get("confirm") != CONFIRM:
        flash(gettext("document_delete_unconfirmed"), "error")
        return again
    try:
        delete_document(
            uploads(), actor, article_id, base_version=forms.form_version(request.form),
            message=forms.message_of(request.form),
        )  # fmt: skip
    except REFUSED as exc:
        flash(message_for(exc, current_language()), "error")
        return again
    flash(gettext("document_deleted", id=article_id), "success")
    department = article_id.split("/", 1)[0]
    return redirect(url_for("manage.index", department=department), code=303)


def delete_json(article_id: str) -> Response:
    """`DELETE /api/articles/<document id>`: the version in If-Match (428 without
    it, 412 on another; `*` deletes whatever is current)."""
    actor, service = require_user(), uploads()
    service.reach(actor, article_id)  # 403 before anything else
    header = request.headers.get("If-Match")
    refuse_blank_if_match(
        header, "restore_if_match_blank", 'send the ETag you read (If-Match: "3")'
    )
    if header is None:
        raise PreconditionRequired(
            f"send the version {article_id} is at now in If-Match (its ETag, e.g. "
            'If-Match: "3", or *) so that a file replaced meanwhile is not deleted unseen',
            details={"id": article_id},
            key="delete_if_match_needed",
            values={"id": article_id},
        )
    base = if_match_tag_version(header)
    if base is None:
        base = service.current_version(article_id)
    gone = delete_document(service, actor, article_id, base_version=base)
    return jsonify(
        {
            "id": article_id,
            "deleted": True,
            "version": gone.number,
            "author": gone.author,
            "ts": gone.ts.isoformat(),
            "action": gone.action.value,
            "status": gone.status.value,
        }
    )


def register(bp: Blueprint) -> None:
    """Add the delete page and its form to `bp` (the manage blueprint)."""
    rule = "/document-delete/<path:article_id>"
    bp.add_url_rule(rule, "document_delete_form", confirm, methods=["GET"])
    bp.add_url_rule(rule, "document_delete", delete, methods=["POST"])
