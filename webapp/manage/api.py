"""The `manage_api` blueprint: articles written through the JSON API.

    PUT  /api/articles/<id>            create or replace an article from its fields
                                       (`stored_articles`)
    GET  /api/articles/<id>/versions   its versions (author, time, action, message;
                                       a document's with SHA-256 and size)
    GET  /api/articles/<id>/versions/<n>/file  a document version's file (a download)
    POST /api/articles/<id>/restore    an earlier version made current again (a
                                       document's held for review under the
                                       four-eyes rule: 202)
    POST /api/articles/<id>/review     approve or reject a document waiting for review
                                       (these four: `article_history`)
    DELETE /api/articles/<id>          a draft never published thrown away; a
                                       document deleted from its folder (`discarding`)
    POST /api/articles/<id>/move       an article renamed in its folder, links to
                                       it changed where the caller may (`renaming`)
    POST /api/articles/<id>/discard-changes  the last published text current again
                                       (`discarding`)
    POST /api/preview                  Markdown → the HTML the article page shows

`GET /api/articles/<id>` (blueprint `articles_api`) answers content owners
with the stored article, its `version` and an `ETag`, drafts included. A PUT
names the version it is based on in `If-Match` (or `version` in the body);
an older one, or one of an article renamed or removed since, is refused with
412 and nothing changes. A PUT without either on an existing article gets
428, so no client overwrites by accident; an empty `If-Match` is a 400 naming
the header, as on the requests API (taken as absent, it would drop the check
a script with an unset `$ETAG` meant).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from kb.accounts.records import Role
from kb.authoring.files import id_parts
from kb.errors import PermissionDenied
from webapp import services
from webapp.auth.identity import require_user
from webapp.inputs import text_field
from webapp.json_body import json_object
from webapp.manage import article_history, discarding, forms, renaming, stored_articles
from webapp.manage.editor_warnings import PREVIEW_FIELDS
from webapp.manage.previews import preview_answer

bp = Blueprint("manage_api", __name__, url_prefix="/api")
stored_articles.register(bp)
article_history.register(bp)
discarding.register_api(bp)
renaming.register_api(bp)


@bp.before_request
def _allow_article_sized_bodies() -> None:
    settings = services.services().settings
    request.max_content_length = forms.body_limit(
        settings.max_file_bytes, settings.document_max_bytes
    )


@bp.post("/preview")
def preview() -> Response:
    actor = require_user()
    # Rendering some Markdown takes seconds (unbounded on a gthread worker, where
    # no timer can interrupt it): only those who write articles may ask for it.
    if not (actor.has_role(Role.ADMIN) or actor.has_role(Role.CONTENT_OWNER)):
        raise PermissionDenied(
            f"{actor.username} may not preview articles: only content owners and admins may",
            details={"user": actor.username, "action": "preview"},
            key="preview_who",
        )
    data = json_object("body", "id", "title", *PREVIEW_FIELDS)
    body = data.get("body")
    if not isinstance(body, str):
        raise forms.markdown_needed()
    article_id = text_field(data, "id", required=False) or "preview/preview.md"
    id_parts(article_id)  # an id a save would refuse (`../x`, `-0`) is a 400 here too
    title = text_field(data, "title", required=False, max_chars=forms.MAX_TITLE_CHARS)
    return jsonify(preview_answer(actor, {**data, "title": title}, article_id))
