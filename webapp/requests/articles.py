"""The article forms of a request's page, and the drafts page.

    POST /requests/<id>/article          turn a resolved request into a draft article
    POST /requests/<id>/article/append   add its resolution to an existing article
    POST /requests/<id>/publish          publish an article drafted from it
    GET  /requests/drafts/               drafts waiting to be published

Views of the `requests` blueprint (`register`), answered as the request
page's other forms are (`webapp.requests.acting`).
"""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.authoring import version_notes
from kb.errors import PermissionDenied, ValidationError
from kb.records import Status
from kb.requests.ledger import StaleRequestError
from kb.requests.permissions import is_admin
from kb.settings import Settings
from webapp import services
from webapp.auth.identity import require_user
from webapp.i18n import gettext
from webapp.request_checks import checks_own_form
from webapp.requests import presenters
from webapp.requests.acting import act, form_text
from webapp.requests.listing import cursor_arg, page_links
from webapp.requests.stale import page_version, refuse_stale
from webapp.services import content_root, request_service, writable_content_root


def register(bp: Blueprint) -> None:
    """Add the article forms and the drafts page to the `requests` blueprint `bp`."""
    bp.add_url_rule("/<int:request_id>/article", view_func=draft_article, methods=["POST"])
    bp.add_url_rule(
        "/<int:request_id>/article/append", view_func=append_to_article, methods=["POST"]
    )
    bp.add_url_rule("/<int:request_id>/publish", view_func=publish_article, methods=["POST"])
    bp.add_url_rule("/drafts/", view_func=drafts, methods=["GET"])


@checks_own_form
def draft_article(request_id: int) -> Response | tuple[str, int]:
    """Turn the resolved request into a draft article, made from its resolution.

    The form carries the version its page showed (`webapp.requests.stale`): a
    request reopened or answered anew since would otherwise be drafted from
    an answer the agent never saw. A second click finds the draft first and
    says so (the first click's draft changed the version of the page it was
    sent from)."""

    def draft(actor: User) -> None:
        root = writable_content_root()
        service = request_service()
        existing = service.existing_draft(actor, request_id, root)
        if existing is None:  # a second click or a stale page finds the draft: no copy
            try:
                refuse_stale(service, actor, request_id)
            except StaleRequestError:
                # Changed since the page: by another agent's draft of it, in the
                # same instant most likely; that draft is the answer then.
                if service.existing_draft(actor, request_id, root) is None:
                    raise
        drafted = service.articles.draft(actor, request_id, root)
        if drafted.created:
            flash(gettext("article_drafted", article=drafted.article_id), "success")
        else:
            flash(gettext("article_draft_exists", article=drafted.article_id), "info")

    return act(request_id, draft, anchor="#articles", versioned=False)


@checks_own_form
def append_to_article(request_id: int) -> Response | tuple[str, int]:
    """Add the resolution to an existing article instead of drafting a new one.

    Like "Turn into an article", the form carries the version its page showed:
    the text added is the resolution that page showed. A second click from the
    same page is told the answer is already there, and adds nothing. Every check
    comes before the article is written (`kb.requests.articles.add_to_article`):
    a refused form leaves the article and the request as they were."""
    article_id = form_text("article")

    def append(actor: User) -> None:
        service = request_service()
        service.get(actor, request_id)  # before the form's version: a 404 to who may not see it
        added = service.articles.add_to_article(
            actor, request_id, article_id, services.authoring(), page_version()
        )
        if added:
            flash(gettext("article_appended", article=article_id), "success")
        else:  # a second click from the same page: its version is stale by now
            flash(gettext("article_already_appended", article=article_id), "info")

    return act(request_id, append, anchor="#articles", versioned=False)


@checks_own_form
def publish_article(request_id: int) -> Response | tuple[str, int]:
    article_id = form_text("article")

    def publish(actor: User) -> None:
        service = request_service()
        linked = service.get(actor, request_id).linked_articles
        # A draft a content owner renamed since is published under its new name.
        if article_id not in linked and article_id not in map(service.articles.renamed, linked):
            raise ValidationError(
                f"article: {article_id!r} is not linked to request {request_id}",
                details={"field": "article", "value": article_id},
                key="not_linked",
                values={"value": article_id, "id": request_id},
            )
        # Through the authoring service: a version with its author, the
        # four-eyes rule, and the index worker make it searchable in seconds.
        services.authoring().set_status(
            actor,
            article_id,
            Status.PUBLISHED,
            base_version=None,
            message=version_notes.note("version_note_published_from_request", request=request_id),
        )
        service.record_published(actor, request_id, article_id)

    done = publish_done(services.services().settings)
    return act(request_id, publish, done, "#articles", versioned=False)


def publish_done(settings: Settings) -> str:
    """The note after publishing: searchable within seconds where this process's
    index worker indexes it (`index_on_change` = worker), else after `kb index`."""
    return "publish_done_now" if settings.index_on_change == "worker" else "publish_done"


def drafts() -> str:
    """Drafts waiting to be published, a page at a time (newest requests first).

    The page is the content owners' (and admins'): publishing is theirs. Anyone
    else is told so (403), not shown an empty list that reads as "nothing to
    do" to an agent whose drafts are in fact waiting."""
    actor = require_user()
    service = request_service()
    if not is_admin(actor) and not presenters.owned_departments(service, actor):
        raise PermissionDenied(
            "the drafts page lists articles drafted from requests for the content owners "
            "who publish them: it is for content owners and admins (a request's own draft "
            "is linked on its page); ask an admin for the role content_owner:<department>",
            details={"user": actor.username},
            key="drafts_who",
        )
    cursor = cursor_arg()
    page = presenters.drafts_to_publish(service, actor, content_root(), cursor)
    following, first_page = page_links(page, "requests.drafts")
    return render_template(
        "requests/drafts.html",
        found=page.items,
        following=following,
        first_page=first_page,
        # Each draft opens in the editor where the reader may publish it.
        editable=set(presenters.owned_departments(service, actor)),
        to_write_up=presenters.answered_without_article(service, actor) if not cursor else [],
    )
