"""What the request pages and the JSON API show, assembled from the service's records.

What a reader may do on a request page (reply, reopen, change the status,
draft or publish an article) is the service's answer
(`RequestDetail.permissions`, from `kb.requests.permissions`), the same rules
its own checks apply: the buttons shown and the checks cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import url_for

from kb.accounts.records import Role, User
from kb.attachments.kinds import BY_NAME
from kb.attachments.records import Attachment
from kb.catalogue.templates import shown_value
from kb.content.markdown_article import read_status
from kb.errors import ContentError, NotFoundError, ValidationError
from kb.records import Status
from kb.requests import permissions
from kb.requests.drafting import article_path, read_article_file
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request
from kb.requests.serialize import entry_dict, request_dict, task_dict
from kb.requests.service import QueueItem, RequestDetail, RequestService
from webapp.departments import department_name
from webapp.i18n import current_language
from webapp.services import request_service

_S = RequestStatus


def request_json(request: Request) -> dict[str, Any]:
    """A request as the API answers it: its fields, its department's name and page."""
    return {
        **request_dict(request),
        "department_name": department_name(request.department),
        "url": url_for("requests.show", request_id=request.id),
    }


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """An attachment as the API answers it (not its text: that is for searching)."""
    kind = BY_NAME.get(attachment.kind)
    return {
        "id": attachment.id,
        "request_id": attachment.request_id,
        "entry_id": attachment.entry_id,
        "name": attachment.name,
        "kind": attachment.kind,
        "media_type": kind.media_type if kind else "application/octet-stream",
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_by": attachment.uploaded_by,
        "created": attachment.created.isoformat(),
        "visible_to_requester": attachment.visible_to_requester,
        "has_text": bool(attachment.text),
        "text_problem": attachment.text_problem or None,
        "url": url_for(
            "requests_api.download",
            request_id=attachment.request_id,
            attachment_id=attachment.id,
        ),
    }


def detail_json(detail: RequestDetail) -> dict[str, Any]:
    return {
        "request": request_json(detail.request),
        "history": [entry_dict(e) for e in detail.history],
        "tasks": [task_dict(s.task, blocked=s.blocked) for s in detail.tasks],
        "progress": {"done": detail.progress.done, "total": detail.progress.total},
        "overdue": detail.overdue,
        "can_work": detail.can_work,
    }


def queue_item_json(item: QueueItem) -> dict[str, Any]:
    return {**request_json(item.request), "overdue": item.overdue}


@dataclass(frozen=True)
class LinkedArticle:
    """An article linked to a request, with the status its file says now."""

    id: str
    status: str  # an article status (draft, review, published, retired), or missing


def article_status(content_root: Path, article_id: str) -> str:
    """The `status:` of an article file; "missing" when the file is gone or unreadable."""
    try:
        path = article_path(content_root, article_id)
        status = read_status(read_article_file(path, article_id), article_id)
    except (NotFoundError, ValidationError, ContentError, OSError):
        return "missing"
    return status.value


def linked_articles(request: Request, content_root: Path) -> list[LinkedArticle]:
    """The request's articles (drafted from it, or published since)."""
    return [LinkedArticle(a, article_status(content_root, a)) for a in request.linked_articles]


@dataclass(frozen=True)
class RequestPage:
    """A request page for one reader: the detail and what they may do."""

    detail: RequestDetail
    is_requester: bool
    can_work: bool
    can_reopen: bool
    can_close: bool
    next_statuses: list[str]
    can_draft: bool
    can_publish: bool
    articles: list[LinkedArticle]
    agents: list[str] = field(default_factory=list)
    departments: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of its fields
    attachments: list[Attachment] = field(default_factory=list)  # those the reader may see

    def attachments_of(self, entry_id: int | None) -> list[Attachment]:
        """The files that came with one history entry."""
        return [a for a in self.attachments if a.entry_id == entry_id]

    @property
    def request(self) -> Request:
        return self.detail.request


def form_values(service: RequestService, request: Request, lang: str) -> list[tuple[str, str]]:
    """The request's form as (label, value) pairs, as its requester filled it in; fields
    its type no longer declares keep their names."""
    if not request.fields:
        return []
    names = {slug: department_name(slug) for slug in service.departments}
    found = service.catalogue.types.get(request.request_type or "")
    shown = []
    for name, value in request.fields.items():
        spec = found.field(name) if found else None
        if spec is None:
            shown.append((name, str(value)))
        else:
            shown.append((spec.label_in(lang), shown_value(spec, value, lang, names)))
    return shown


