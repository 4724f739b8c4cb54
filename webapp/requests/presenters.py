"""What the request pages and the JSON API show, assembled from the service's records:
requests and attachments as JSON, the queues an agent works, drafts waiting
for a content owner, times left to due dates. The request page itself is
`webapp.requests.page`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import url_for

from kb.accounts.records import Role, User
from kb.attachments.kinds import BY_NAME
from kb.attachments.records import Attachment
from kb.content.markdown_article import read_status
from kb.errors import ContentError, KbError, NotFoundError, ValidationError
from kb.notify.config import NotifyConfig
from kb.records import Status
from kb.requests import permissions
from kb.requests.bulk import BulkResult
from kb.requests.canned import FilledReply
from kb.requests.department_moves import orphaned, removed_queue
from kb.requests.drafting import read_article_file
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Page, PageKey, Paging, RequestList
from kb.requests.permissions import RequestPermissions
from kb.requests.records import Request, RequestEntry
from kb.requests.serialize import entry_dict, request_dict, task_dict
from kb.requests.service import QueueItem, RequestDetail, RequestService
from kb.store.department_moves import DepartmentUse
from webapp.articles.presenters import visible_article
from webapp.auth.identity import current_user
from webapp.departments import department_name, in_name_order
from webapp.errors import message_for
from webapp.i18n import gettext
from webapp.services import request_service

_S = RequestStatus


def request_json(request: Request) -> dict[str, Any]:
    """A request as the API answers it: its fields, its department's name and page.
    Its linked articles are those the caller may read, unless the caller works its
    queue or owns its department's content (as the request page shows them).
    Its watchers are those whose watch is in effect (`current_watchers`)."""
    row = {
        **request_dict(request_service().current_watchers(request)),
        "department_name": department_name(request.department),
        "url": url_for("requests.show", request_id=request.id),
        "version": request.version,  # what If-Match and a bulk change's items name
    }
    if request.linked_articles and not _sees_ids_of(request):
        readable = readable_articles(request)
        row["linked_articles"] = [a for a in request.linked_articles if a in readable]
    return row


def own_request_json(request: Request) -> dict[str, Any]:
    """One of the caller's own requests as the API lists them: `request_json`
    and whether an answer came they have not seen (`kb.requests.answers`)."""
    return {**request_json(request), "new_answer": request.has_new_answer}


def sees_article_ids(allowed: RequestPermissions) -> bool:
    """Whether a reader sees a request's linked articles by id and status (whoever
    works its queue or owns its department's content: drafts are theirs to see);
    everyone else sees only the articles they may read, by title."""
    return allowed.work or allowed.publish_articles


def _sees_ids_of(request: Request) -> bool:
    user = current_user()
    if user is None:
        return False
    return permissions.works_queue(user, request.department) or permissions.owns_content(
        user, request.department
    )


def readable_articles(request: Request) -> dict[str, str]:
    """Id → title of the request's linked articles the signed-in reader may read,
    as the article page decides (published, and their groups in its audience):
    a draft, a retired or a restricted article is left out, not named."""
    found = {}
    for article_id in request.linked_articles:
        try:
            found[article_id] = visible_article(article_id).title
        except KbError:  # not published, not theirs to read, or the index away
            continue
    return found


def shown_history(detail: RequestDetail, readable: Mapping[str, str] | None) -> list[RequestEntry]:
    """The history a reader sees: for a reader who sees titles (`readable` not
    None), an article's entry only where they may read the article."""
    if readable is None:
        return list(detail.history)
    return [
        e
        for e in detail.history
        if e.kind != "article" or str(e.data.get("article", "")) in readable
    ]


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
    readable = None if sees_article_ids(detail.permissions) else readable_articles(detail.request)
    return {
        "request": request_json(detail.request),
        "history": [entry_dict(e) for e in shown_history(detail, readable)],
        "tasks": [task_dict(s.task, blocked=s.blocked) for s in detail.tasks],
        "progress": {"done": detail.progress.done, "total": detail.progress.total},
        "overdue": detail.overdue,
        "can_work": detail.can_work,
        "permissions": permissions_json(detail.permissions),
    }


def permissions_json(allowed: RequestPermissions) -> dict[str, Any]:
    """What the caller may do with the request now (the service's answer)."""
    return {
        "statuses": sorted(s.value for s in allowed.statuses),
        "reopen": allowed.reopen,
        "close": allowed.close,
        "resolve": allowed.resolve,
        "work": allowed.work,
        "internal_notes": allowed.internal_notes,
        "attach": allowed.attach,
        "reply": allowed.reply,
        "rate": allowed.rate,
        "watch": allowed.watch,
        "merge": allowed.merge,
        "assign": allowed.assign,
        "reassign": allowed.reassign,
    }


