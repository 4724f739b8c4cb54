"""Uploading a picture next to the article being edited: the editor's "Add a picture".

    POST /manage/picture/<id>        the picture's file (`file`), optional name (`name`),
                                     alt text (`alt`) and `replace=1` to write over a
                                     picture of that name
    POST /api/articles/<id>/pictures the same form for API clients (the session's
                                     CSRF token in `X-CSRF-Token`), answered in JSON
    GET  /manage/picture/<id>?src=   a picture staged for the article, or one of its
                                     folder the index does not keep yet, for the
                                     editor's preview

`kb.authoring.pictures.PictureUploads` checks it and stages it for the folder
of the article `<id>` (content owners of its department and admins; the form
carries the CSRF token as every form does); the editor's save and the API's
`PUT` write it there when the article saved names it
(`webapp.manage.picture_uploads.save_staged`). The editor's script sends it with
`Accept: application/json` and puts the answer's `markdown` (`![alt](name)`)
into the text at the cursor, as a paragraph of its own; a refusal answers the one error shape with its
status. Without a script the form's post opens the editor again: with the
Markdown to paste in a message, or the refusal beside the form. A body past
`image_max_bytes` and the form is refused (413) without being read.

The editor's preview (`preview_images`) shows a picture just uploaded at once:
one staged, or one of the folder the index does not keep yet, is shown to content owners of the article's
department from its folder, read as the scanner reads it, at an address only
they may open (`unpublished`: 403 for employees and other departments, no
HTTP cache keeps it). Whether such a file is a picture is read once while the
file is unchanged (`PictureUploads.is_unpublished`), not at each render of the
preview. Readers see a picture only once the index keeps it for a published
article that names it.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from kb.authoring.pictures import UploadedPicture
from kb.content.images import is_remote
from kb.content.sanitize import ImageBuilder
from kb.errors import KbError, ValidationError
from kb.extract.base import human_size
from webapp import services
from webapp.articles.images import indexed_images
from webapp.auth.identity import current_user, require_user, search_groups
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.manage.documents import REFUSED, sent_file
from webapp.manage.picture_uploads import refusal_json, uploads

bp = Blueprint("manage_pictures", __name__, url_prefix="/manage")
api = Blueprint("manage_pictures_api", __name__, url_prefix="/api")

MAX_ALT_CHARS = 300


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _error_json(exc: KbError, status: int) -> Response:
    """The one error shape, in the reader's language, with `status`."""
    answer = jsonify({"error": refusal_json(exc)})
    answer.status_code = status
    return answer


def _refused(exc: KbError, article_id: str, status: int = 0) -> Response | tuple[str, int]:
    """A refused upload: the error shape for the script, else the editor again
    with the reason beside the picture form."""
    if _wants_json():
        return _error_json(exc, status or exc.status)
    from webapp.manage.editor_page import render_editor

    opened = services.authoring().open(require_user(), article_id)
    return render_editor(
        opened,
        opened.fields,
        department=opened.department,
        picture_error=message_for(exc, current_language()),
        status=status or exc.status,
    )


def _uploaded(article_id: str) -> tuple[UploadedPicture, str]:
    """The form's picture written beside `article_id`, and its Markdown."""
    service = uploads()
    done = service.upload(
        require_user(),
        article_id,
        sent_file(service.max_bytes),
        name=(request.form.get("name") or "").strip()[:300],
        replace=request.form.get("replace") == "1",
    )
    return done, done.markdown((request.form.get("alt") or "").strip()[:MAX_ALT_CHARS])


def _answer(done: UploadedPicture, markdown: str) -> Response:
    response = jsonify(picture_json(done, markdown))
    response.status_code = 200 if done.replaced else 201
    return response


@bp.post("/picture/<path:article_id>")
def upload(article_id: str) -> Response | tuple[str, int]:
    require_user()
    try:
        done, markdown = _uploaded(article_id)
    except REFUSED as exc:
        return _refused(exc, article_id)
    except KbError as exc:  # 403 and the rest: the page's own handler, or the script's shape
        if not _wants_json():
            raise
        return _refused(exc, article_id)
    if _wants_json():
        return _answer(done, markdown)
    key = "manage_picture_replaced" if done.replaced else "manage_picture_uploaded"
    flash(gettext(key, name=done.name, markdown=markdown), "success")
    return redirect(url_for("manage.edit", article_id=article_id), code=303)


@api.post("/articles/<path:article_id>/pictures")
def api_upload(article_id: str) -> Response:
    """The same upload for API clients: `multipart/form-data` with the same
    fields; refusals in the one error shape (the app's handler under /api/)."""
    require_user()
    return _answer(*_uploaded(article_id))


@bp.get("/picture/<path:article_id>")
def unpublished(article_id: str) -> Response:
    """A picture of the article's folder not yet kept by the index (`src`: as
    the Markdown writes it), for the editor's preview: content owners of the
    department and admins alone (403 for anyone else), never kept by a cache."""
    data, media_type = uploads().unpublished(
        require_user(), article_id, request.args.get("src", "")
    )
    response = Response(data, mimetype=media_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def preview_images(article_id: str) -> ImageBuilder:
    """The `src` of pictures in the editor's preview of `article_id`: for a content
    owner of its department, those the index keeps (`indexed_images`) and one
    only in its folder yet (just uploaded) at `unpublished`'s address; for anyone
    else, those its page would show them (none of an article they may not read)."""
    actor = current_user()
    try:
        service = uploads()
        if actor is None:
            return indexed_images(article_id, search_groups())
        service.authoring.require_owner(actor, service.authoring.department_of(article_id).slug)
    except KbError:
        # Not its department's: the pictures its page would show this reader, so
        # that naming another department's article tells nothing of it.
        return indexed_images(article_id, search_groups())
    kept = indexed_images(article_id, None)

    def src(url: str) -> str | None:
        shown = kept(url)
        if shown is not None or is_remote(url):
            return shown
        try:
            if not service.is_unpublished(actor, article_id, url):
                return None  # not there, or not a picture: its alt text, as on the page
        except KbError:
            return None
        return url_for("manage_pictures.unpublished", article_id=article_id, src=url.strip())

    return src


def picture_json(done: UploadedPicture, markdown: str) -> dict[str, object]:
    """What the editor's script is answered for an uploaded picture."""
    return {
        "article": done.article_id,
        "name": done.name,
        "media_type": done.media_type,
        "size": done.size,
        "sha256": done.sha256,
        "replaced": done.replaced,
        "markdown": markdown,
        "message": gettext(
            "manage_picture_inserted" if not done.replaced else "manage_picture_replaced",
            name=done.name,
            markdown=markdown,
        ),
    }


def _too_large_error() -> ValidationError:
    limit = human_size(services.services().settings.image_max_bytes)
    return ValidationError(
        f"the picture is over the {limit} limit for pictures (setting image_max_bytes)",
        details={"field": "file"},
        key="picture_too_large",
        values={"name": gettext("manage_picture_the_file"), "limit": limit},
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> Response | tuple[str, int]:
    """A body past the picture limit and the form, never read: refused naming the limit."""
    article_id = (request.view_args or {}).get("article_id", "")
    return _refused(_too_large_error(), str(article_id), 413)


@api.errorhandler(RequestEntityTooLarge)
def _api_too_large(_exc: RequestEntityTooLarge) -> Response:
    """As the form's: the one error shape, 413, naming the picture limit."""
    return _error_json(_too_large_error(), 413)