def request_page(
    service: RequestService,
    actor: User,
    request_id: int,
    departments: list[tuple[str, str]],
    content_root: Path,
) -> RequestPage:
    detail = service.detail(actor, request_id)
    request = detail.request
    allowed = detail.permissions
    agents: list[str] = []
    if allowed.work:
        agents = sorted(
            u.username
            for u in service.store.list_users()
            if u.has_role(Role.AGENT, request.department)
        )
    return RequestPage(
        detail=detail,
        is_requester=allowed.is_requester,
        can_work=allowed.work,
        can_reopen=allowed.reopen,
        can_close=allowed.close,
        # Resolving has its own form (it needs the answer); reopening its own button.
        next_statuses=[
            s.value
            for s in _S
            if s in allowed.statuses
            and s not in (_S.RESOLVED, _S.CLOSED)
            and not (allowed.reopen and s is _S.IN_PROGRESS)
        ],
        # Once a draft exists the page links to it instead of offering another.
        can_draft=allowed.draft_article and not request.linked_articles,
        can_publish=allowed.publish_articles,
        articles=linked_articles(request, content_root),
        agents=agents,
        departments=[d for d in departments if d[0] != request.department],
        form=form_values(service, request, current_language()),
        attachments=service.attachments(actor, request_id),
    )


def queues_of(service: RequestService, actor: User) -> list[str]:
    """The queues `actor` works: their agent departments (every one for admins and
    agents of all departments), the triage queue included where it applies."""
    everything = [*sorted(service.departments), service.triage]
    if permissions.is_admin(actor):
        return everything
    mine = actor.departments(Role.AGENT)
    if mine is None:
        return everything
    return [d for d in everything if d in mine]


def owned_departments(service: RequestService, actor: User) -> list[str]:
    """Departments whose articles `actor` may publish."""
    return [d for d in sorted(service.departments) if permissions.owns_content(actor, d)]


@dataclass(frozen=True)
class DraftsOfRequest:
    request: Request
    drafts: list[LinkedArticle]


DRAFTS_SCAN_LIMIT = 500


def drafts_to_publish(
    service: RequestService, actor: User, content_root: Path
) -> list[DraftsOfRequest]:
    """Requests of the departments `actor` owns content for (newest first, the last
    500 of each) whose linked articles are still drafts."""
    found = []
    for department in owned_departments(service, actor):
        for request in service.store.list_requests(
            department=department, order_by="created", limit=DRAFTS_SCAN_LIMIT
        ):
            drafts = [
                a for a in linked_articles(request, content_root) if a.status == Status.DRAFT.value
            ]
            if drafts:
                found.append(DraftsOfRequest(request, drafts))
    return found


def department_choices() -> list[tuple[str, str]]:
    """(slug, name) of every department a request may go to; the triage queue last."""
    service = request_service()
    names = {slug: dept.name for slug, dept in service.departments.items()}
    ordered = sorted(names.items(), key=lambda item: item[1].casefold())
    return [*ordered, (service.triage, department_name(service.triage))]


def similar_article(page: RequestPage) -> tuple[str, str] | None:
    """(id, title) of an article of the request's department that already answers
    its question (a near-duplicate of the draft it would become), or None."""
    from kb.errors import KbError
    from kb.results import Query
    from webapp.services import engine

    request = page.request
    try:
        found = engine().search(Query(text=request.query, k=3, department=request.department))
    except KbError:
        return None
    if not found.answered or found.answer is None or not found.answer.id.endswith(".md"):
        return None
    if found.answer.department != request.department:
        return None
    return found.answer.id, found.answer.title


def excerpt(text: str, query: str, width: int = 160) -> str:
    """About `width` characters of `text` around the first word of `query` found
    in it (case ignored; the start when none is), for a search result."""
    flat = " ".join(text.split())
    lowered = flat.casefold()
    found = [i for i in (lowered.find(w) for w in query.casefold().split()) if i >= 0]
    start = max(min(found, default=0) - width // 3, 0)
    cut = flat[start : start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(flat) else "")