def bulk_json(result: BulkResult, lang: str) -> dict[str, Any]:
    error = result.error
    return {
        "id": result.request_id,
        "ok": result.ok,
        "error": None
        if error is None
        else {"code": error.code, "message": message_for(error, lang), "details": error.details},
    }


def queue_item_json(item: QueueItem) -> dict[str, Any]:
    return {**request_json(item.request), "overdue": item.overdue}


def canned_json(filled: FilledReply) -> dict[str, Any]:
    """A canned reply for the API: `ref` names it as the request page does
    (`?canned=<ref>`), `id` alone being ambiguous across two queues."""
    reply = filled.reply
    return {
        "id": reply.id,
        "department": reply.department,
        "ref": filled.key,
        "title": filled.title,
        "text": filled.text,
    }


@dataclass(frozen=True)
class LinkedArticle:
    """An article linked to a request, with the status its file says now."""

    id: str
    status: str  # an article status (draft, review, published, retired), or missing
    was: str = ""  # the id the request links, for one a content owner renamed since


def draft_owners(history: Sequence[RequestEntry], config: NotifyConfig) -> dict[str, str]:
    """Article id → how the content owners who publish a draft written from the
    request heard of it, as its history entry names them (`owners`): "told" (an
    e-mail went to one besides who wrote it), "untold" (e-mail off, or none
    has an address) or "none" (the department has no content owner). A draft
    relinked under its new name keeps its old name's; one drafted before the
    entry named them is left out."""
    found: dict[str, str] = {}
    for entry in history:
        article = str(entry.data.get("article") or "")
        if entry.kind != "article" or not article:
            continue
        old = str(entry.data.get("renamed_from") or "")
        if old in found:
            found[article] = found.pop(old)
        owners = entry.data.get("owners")
        if not isinstance(owners, list):
            continue
        others = [str(o) for o in owners if o != entry.actor]
        if not owners:
            found[article] = "none"
        elif config.mail_enabled and any(config.requester_address(o) for o in others):
            found[article] = "told"
        else:
            found[article] = "untold"
    return found


def article_status(content_root: Path, article_id: str) -> str:
    """The `status:` of an article file; "missing" when the file is gone or unreadable."""
    try:
        status = read_status(read_article_file(content_root, article_id), article_id)
    except (NotFoundError, ValidationError, ContentError, OSError):
        return "missing"
    return status.value


def linked_articles(
    request: Request, content_root: Path, renamed: Callable[[str], str | None] = lambda _: None
) -> list[LinkedArticle]:
    """The request's articles (drafted from it, or published since); one whose file
    is gone because a content owner renamed it (`renamed`: the id it has now) under
    its new id, so that its page and the drafts page still list and publish it."""
    found = []
    for article_id in request.linked_articles:
        status = article_status(content_root, article_id)
        now = renamed(article_id) if status == "missing" else None
        if now is None:
            found.append(LinkedArticle(article_id, status))
        else:
            found.append(LinkedArticle(now, article_status(content_root, now), was=article_id))
    return found


def queues_of(service: RequestService, actor: User) -> list[str]:
    """The queues `actor` works: their agent departments (every one for admins and
    agents of all departments), the triage queue included where it applies."""
    everything = [*in_name_order(service.departments), service.triage]
    if permissions.is_admin(actor):
        return everything
    mine = actor.departments(Role.AGENT)
    if mine is None:
        return everything
    return [d for d in everything if d in mine]


def orphaned_queues(service: RequestService, actor: User) -> list[DepartmentUse]:
    """For an admin, the departments requests or tasks still name that the content
    root no longer has (a folder renamed or removed): in no queue anyone is
    offered until `kb requests move-department` moves them."""
    if not permissions.is_admin(actor):
        return []
    return orphaned(service.store, service.departments, service.triage)


def removed_queue_of(service: RequestService, actor: User, department: str) -> DepartmentUse | None:
    """For an admin, what still names `department` when its folder is gone (the
    queue page is then read-only and says how to move it); None otherwise."""
    if not permissions.is_admin(actor):
        return None
    return removed_queue(service.store, service.departments, service.triage, department)


def owned_departments(service: RequestService, actor: User) -> list[str]:
    """Departments whose articles `actor` may publish."""
    return [d for d in sorted(service.departments) if permissions.owns_content(actor, d)]


