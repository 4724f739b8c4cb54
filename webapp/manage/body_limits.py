"""How large a body the content owners' pages take: the app's 64 KiB limit is
for questions and votes; the editor, the document and picture uploads take
an article, a document or a picture (`forms.body_limit`)."""

from __future__ import annotations

from flask import Flask, request

from webapp import services
from webapp.manage import forms


def allow_article_sized_bodies() -> None:
    # The app's 64 KiB limit is for questions and votes; an article may be as
    # large as max_file_bytes (plus the other fields of the form).
    if request.blueprint not in (
        "manage",
        "manage_documents",
        "manage_pictures",
        "manage_pictures_api",
    ):
        return
    s = services.services().settings
    limit = forms.body_limit(s.max_file_bytes, s.document_max_bytes, s.image_max_bytes)
    request.max_content_length = limit
    request.max_form_memory_size = min(limit, s.max_file_bytes + forms.FORM_ROOM)


def init_app(app: Flask) -> None:
    # For the whole app, before anything reads a form (the NUL and CSRF checks):
    # a blueprint's own hook runs after the app's, when the form was already
    # read under the 64 KiB limit.
    app.before_request(allow_article_sized_bodies)
