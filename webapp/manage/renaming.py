"""Renaming an article from the editor, asked on a page of its own.

    GET  /manage/move/<id>    the new name, what renaming does, and the form
    POST /manage/move/<id>    the article renamed (`kb.authoring.moving`), the
                              links to it changed where the user may
                              (`webapp.manage.relinking`); the editor of the
                              new name, saying which articles were changed and
                              which still link to the old name, or this page
                              again with the reason and the name as typed;
                              one renamed by someone else meanwhile: this
                              page for the name it has now, saying so, with
                              the name and message as typed

The editor's "Rename" leads here. Its form carries the session's CSRF token
and the version the editor showed; the service checks the owner, the name and
the rest; `POST /api/articles/<id>/move` does the same for scripts
(`webapp.manage.api`). The old address of the article page leads on to the new one
(`webapp.articles.renamed`).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.authoring.errors import GoneSinceError, StaleEditError
from kb.authoring.moving import move_article
from kb.errors import ConflictError, ContentError, KbError, NotFoundError, ValidationError
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.manage import forms
from webapp.manage.findable import findable_line
from webapp.manage.picture_uploads import uploads
from webapp.manage.relinking import flash_relinking, relink_moved

REFUSED = (ValidationError, ConflictError, ContentError, NotFoundError, StaleEditError)


def confirm(
    article_id: str, *, error: KbError | None = None, typed: str = "", renamed_from: str = ""
) -> tuple[str, int]:
    """The page that asks for the new name; a refusal shown above the form, and
    what was typed kept in it. `renamed_from`: the id the user asked to rename,
    which someone else renamed to `article_id` meanwhile."""
    opened = services.authoring().open(require_user(), article_id)
    folder, _, name = article_id.rpartition("/")
    page = render_template(
        "manage/move.html",
        opened=opened,
        folder=folder,
        name=typed or name.removesuffix(".md"),
        error=message_for(error, current_language()) if error else "",
        error_field=str(error.details.get("field") or "") if error else "",
        renamed_from=renamed_from,
        typed_message=(request.form.get("message") or "")[: forms.MAX_MESSAGE_CHARS],
    )
    return page, error.status if error else 200


def move(article_id: str) -> Response | tuple[str, int]:
    """Rename the article; the editor of its new name, or the page again with why not."""
    actor = require_user()
    typed = (request.form.get("slug") or "").strip()[:200]
    try:
        done = move_article(
            services.authoring(),
            actor,
            article_id,
            typed,
            base_version=forms.form_version(request.form),
            message=forms.message_of(request.form),
            stage=uploads().stage,
        )
    except GoneSinceError as exc:  # renamed by someone else since the page was shown
        if exc.moved_to is None:
            raise
        return confirm(exc.moved_to, error=exc, typed=typed, renamed_from=article_id)
    except REFUSED as exc:
        return confirm(article_id, error=exc, typed=typed)
    flash(gettext("manage_moved", old=article_id, new=done.article_id), "success")
    flash_relinking(relink_moved(actor, article_id, done.article_id))
    opened = services.authoring().open(actor, done.article_id)
    if line := findable_line(opened):
        flash(line, "info")
    return redirect(url_for("manage.edit", article_id=done.article_id), code=303)


def editor_now(article_id: str, exc: KbError) -> str:
    """The editor to go back to after a refusal `exc` of a write on `article_id`:
    the one of the id a rename since gave the article, else `article_id`'s."""
    moved = exc.moved_to if isinstance(exc, GoneSinceError) else None
    return url_for("manage.edit", article_id=moved or article_id)


def register(bp: Blueprint) -> None:
    """Add the rename page and its form to `bp` (the manage blueprint)."""
    bp.add_url_rule("/move/<path:article_id>", "move_form", confirm, methods=["GET"])
    bp.add_url_rule("/move/<path:article_id>", "move", move, methods=["POST"])
