"""The `articles` blueprint: one page per published article, and its feedback form.

Article URLs are the article ids: `/articles/hr/sick-leave.md`. The feedback
form posts here and redirects back (post/redirect/get), so voting works
without JavaScript.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from kb.authoring.reviews import is_overdue
from kb.errors import NotFoundError
from webapp import services
from webapp.articles import presenters
from webapp.articles.images import MAX_AGE_SECONDS, Sha256Converter, image_file
from webapp.articles.inputs import feedback_form
from webapp.articles.renamed import renamed_to
from webapp.search.event_log import record_feedback
from webapp.search.presenters import results_url
from webapp.security import local_path

bp = Blueprint("articles", __name__, url_prefix="/articles")


@bp.record_once
def _converters(state: BlueprintSetupState) -> None:
    # Before the routes are added: a picture's digest is never read from an article id.
    state.app.url_map.converters["sha256"] = Sha256Converter


@bp.get("/<path:article_id>")
def show(article_id: str) -> str | Response:
    try:
        view = presenters.article_view(article_id)
    except NotFoundError:
        # The old address of an article renamed since leads to its new one.
        if (target := renamed_to(article_id)) is None:
            raise
        query = request.query_string.decode("utf-8", "replace")
        return redirect(
            url_for("articles.show", article_id=target) + (f"?{query}" if query else "")
        )
    settings = services.services().settings
    came = presenters.opened_from(request.args, settings.max_query_chars)
    shown = came.shown
    review_note = settings.review_note_to_readers and is_overdue(
        view.article, datetime.now(UTC).date()
    )
    return render_template(
        "articles/article.html",
        view=view,
        article=view.article,
        review_note=review_note,
        search_id=came.search_id,
        search_ref=came.search_ref,
        query=came.query,
        results_url=results_url(shown) if shown else _searched_again(came.query),
        # An article that does not help leads on to its department, with the question.
        ask_url=url_for(
            "ask.index",
            q=shown.query if shown else came.query or None,
            department=view.article.department,
            sid=shown.id if shown else None,
            sref=came.search_ref or None,
        ),
        feedback_sent=request.args.get("feedback") == "thanks",
        edit_url=presenters.edit_url(view.article),
    )


def _searched_again(query: str) -> str:
    """The way back to the results of a search not logged: the words searched again."""
    return url_for("search.index", q=query) if query else ""


@bp.get("/<path:article_id>/original")
def original(article_id: str) -> Response:
    """The document's original file, always as a download: never shown inline, so
    an HTML or PDF original cannot run anything in the site's origin."""
    found = presenters.original_file(article_id)
    response = send_file(
        # send_file reads a relative path from the app's package folder, but the
        # index folder (`var/index` by default) is relative to the working one.
        found.path.absolute(),
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    # A restricted article's original must not wait in a shared cache for the
    # next caller: the reader's browser may keep it, nobody in between.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


@bp.get("/<path:article_id>/image/<sha256:digest>")
def image(article_id: str, digest: str) -> Response:
    """A picture of the article, from the snapshot: 404 for whoever may not read
    the article, as for a picture that does not exist."""
    found = image_file(presenters.visible_article(article_id), digest)
    response = send_file(
        found.path.absolute(),
        mimetype=found.image.media_type,
        etag=digest,
        conditional=True,
        max_age=MAX_AGE_SECONDS,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE_SECONDS}"
    response.headers.pop("Expires", None)
    response.vary.add("Cookie")
    return response


@bp.post("/<path:article_id>/feedback")
def feedback(article_id: str) -> Response:
    presenters.article_view(article_id)  # 404 for unknown articles
    form = feedback_form(request.form, services.services().settings.max_query_chars)
    record_feedback(
        article_id, form.helpful, form.comment, form.search_id, form.search_ref, form.query
    )
    target = local_path(request.form.get("next", "")) or url_for(
        "articles.show", article_id=article_id
    )
    return redirect(_with_thanks(target, form.search_id) + "#feedback", code=303)


def _with_thanks(target: str, search_id: int | None) -> str:
    """`target` with the thanks for the vote and the voted search's id (`sid`):
    the search page shows that search again without logging it twice."""
    parts = urlsplit(target)
    marker = {"feedback": "thanks"} | ({"sid": str(search_id)} if search_id is not None else {})
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in marker]
    return urlunsplit(("", "", parts.path, urlencode(kept + list(marker.items())), ""))
