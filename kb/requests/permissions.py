"""Who may see and change which request: the one place the rules live.

* Everyone signed in is an employee: they may file requests, and see, comment
  on, reopen or close their own.
* An agent of a department works that department's queue: every request
  routed there, and the tasks of value-stream requests it owns. An agent
  grant without a department covers every queue (the triage queue included).
* A content owner of a department may read that department's requests, turn
  the resolved ones into draft articles and publish its drafts; replying to
  the requester is the agents' (and the requester's) part.
* Internal notes (and internal attachments) belong to the owning queue: agents
  of a value-stream task's department see the request and its visible
  history, not what the owning department noted for itself. They write
  internal notes too, read by the owning queue and their own department
  (`kb.requests.internal_notes`).
* A duplicate merged into another request is closed for good: it takes no
  more replies, internal notes or files (`refuse_merged`), and its status,
  assignee, queue and tasks stay as the merge left them
  (`refuse_merged_change`); its requester, a watcher of the other request
  since the merge, replies there, and its agents work that one.
* Admins may do everything.
* Someone who may not see a request is told it does not exist (`hidden`), so
  request numbers reveal nothing.

`permissions_for` answers "what may this actor do with this request" as a
`RequestPermissions`; the service checks every change against it (the
`require_*` functions, which raise `PermissionDenied` saying who may do what
was asked) and the request page shows exactly the actions it allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kb.accounts.records import Grant, Role, User
from kb.errors import ConflictError, NotFoundError, PermissionDenied
from kb.requests import entry_notes
from kb.requests.lifecycle import TRANSITIONS, RequestStatus
from kb.requests.records import Request
from kb.requests.stream_answers import resolved_by_tasks

_S = RequestStatus


def is_admin(user: User) -> bool:
    return user.has_role(Role.ADMIN)


def works_queue(user: User, department: str) -> bool:
    """True when `user` is an agent of `department` (or an admin)."""
    return is_admin(user) or user.has_role(Role.AGENT, department)


def owns_content(user: User, department: str) -> bool:
    """True when `user` is a content owner of `department` (or an admin)."""
    return is_admin(user) or user.has_role(Role.CONTENT_OWNER, department)


def is_requester(user: User, request: Request) -> bool:
    return user.username == request.requester


def can_view(user: User, request: Request, task_departments: Iterable[str] = ()) -> bool:
    """The requester and the watchers it or an agent added, agents of its
    department or of one of its tasks, content owners of its department, and
    admins. A watch someone made of themselves lets them read nothing more."""
    return (
        is_requester(user, request)
        or request.reads_as_watcher(user.username)
        or works_queue(user, request.department)
        or owns_content(user, request.department)
        or any(works_queue(user, d) for d in task_departments)
    )


@dataclass(frozen=True)
class ReopenWindow:
    """How long after resolving (or closing) a requester may still reopen: `days`
    (setting `reopen_days`) counted from `resolved_at`, else from the last change."""

    now: datetime
    days: int

    def open_for(self, request: Request) -> bool:
        since = request.resolved_at or request.updated
        return self.now - since <= timedelta(days=self.days)


def requester_moves(
    request: Request, window: ReopenWindow | None = None
) -> frozenset[RequestStatus]:
    """What a requester may do with their own request's status: reopen a resolved
    or closed one (to in_progress) within the window, and close it. A duplicate
    merged into another request stays closed."""
    allowed = TRANSITIONS[request.status]
    moves = {_S.CLOSED} & allowed
    reopenable = request.merged_into is None and (window is None or window.open_for(request))
    if not request.status.is_open and _S.IN_PROGRESS in allowed and reopenable:
        moves.add(_S.IN_PROGRESS)
    return frozenset(moves)


@dataclass(frozen=True)
class RequestPermissions:
    """What one actor may do with one request now."""

    view: bool
    is_requester: bool
    work: bool  # agent of the request's queue: reads all of it, in the agents' words
    internal_notes: bool  # agents of its queue or tasks: write internal notes (not if merged)
    statuses: frozenset[RequestStatus]  # status moves allowed now (resolving included)
    reopen: bool  # take a resolved or closed request back to in_progress
    close: bool
    draft_article: bool
    publish_articles: bool
    attach: bool = False  # add files (the requester, and agents of its queues)
    rate: bool = False  # rate the answer (the requester, once resolved)
    # Add and remove others as watchers: the requester and agents of its own queue
    # (not of its tasks' departments: a watcher reads it as its requester does).
    watch: bool = False
    merge: bool = False  # merge it into another request as a duplicate (its agents)
    reply: bool = False  # visible replies: the requester, agents of its queue or tasks
    # Whose request was merged into this one: they reply here as its requester does.
    joined: bool = False
    assign: bool = False  # assign or unassign it: agents of its queue, unless merged
    reassign: bool = False  # move it to another queue: agents of its queue, unless merged

    @property
    def resolve(self) -> bool:
        return _S.RESOLVED in self.statuses


def permissions_for(
    actor: User,
    request: Request,
    task_departments: Iterable[str] = (),
    window: ReopenWindow | None = None,
    merged_requesters: Iterable[str] = (),
    tasks_open: bool = False,
) -> RequestPermissions:
    """Everything `actor` may do with `request` (whose tasks are in `task_departments`;
    a requester reopens only within `window`; `merged_requesters` filed the
    duplicates merged into it; `tasks_open`: some of its value-stream tasks are
    unfinished, so that the last of them resolves it, not an agent).

    A merged duplicate takes no more replies, notes or files, and no status move,
    assignment or move to another queue: its conversation and its work go on in
    the request it was merged into. Its requester, made a watcher of that one
    by the merge, replies there (as long as they still watch it)."""
    departments = list(task_departments)
    work = works_queue(actor, request.department)
    requester = is_requester(actor, request)
    merged = request.merged_into is not None
    if merged:
        statuses: frozenset[RequestStatus] = frozenset()
    elif work:
        statuses = TRANSITIONS[request.status]
    elif requester:
        statuses = requester_moves(request, window)
    else:
        statuses = frozenset()
    if tasks_open:
        statuses = statuses - {_S.RESOLVED}
    answered = has_answer(request)
    owns = owns_content(actor, request.department)
    task_agent = any(works_queue(actor, d) for d in departments)
    joined = request.reads_as_watcher(actor.username) and actor.username in set(merged_requesters)
    talks = (requester or work or task_agent or joined) and not merged
    return RequestPermissions(
        view=can_view(actor, request, departments),
        is_requester=requester,
        work=work,
        internal_notes=(work or task_agent) and not merged,
        statuses=frozenset(statuses),
        reopen=_S.IN_PROGRESS in statuses and not request.status.is_open,
        close=_S.CLOSED in statuses,
        draft_article=answered and (work or owns),
        publish_articles=owns,
        attach=talks,
        reply=talks,
        joined=joined,
        rate=requester and request.resolved_at is not None and request.merged_into is None,
        watch=requester or work,
        merge=work and request.status.is_open and not merged,
        assign=work and not merged,
        reassign=work and not merged,
    )


def sees_internal(user: User, request: Request) -> bool:
    """Whether `user` may read the request's internal notes and attachments."""
    return works_queue(user, request.department)