@dataclass(frozen=True)
class DraftsOfRequest:
    request: Request
    drafts: list[LinkedArticle]


# The drafts page reads linked requests this many at a time, newest first, until
# it has a page's worth of drafts or has read DRAFTS_SCAN_PAGES of them; where
# it stopped, its "Older requests" link goes on (a cursor): nothing is cut off.
DRAFTS_PAGE = 25
DRAFTS_SCAN_PAGES = 20


def drafts_to_publish(
    service: RequestService, actor: User, content_root: Path, cursor: str | None = None
) -> Page[DraftsOfRequest]:
    """Requests of the departments `actor` owns content for (newest first) whose
    linked articles are still drafts: a page of about `DRAFTS_PAGE`, from the
    request `cursor` names (`total` counts this page's); `next_key` where more
    requests with articles follow."""
    owned = owned_departments(service, actor)
    if not owned:
        return Page([], 0, 0, False, None)
    wanted = RequestList(departments=tuple(owned), linked_only=True, order_by="created")
    after = Paging(DRAFTS_PAGE, cursor=cursor).key("created")
    found: list[DraftsOfRequest] = []
    for _ in range(DRAFTS_SCAN_PAGES):
        read = service.store.page_requests(wanted, DRAFTS_PAGE, after=after)
        for request in read.items:
            drafts = [
                a
                for a in linked_articles(request, content_root, service.articles.renamed)
                if a.status == Status.DRAFT.value
            ]
            if drafts:
                found.append(DraftsOfRequest(request, drafts))
        after = read.next_key if isinstance(read.next_key, PageKey) else None
        if after is None or len(found) >= DRAFTS_PAGE:
            break
    return Page(found, len(found), 0, after is not None, after)


# The drafts page also offers this many answered requests that no article was
# drafted from yet, newest first.
TO_WRITE_UP = 10


def answered_without_article(service: RequestService, actor: User) -> list[Request]:
    """Answered requests (resolved or closed, with an answer a person wrote, not
    merged into another) of the departments `actor` owns content for that no article was
    drafted from yet, newest first, at most `TO_WRITE_UP`: what the drafts page
    offers to turn into articles. Content owners work no queue, so without it
    they had no way to the requests whose "Turn into an article" is theirs."""
    owned = owned_departments(service, actor)
    if not owned:
        return []
    answered = (RequestStatus.RESOLVED, RequestStatus.CLOSED)
    wanted = RequestList(departments=tuple(owned), status=answered, order_by="created")
    found: list[Request] = []
    after: PageKey | None = None
    for _ in range(DRAFTS_SCAN_PAGES):
        read = service.store.page_requests(wanted, DRAFTS_PAGE, after=after)
        found += [
            r
            for r in read.items
            if permissions.has_answer(r) and not r.linked_articles and r.merged_into is None
        ]
        after = read.next_key if isinstance(read.next_key, PageKey) else None
        if after is None or len(found) >= TO_WRITE_UP:
            break
    return found[:TO_WRITE_UP]


def department_choices() -> list[tuple[str, str]]:
    """(slug, name) of every department a request may go to; the triage queue last."""
    service = request_service()
    names = {slug: department_name(slug) for slug in service.departments}
    ordered = sorted(names.items(), key=lambda item: item[1].casefold())
    return [*ordered, (service.triage, department_name(service.triage))]


def excerpt(text: str, query: str, width: int = 160) -> str:
    """About `width` characters of `text` around the first word of `query` found
    in it (case ignored; the start when none is), for a search result."""
    flat = " ".join(text.split())
    lowered = flat.casefold()
    found = [i for i in (lowered.find(w) for w in query.casefold().split()) if i >= 0]
    start = max(min(found, default=0) - width // 3, 0)
    cut = flat[start : start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(flat) else "")


def time_left(due: datetime | None, now: datetime) -> str:
    """How long until `due` ("in 3 h 20 min", "in 2 days") or how long past it
    ("1 h 5 min overdue"), in wall-clock time, in the reader's language."""
    if due is None:
        return ""
    seconds = (due - now).total_seconds()
    late = seconds < 0
    minutes = int(abs(seconds) // 60)
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        amount = gettext("span_days", n=round(hours / 24))
    elif hours:
        amount = gettext("span_hours", h=hours, m=rest)
    else:
        amount = gettext("span_minutes", m=max(rest, 1))
    return gettext("overdue_by" if late else "due_in", span=amount)
