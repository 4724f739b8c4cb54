"""The text of a draft drafted from a request (`draft_text` in templates), shown
beside the request page's Publish so that a content owner reads what they
publish: the button publishes the file as it is, unseen otherwise."""

from __future__ import annotations

from flask import Blueprint

from kb.authoring.files import read_text
from kb.authoring.markdown_file import split_text
from kb.authoring.records import ArticleFields
from kb.errors import KbError
from webapp import services


def draft_text(article_id: str) -> ArticleFields | None:
    """The draft's title and Markdown body; None when its file is gone or cannot
    be read (the page then names it missing, as it does already)."""
    settings = services.services().settings
    try:
        text = read_text(services.content_root(), article_id, settings.max_file_bytes)
        if text is None:
            return None
        fields, _ = split_text(text, article_id)
    except (KbError, OSError):
        return None
    return fields


def register(bp: Blueprint) -> None:
    """Offer `draft_text` to every template of the app, as `bp` is registered."""
    bp.add_app_template_global(draft_text, "draft_text")
