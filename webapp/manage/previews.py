"""The editor's preview (`POST /api/preview`) and the HTML of a stored article
for the article API: the body as the article page shows it, with what a save
of the same fields would be warned of.

The Markdown is rendered once per preview: the HTML the preview shows and the
warnings (which `kb validate`'s reading takes from the rendered body: no
text, the pictures it shows) come from the same render
(`kb.content.markdown_article.parse_article`'s `rendered`). It is the body as
a save writes it (`saved_body`), so what the preview shows is what the saved
article's page will show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from markupsafe import Markup

from kb.accounts.records import User
from kb.authoring.markdown_file import check_body, saved_body
from kb.content.markdown_article import render_problem
from kb.content.markdown_text import RenderError
from kb.errors import ContentError
from kb.language import detect_language
from webapp.articles.sanitize import article_html, served_markdown
from webapp.manage.editor_page import link_warning
from webapp.manage.editor_warnings import preview_warnings, typed_fields, warnings_answer
from webapp.manage.pictures import preview_images


def render_preview(
    body: str, article_id: str, title: str, rendered: str | None = None, lang: str = ""
) -> str:
    """The body as the article page renders it below `title` ("": none yet): the
    same Markdown, headings (`kb.content.outline`), soft hyphens in long German
    words of its headings (`lang`, the `lang` field; else the language the
    indexer would detect) and sanitiser; `rendered`: its Markdown rendered
    already (`served_markdown`)."""

    def link(target: str) -> str:
        return url_for("articles.show", article_id=target)

    images = preview_images(article_id)
    try:
        shown = article_html(
            body,
            article_id,
            link,
            title=title,
            image_for=images,
            rendered=rendered,
            lang=lang or detect_language(f"{title}\n{body}"),
        )
    except RenderError as exc:  # a 422, as saving the same body is
        raise render_problem(exc, article_id) from None
    return str(shown)


def opening_preview(body: str, article_id: str, title: str, lang: str = "") -> Markup:
    """The preview of the text the editor opens with, in the page itself: filled
    only by the script's request after loading, the pane stayed empty right
    after Publish until the text was typed in again. Empty where the body
    cannot be rendered: the script's request says why."""
    try:
        return Markup(render_preview(body, article_id, title, lang=lang))  # nh3-sanitised
    except ContentError:
        return Markup()


def preview_answer(actor: User, data: Mapping[str, Any], article_id: str) -> dict[str, Any]:
    """`POST /api/preview`'s answer for the editor's fields in `data` (its `body`
    and `title` checked already): a field a save would refuse is a 400 before
    anything is rendered, a body a save would refuse a 422, as a save has them."""
    fields = typed_fields(data)
    check_body(fields.body, article_id)
    try:
        rendered = served_markdown(saved_body(fields.body))
    except RenderError as exc:
        raise render_problem(exc, article_id) from None
    warnings = preview_warnings(actor, fields, article_id, rendered)
    body = str(data["body"])
    return {
        "html": render_preview(
            body, article_id, str(data["title"] or ""), rendered, lang=fields.lang
        ),
        "link_warning": link_warning(body, article_id),
        # Warnings, not refusals: saving the same body and fields still works.
        "warnings": warnings_answer(warnings),
    }
