"""The request page: what one reader sees of a request and may do with it.

What a reader may do (reply, attach, rate, reopen, watch, merge, change the
status, draft or publish an article) is the service's answer
(`RequestDetail.permissions`, from `kb.requests.permissions`), the same rules
its own checks apply: the buttons shown and the checks cannot disagree.
Agents (of its queue or of one of its tasks) read it in their words and get
their department's canned replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kb.accounts.records import Role, User
from kb.attachments.records import Attachment
from kb.catalogue.fields import FieldType
from kb.catalogue.templates import shown_value
from kb.errors import NotFoundError
from kb.requests.canned import FilledReply
from kb.requests.lifecycle import RequestStatus
from kb.requests.permissions import RequestPermissions, works_queue
from kb.requests.records import Request, RequestEntry
from kb.requests.service import RequestDetail, RequestService
from webapp.departments import department_name
from webapp.i18n import current_language, format_date
from webapp.requests.presenters import (
    LinkedArticle,
    draft_owners,
    linked_articles,
    readable_articles,
    sees_article_ids,
    shown_history,
)

_S = RequestStatus


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
    agents: list[str] = field(default_factory=list)  # the assignee list: see assignee_choices
    departments: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of its fields
    attachments: list[Attachment] = field(default_factory=list)  # those the reader may see
    canned: list[FilledReply] = field(default_factory=list)  # the agents' ready replies
    reply_text: str = ""  # the reply box's text (a canned reply chosen)
    back_queue: str = ""  # the queue the reader works it from; empty: My requests
    # Id → title of the linked articles the reader may read, for readers who see
    # titles (the requester, watchers, a task's agents); None for those who work
    # the request or own its department's content, who see ids and statuses.
    readable: dict[str, str] | None = None
    # Article id → whether the content owners who publish a draft of it were told
    # (`presenters.draft_owners`), said to who may not open the draft.
    draft_owners: dict[str, str] = field(default_factory=dict)
    # The request it was merged into is one the reader may open (its conversation
    # goes on there); False also when it was not merged.
    merged_open: bool = False
    # Its assignee names no account (one renamed or removed before the store
    # refused such assignments): shown as such, and the list offers nobody.
    assignee_missing: bool = False
    # Department → its agents, for the tasks the reader may hand over (of their
    # departments): whom the hand-over list offers.
    task_agents: dict[str, list[str]] = field(default_factory=dict)

    @property
    def allowed(self) -> RequestPermissions:
        return self.detail.permissions

    @property
    def agent_view(self) -> bool:
        """The reader works the request's queue: agents' words (also on a merged
        duplicate, which takes no more notes)."""
        return self.allowed.work

    @property
    def replies_as_agent(self) -> bool:
        """The reader's reply box is an agent's ("Reply to the requester"): they work
        its queue or one of its tasks (whoever may write internal notes)."""
        return self.agent_view or self.allowed.internal_notes

    @property
    def status_kind(self) -> str:
        """The words the page names statuses in: the requester's ("Waiting for
        you") for the requester alone; everyone else reads those of the people
        who work it ("Waiting for the requester"), in the badge and the history."""
        return "status" if self.is_requester and not self.agent_view else "agent_status"

    @property
    def reopen_expired(self) -> bool:
        """The requester may no longer reopen it: the window has passed."""
        req = self.request
        return (
            self.is_requester
            and not req.status.is_open
            and req.merged_into is None
            and not self.can_reopen
        )

    @property
    def history(self) -> list[RequestEntry]:
        """The history the reader sees: for a reader who sees titles, an article's
        entry only where they may read the article."""
        return shown_history(self.detail, self.readable)

    @property
    def resolved_by(self) -> str:
        """Who gave the answer the page shows: the author of the latest resolution
        ("" when it was not resolved, or by the product's own rule)."""
        if not self.request.resolution:
            return ""
        found = [e for e in self.detail.history if e.kind == "resolution"]
        if not found or found[-1].data.get("automatic"):
            return ""
        return found[-1].actor

    def attachments_of(self, entry_id: int | None) -> list[Attachment]:
        """The files that came with one history entry."""
        return [a for a in self.attachments if a.entry_id == entry_id]

    @property
    def request(self) -> Request:
        return self.detail.request


def form_values(service: RequestService, request: Request, lang: str) -> list[tuple[str, str]]:
    """The request's form as (label, value) pairs, as its requester filled it in, in
    the form's order (the store keeps the values by name, sorted); fields its type no
    longer declares keep their names and come last. Dates read as the page's
    other dates do, in its language (summaries and task titles keep `YYYY-MM-DD`)."""
    if not request.fields:
        return []
    names = {slug: department_name(slug) for slug in service.departments}
    found = service.catalogue.types.get(request.request_type or "")
    order = {spec.name: i for i, spec in enumerate(found.fields)} if found else {}
    shown = []
    for name in sorted(request.fields, key=lambda n: order.get(n, len(order))):
        value = request.fields[name]
        spec = found.field(name) if found else None
        if spec is None:
            shown.append((name, str(value)))
        elif spec.type is FieldType.DATE:
            shown.append((spec.label_in(lang), _shown_date(value, lang)))
        else:
            shown.append((spec.label_in(lang), shown_value(spec, value, lang, names)))
    return shown


def _shown_date(value: object, lang: str) -> str:
    """A date field's value as the page writes its other dates ("15. Januar 2027");
    the value as stored (`YYYY-MM-DD`) where it is no date."""
    try:
        return format_date(lang, date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def assignee_choices(service: RequestService, request: Request) -> list[str]:
    """The names the assignee list offers: the queue's agents and whoever holds the
    request now. An admin, say, may be assigned by name or through the API without
    being an agent; left out, the list showed "nobody" and sending it unchanged
    unassigned them."""
    names = {
        u.username for u in service.store.list_users() if u.has_role(Role.AGENT, request.department)
    }
    if request.assignee and service.store.get_user(request.assignee) is not None:
        names.add(request.assignee)
    return sorted(names)


def task_agents(
    service: RequestService, actor: User, detail: RequestDetail
) -> dict[str, list[str]]:
    """The agents of each department whose open task `actor` works, by department:
    those a task may be handed over to (`kb.requests.task_holders`)."""
    departments = {
        s.task.department
        for s in detail.tasks
        if not s.task.status.is_finished and works_queue(actor, s.task.department)
    }
    if not departments or not detail.request.status.is_open:
        return {}
    users = service.store.list_users()
    return {d: sorted(u.username for u in users if u.has_role(Role.AGENT, d)) for d in departments}


def _may_open(service: RequestService, actor: User, request_id: int | None) -> bool:
    """Whether `actor` may open request `request_id` (None: there is none)."""
    if request_id is None:
        return False
    try:
        service.get(actor, request_id)
    except NotFoundError:
        return False
    return True


def page_of(
    service: RequestService,
    actor: User,
    request_id: int,
    departments: list[tuple[str, str]],
    content_root: Path,
    chosen: str = "",
) -> RequestPage:
    """The page of one request for `actor`; `chosen` names a canned reply to start
    the reply from."""
    detail = service.detail(actor, request_id)
    request = detail.request
    allowed = detail.permissions
    canned = service.canned_replies(actor, request_id, current_language())
    agents = assignee_choices(service, request) if allowed.work else []
    sees_ids = sees_article_ids(allowed)
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
        articles=linked_articles(request, content_root, service.articles.renamed)
        if sees_ids
        else [],
        readable=None if sees_ids else readable_articles(request),
        draft_owners=draft_owners(detail.history, service.notifier.config) if sees_ids else {},
        agents=agents,
        departments=[d for d in departments if d[0] != request.department],
        form=form_values(service, request, current_language()),
        attachments=service.attachments(actor, request_id),
        canned=canned,
        reply_text=next((c.text for c in canned if chosen and c.chosen_by(chosen)), ""),
        back_queue=_back_queue(actor, detail),
        merged_open=_may_open(service, actor, request.merged_into),
        assignee_missing=bool(request.assignee)
        and service.store.get_user(request.assignee or "") is None,
        task_agents=task_agents(service, actor, detail),
    )


def _back_queue(actor: User, detail: RequestDetail) -> str:
    """The queue a reader who works the request came from: its own, or that of the
    reader's task in it (an agent of IT on an HR onboarding); "" for its requester,
    whose way back is My requests, where the request is listed."""
    if detail.can_work:
        return detail.request.department
    if detail.permissions.is_requester:
        return ""
    return next(
        (t.task.department for t in detail.tasks if works_queue(actor, t.task.department)), ""
    )


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