def hidden(request_id: int) -> NotFoundError:
    """What someone who may not see a request is told: the same as for a request
    that does not exist."""
    return NotFoundError(
        f"no request with id {request_id!r}",
        details={"id": request_id},
        key="no_request",
        values={"id": request_id},
    )


def require_view(user: User, request: Request, task_departments: Iterable[str] = ()) -> None:
    """NotFoundError (as for an unknown id) unless `user` may see the request."""
    if not can_view(user, request, task_departments):
        assert request.id is not None
        raise hidden(request.id)


def refuse_merged(request: Request, what: str) -> None:
    """409 for a reply, an internal note or files sent to a merged duplicate: they
    would stay where nobody working the other request reads them. Nothing is
    saved; the message names the request to write on (its number is on the
    duplicate's page already)."""
    if request.merged_into is None:
        return
    raise ConflictError(
        f"request {request.id} was merged into request {request.merged_into} and takes no "
        f"more {what}; nothing was saved: write on request {request.merged_into}, where "
        "its answer comes",
        details={"request": request.id, "reason": "merged", "into": request.merged_into},
        key="reply_merged",
        values={"id": request.id, "into": request.merged_into},
    )


def refuse_merged_change(request: Request, what: str) -> None:
    """409 for a change of a merged duplicate's status, assignee, queue or tasks
    (by anyone, its requester and agents alike): it stays closed, as the merge
    left it, so that one request carries the work and the answer. Reopening it
    would leave two open requests for one question; assigning or moving it
    would put a request nobody works on in a queue. Nothing is changed; the
    message names the request to work on."""
    if request.merged_into is None:
        return
    raise ConflictError(
        f"request {request.id} was merged into request {request.merged_into} and stays "
        f"closed; its {what} cannot change. Nothing was changed: work on request "
        f"{request.merged_into}",
        details={"request": request.id, "reason": "merged", "into": request.merged_into},
        key="change_merged",
        values={"id": request.id, "into": request.merged_into},
    )


