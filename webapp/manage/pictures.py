"""Uploading a picture next to the article being edited: the editor's "Add a picture".

    POST /manage/picture/<id>   the picture's file (`file`), optional name (`name`),
                                alt text (`alt`) and `replace=1` to write over a
                                picture of that name

`kb.authoring.pictures.PictureUploads` checks and writes it into the folder of
the article `<id>` (content owners of its department and admins; the form
carries the CSRF token as every form does). The editor's script sends it with
`Accept: application/json` and puts the answer's `markdown` (`![alt](name)`)
into the text at the cursor; a refusal answers the one error shape with its
status. Without a script the form's post opens the editor again: with the
Markdown to paste in a message, or the refusal beside the form. A body past
`image_max_bytes` and the form is refused (413) without being read.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from kb.authoring.pictures import PictureUploads, UploadedPicture
from kb.errors import KbError, ValidationError
from kb.extract.base import human_size
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.manage.documents import REFUSED, sent_file

bp = Blueprint("manage_pictures", __name__, url_prefix="/manage")

MAX_ALT_CHARS = 300


def uploads() -> PictureUploads:
    """The app's picture uploads, at most `image_max_bytes` each."""
    settings = services.services().settings
    return PictureUploads(services.authoring(), max_bytes=settings.image_max_bytes)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refused(exc: KbError, article_id: str, status: int = 0) -> Response | tuple[str, int]:
    """A refused upload: the error shape for the script, else the editor again
    with the reason beside the picture form."""
    said = message_for(exc, current_language())
    if _wants_json():
        details = exc.details_in(current_language())
        answer = jsonify({"error": {"code": exc.code, "message": said, "details": details}})
        answer.status_code = status or exc.status
        return answer
    from webapp.manage.routes import render_editor

    opened = services.authoring().open(require_user(), article_id)
    return render_editor(
        opened,
        opened.fields,
        department=opened.department,
        picture_error=said,
        status=status or exc.status,
    )


@bp.post("/picture/<path:article_id>")
def upload(article_id: str) -> Response | tuple[str, int]:
    actor = require_user()
    service = uploads()
    alt = (request.form.get("alt") or "").strip()[:MAX_ALT_CHARS]
    try:
        done = service.upload(
            actor,
            article_id,
            sent_file(service.max_bytes),
            name=(request.form.get("name") or "").strip()[:300],
            replace=request.form.get("replace") == "1",
        )
    except REFUSED as exc:
        return _refused(exc, article_id)
    except KbError as exc:  # 403 and the rest: the page's own handler, or the script's shape
        if not _wants_json():
            raise
        return _refused(exc, article_id)
    markdown = done.markdown(alt)
    if _wants_json():
        response = jsonify(picture_json(done, markdown))
        response.status_code = 200 if done.replaced else 201
        return response
    key = "manage_picture_replaced" if done.replaced else "manage_picture_uploaded"
    flash(gettext(key, name=done.name, markdown=markdown), "success")
    return redirect(url_for("manage.edit", article_id=article_id), code=303)


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


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> Response | tuple[str, int]:
    """A body past the picture limit and the form, never read: refused naming the limit."""
    limit = human_size(services.services().settings.image_max_bytes)
    exc = ValidationError(
        f"the picture is over the {limit} limit for pictures (setting image_max_bytes)",
        details={"field": "file"},
        key="picture_too_large",
        values={"name": gettext("manage_picture_the_file"), "limit": limit},
    )
    article_id = (request.view_args or {}).get("article_id", "")
    return _refused(exc, str(article_id), 413)
