"""Discarding from the editor: a draft never published, or the changes saved
over a published article since it was last published.

    GET  /manage/discard/<id>   what discarding removes, and the form that does it
    POST /manage/discard/<id>   `what=draft`: the draft's file and its staged
                                pictures removed; `what=changes`: the last
                                published text made current again

The editor offers "Discard draft" (`discardable_draft` in templates) for a
draft or an article in review that was never published, and "Discard
changes" (`discardable_changes`) for one saved as a draft or submitted since
it was published; each link leads to a page of its own that says what goes
and asks again, so nothing is thrown away by one click and nothing needs a
script. The form carries the session's CSRF token, the version the editor
showed and which of the two it confirms; the service checks the owner and
the rest (`kb.authoring.discarding`).

Through the API (blueprint `manage_api`, based on the version in If-Match):

    DELETE /api/articles/<id>                a draft never published thrown away
                                             (a document's: `document_deleting`)
    POST /api/articles/<id>/discard-changes  the last published text current again
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.authoring.discarding import (
    DISCARDABLE,
    changes_discardable,
    discard_changes,
    discard_draft,
    last_published,
)
from kb.authoring.errors import StaleEditError
from kb.authoring.records import Editable
from kb.authoring.status_changes import was_published
from kb.content.readers import is_document
from kb.errors import ConflictError, ContentError
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import invalid
from webapp.manage import document_deleting, editor_warnings, forms
from webapp.manage.picture_uploads import uploads
from webapp.manage.renaming import editor_now
from webapp.manage.stored_articles import stored_article
from webapp.manage.versions import discard_base, with_etag

KINDS = ("draft", "changes")


def discardable_draft(opened: Editable) -> bool:
    """Whether the editor offers Discard draft for `opened`: a draft or one in
    review that never reached readers (`was_published`: no version published,
    not in the published index, never opened or voted on)."""
    if opened.fields.status not in DISCARDABLE:
        return False
    authoring = services.authoring()
    return not was_published(authoring.versions, opened.article_id, authoring.indexed)


def discardable_changes(opened: Editable) -> bool:
    """Whether the editor offers Discard changes for `opened`: a draft or one in
    review saved over a published version."""
    if opened.fields.status not in DISCARDABLE:
        return False
    return changes_discardable(services.authoring().versions.versions(opened.article_id))


def confirm(article_id: str) -> str:
    """The page that asks again: what goes, and the form that discards it."""
    opened = services.authoring().open(require_user(), article_id)
    published = last_published(services.authoring().versions.versions(article_id))
    kind = "draft" if discardable_draft(opened) else "changes" if published else ""
    return render_template(
        "manage/discard.html",
        opened=opened,
        kind=kind,
        published=published,
        pictures=len(uploads().stage.names(article_id)),
    )


def discard(article_id: str) -> Response:
    """Discard the draft (back to the department's list) or the changes (back to
    the editor); refused (published once, nothing published, changed meanwhile):
    back to the editor with the reason (of the new id, where a rename since took it)."""
    actor = require_user()
    kind = request.form.get("what", "")
    if kind not in KINDS:
        raise invalid("what", f"is one of {', '.join(KINDS)}", key="discard_what")
    base = forms.form_version(request.form)
    steps = {"draft": discard_draft, "changes": discard_changes}
    try:
        done = steps[kind](
            services.authoring(),
            actor,
            article_id,
            base_version=base,
            message=forms.message_of(request.form),
            stage=uploads().stage,
        )
    except (StaleEditError, ConflictError, ContentError) as exc:
        flash(message_for(exc, current_language()), "error")
        return redirect(editor_now(article_id, exc), code=303)
    if kind == "changes":
        flash(gettext("manage_changes_discarded", version=done.number), "success")
        return redirect(url_for("manage.edit", article_id=article_id), code=303)
    flash(gettext("manage_discarded", id=article_id), "success")
    department = article_id.split("/", 1)[0]
    return redirect(url_for("manage.index", department=department), code=303)


def register(bp: Blueprint) -> None:
    """Add the discard page and its form to `bp` (the manage blueprint), and offer
    `discardable_draft` and `discardable_changes` to every template of the app."""
    bp.add_url_rule("/discard/<path:article_id>", "discard_form", confirm, methods=["GET"])
    bp.add_url_rule("/discard/<path:article_id>", "discard", discard, methods=["POST"])
    bp.add_app_template_global(discardable_draft, "discardable_draft")
    bp.add_app_template_global(discardable_changes, "discardable_changes")


def discard_json(article_id: str) -> Response:
    """A draft never published thrown away with its staged pictures, as the
    editor's Discard draft does (`kb.authoring.discarding`), based on the version
    in If-Match: 428 without it, 412 on an older one, 409 `published_before`."""
    if is_document(article_id):  # a document is deleted: `document_deleting`
        return document_deleting.delete_json(article_id)
    actor = require_user()
    service = services.authoring()
    base = discard_base(service, actor, article_id)
    gone = discard_draft(service, actor, article_id, base_version=base, stage=uploads().stage)
    return jsonify(
        {
            "id": article_id,
            "discarded": True,
            "version": gone.number,
            "author": gone.author,
            "ts": gone.ts.isoformat(),
            "action": gone.action.value,
            "status": gone.status.value,
        }
    )


def discard_changes_json(article_id: str) -> Response:
    """The last published text made current again, the drafts and reviews saved
    since dropped, as the editor's Discard changes does: published again, or in
    review under the four-eyes rule; 409 `nothing_published` when there is no
    published text under the changes. Answers the stored article, with the
    `warnings` of the text it made current."""
    actor = require_user()
    service = services.authoring()
    base = discard_base(service, actor, article_id)
    kept = discard_changes(service, actor, article_id, base_version=base, stage=uploads().stage)
    opened = service.open(actor, article_id)
    said = {**stored_article(opened), "warnings": editor_warnings.standing_warnings(opened)}
    return with_etag(jsonify(said), kept.number)


def register_api(bp: Blueprint) -> None:
    """Add the API's discards to `bp` (the `manage_api` blueprint)."""
    bp.add_url_rule("/articles/<path:article_id>", "discard", discard_json, methods=["DELETE"])
    bp.add_url_rule(
        "/articles/<path:article_id>/discard-changes",
        "discard_saved_changes",
        discard_changes_json,
        methods=["POST"],
    )