def require_reply(user: User, request: Request, allowed: bool) -> None:
    refuse_merged(request, "replies")
    if not allowed:
        raise PermissionDenied(
            f"{user.username} may not reply on request {request.id}: replies to the "
            f"requester come from agents of {request.department}; content owners read "
            "requests and turn answers into articles",
            details={"request": request.id, "user": user.username, "action": "reply"},
            key="reply_who",
            values={"id": request.id, "department": request.department},
        )


def require_agent(user: User, request: Request, what: str) -> None:
    """Refuse unless `user` works the queue the request is in."""
    if not works_queue(user, request.department):
        raise PermissionDenied(
            f"{user.username} may not {what} request {request.id}: only agents of "
            f"{request.department} and admins may; ask an admin for the role "
            f"agent:{request.department}",
            details={"request": request.id, "user": user.username, "action": what},
            key="agent_who",
            values={
                "id": request.id,
                "department": request.department,
                "role": Grant(role=Role.AGENT, department=request.department),
            },
        )


def require_status_move(
    user: User, request: Request, target: RequestStatus, window: ReopenWindow | None = None
) -> None:
    """Refuse a status change `user` may not make (whether the life cycle allows
    the move at all is `lifecycle.check_transition`'s)."""
    if works_queue(user, request.department):
        return
    if is_requester(user, request):
        if target in requester_moves(request, window) or target is _S.CLOSED:
            return
        if target is _S.IN_PROGRESS and not request.status.is_open and window is not None:
            raise PermissionDenied(
                f"{user.username} may reopen request {request.id} only within {window.days} "
                f"days of its answer; ask again with a new request, or agents of "
                f"{request.department} may reopen it",
                details={"request": request.id, "reason": "reopen_window", "days": window.days},
                key="reopen_window",
                values={"id": request.id, "days": window.days, "department": request.department},
            )
        raise PermissionDenied(
            f"as its requester, {user.username} may only reopen or close request "
            f"{request.id}, not make it {target.value}; agents of {request.department} do that",
            details={"request": request.id, "to": target.value},
            key="requester_moves",
            values={"id": request.id, "department": request.department},
        )
    require_agent(user, request, "change the status of")


def require_attach(user: User, request: Request, allowed: bool) -> None:
    refuse_merged(request, "files")
    if not allowed:
        raise PermissionDenied(
            f"{user.username} may not attach files to request {request.id}: only its "
            f"requester and agents of {request.department} (or of one of its tasks) may",
            details={"request": request.id, "user": user.username, "action": "attach"},
            key="attach_who",
            values={"id": request.id, "department": request.department},
        )


def require_internal_notes(user: User, request: Request, allowed: bool) -> None:
    refuse_merged(request, "internal notes")
    if not allowed:
        raise PermissionDenied(
            f"{user.username} may not write internal notes on request {request.id}: "
            f"only agents of {request.department} (its queue) or of one of its tasks may",
            details={"request": request.id},
            key="internal_who",
            values={"id": request.id, "department": request.department},
        )


def require_queue(user: User, department: str) -> None:
    if not works_queue(user, department):
        raise PermissionDenied(
            f"{user.username} may not work the {department} queue: only agents of "
            f"{department} and admins may; ask an admin for the role agent:{department}",
            details={"department": department, "user": user.username},
            key="queue_who",
            values={
                "department": department,
                "role": Grant(role=Role.AGENT, department=department),
            },
        )


def require_content_owner(user: User, department: str, what: str) -> None:
    if not owns_content(user, department):
        raise PermissionDenied(
            f"{user.username} may not {what} in {department}: only content owners of "
            f"{department} and admins may; ask an admin for the role content_owner:{department}",
            details={"department": department, "user": user.username, "action": what},
            key="content_owner_who",
            values={
                "department": department,
                "role": Grant(role=Role.CONTENT_OWNER, department=department),
            },
        )


def has_answer(request: Request) -> bool:
    """Resolved or closed with an answer: what an article may be drafted from.
    The answer is a text a person wrote, or, for a value stream its last task
    resolved (whose resolution is the product's own note, "All 4 tasks are
    done."), its tasks: the steps the departments took and their notes
    (`kb.requests.stream_answers`). Another note the product wrote answers no
    question."""
    text = (request.resolution or "").strip()
    return (
        request.status in (_S.RESOLVED, _S.CLOSED)
        and bool(text)
        and (entry_notes.NOTES.wording(text) is None or resolved_by_tasks(request))
    )


def require_drafting(user: User, request: Request) -> None:
    department = request.department
    if not (works_queue(user, department) or owns_content(user, department)):
        raise PermissionDenied(
            f"{user.username} may not turn request {request.id} into an article: only "
            f"agents and content owners of {department} and admins may",
            details={"request": request.id, "user": user.username},
            key="drafting_who",
            values={"id": request.id, "department": department},
        )
