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

An old name of an article renamed since (a bookmark, an open tab) leads its
owners on to the same page of the name it has now (`renamed_page`), as the
article page's old address leads readers on.

The editor's "Rename" leads here. Its form carries the session's CSRF token
and the version the editor showed; the service checks the owner, the name and
the rest; `POST /api/articles/<id>/move` does the same for scripts
(`move_json`, blueprint `manage_api`). The old address of the article page
leads on to the new one (`webapp.articles.renamed`).
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.authoring.errors import GoneSinceError, StaleEditError
from kb.authoring.moving import move_article, renamed_since
from kb.errors import ConflictError, ContentError, KbError, NotFoundError, ValidationError
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import text_field
from webapp.json_body import json_object
from webapp.manage import editor_warnings, forms
from webapp.manage.findable import findable_line
from webapp.manage.picture_uploads import uploads
from webapp.manage.relinking import flash_relinking, relink_moved, relinking_json
from webapp.manage.stored_articles import stored_article
from webapp.manage.versions import discard_base, with_etag

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


def move_form(article_id: str) -> Response | tuple[str, int]:
    """The rename page; for an old name of an article renamed since, the page of
    the name it has now."""
    try:
        return confirm(article_id)
    except NotFoundError as exc:
        return renamed_page(article_id, "manage.move_form", exc)


def renamed_page(article_id: str, endpoint: str, exc: NotFoundError) -> Response:
    """The page `endpoint` of the id a rename since gave `article_id` (renames in a
    row followed), saying so; `exc` again when it was not renamed. Called after
    `open` checked that the user owns the department, and a rename stays in its
    folder, so the new name tells no one anything they may not read."""
    moved = renamed_since(services.authoring().versions, article_id)
    if moved is None:
        raise exc
    flash(gettext("manage_opened_renamed", old=article_id, new=moved), "info")
    return redirect(url_for(endpoint, article_id=moved), code=303)


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
    bp.add_url_rule("/move/<path:article_id>", "move_form", move_form, methods=["GET"])
    bp.add_url_rule("/move/<path:article_id>", "move", move, methods=["POST"])


def move_json(article_id: str) -> Response:
    """The article renamed in its folder, as the editor's Rename does
    (`kb.authoring.moving`): `name` (and `message`) in the body, the version in
    If-Match (428 without it, 412 on an older one); 409 `move_taken` when the
    name is taken. Answers the stored article under its new id, which Location
    names, with `links`: the articles whose links to the old id were changed
    (`webapp.manage.relinking`), those that could not be, and the other
    departments' articles that still link to it; `warnings` as a PUT's."""
    actor = require_user()
    service = services.authoring()
    base = discard_base(service, actor, article_id)
    body = json_object("name", "message")
    done = move_article(
        service, actor, article_id, text_field(body, "name"), base_version=base,
        message=text_field(body, "message", required=False, max_chars=forms.MAX_MESSAGE_CHARS),
        stage=uploads().stage,
    )  # fmt: skip
    links = relinking_json(relink_moved(actor, article_id, done.article_id))
    opened = service.open(actor, done.article_id)  # a link to itself changed: a version on
    said = {"links": links, "warnings": editor_warnings.standing_warnings(opened)}
    answer = with_etag(jsonify({**stored_article(opened), **said}), opened.version)
    answer.headers["Location"] = url_for("articles_api.article", article_id=done.article_id)
    return answer


def register_api(bp: Blueprint) -> None:
    """Add the API's rename to `bp` (the `manage_api` blueprint)."""
    bp.add_url_rule("/articles/<path:article_id>/move", "move", move_json, methods=["POST"])
