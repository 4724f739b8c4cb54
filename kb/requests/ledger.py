"""Reading a request the actor may see, and saving a change to it: with its
history entry and the notifications it announces, in one transaction.

Saving never loses an update: the store refuses a save based on a stale
version, and `save` then reloads the request, applies the change again to
the fresh state (re-checking everything) and retries. The notifications are
built inside the store's transaction (`Store.update_request(announce=...)`),
so a change and its notifications are stored together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from kb.accounts.records import User
from kb.attachments.records import Attachment
from kb.errors import ConflictError, KbError
from kb.notify.mail_limit import MailLimit
from kb.notify.notifier import Notifier
from kb.notify.outbox import OutboxMessage
from kb.notify.topics import Topic
from kb.requests import merged_readers, permissions
from kb.requests.permissions import RequestPermissions
from kb.requests.records import EntryKind, Request, RequestEntry, RequestTask
from kb.store.protocols import Announce, RequestStore

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SAVE_ATTEMPTS = 3
T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One change: the request as it should be saved, its history entry, the
    topic it is announced under (None: nobody is told) and the files that came
    with it (their bytes kept already)."""

    request: Request
    entry: RequestEntry
    topic: Topic | None
    attachments: tuple[Attachment, ...] = ()


Change = Callable[[Request, datetime], Step]
# A change that may find nothing to do on the request it is given (None).
MaybeChange = Callable[[Request, datetime], Step | None]
PairChange = Callable[[Request, Request, datetime], tuple[Step, Step]]


class StaleRequestError(KbError):
    """A change based on an older version of the request than the stored one
    (`If-Match`; in a bulk change, the item's `version`); nothing was saved."""

    status = 412
    code = "stale_version"

    def __init__(self, request_id: int, base: int, current: int, *, in_bulk: bool = False) -> None:
        advice = (
            # One item of a bulk change: the others went on; If-Match is not how
            # a bulk change names versions.
            "Read it again for its current state and version, check the change "
            "against it and send it again for this request with that version"
            if in_bulk
            else "Read the request again for its current state and its new ETag, check "
            "your change against it and send it again with that ETag in If-Match"
        )
        super().__init__(
            f"request {request_id} changed since you read it (your change is based on "
            f"version {base}, the current version is {current}); nothing was saved. {advice}",
            details={"id": request_id, "your_version": base, "current_version": current},
            key="bulk_stale_version" if in_bulk else "stale_version",
            values={"id": request_id, "base": base, "current": current},
        )


@dataclass(frozen=True)
class Saved:
    """A saved change: the request before and after, and the stored entry."""

    before: Request
    after: Request
    entry: RequestEntry


def new_entry(
    actor: User,
    request: Request,
    now: datetime,
    kind: EntryKind,
    message: str = "",
    data: dict[str, Any] | None = None,
    *,
    visible: bool = True,
) -> RequestEntry:
    """A history entry of `request` written by `actor`."""
    assert request.id is not None
    return RequestEntry(
        request_id=request.id,
        actor=actor.username,
        kind=kind,
        message=message,
        data=data or {},
        visible_to_requester=visible,
        ts=now,
    )


class Ledger:
    """Loads requests for an actor and saves changes with what they announce."""

    def __init__(
        self,
        store: RequestStore,
        notifier: Notifier,
        clock: Clock,
        reopen_days: int = 14,
        account_languages: Callable[[], Mapping[str, str]] | None = None,
        mail_limit: MailLimit | None = None,
        accounts: Callable[[str], User | None] | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.reopen_days = reopen_days
        # The languages accounts picked for their mails (`AccountStore.account_languages`).
        self.account_languages = account_languages or dict
        # The mails one account's changes may send (`notify_limit`); None: no limit.
        self.mail_limit = mail_limit
        # An account by its username, with its roles now (`AccountStore.get_user`).
        self.account = accounts or (lambda _: None)

    def window(self) -> permissions.ReopenWindow:
        """How long a requester may still reopen, as of now."""
        return permissions.ReopenWindow(self.clock(), self.reopen_days)

    def announcing(
        self,
        *topics: Topic,
        also: Announce | None = None,
        actor: User | None = None,
        merged: Mapping[str, str] | None = None,
        whole: frozenset[str] = frozenset(),
    ) -> Announce:
        """What the store calls inside the transaction: the messages of `topics`
        for the saved request and entry (and those of `also`), to the targets,
        department names and account languages of now (taken here, before the
        transaction); mails name the `actor` by their display name. `merged`
        filed the duplicates merged into the request (each with its question):
        as watchers they are mailed only what they read of it
        (`kb.requests.merged_readers`), but for those of `whole`, whose role
        reads it whole."""
        people = {actor.username: actor.display_name} if actor is not None else {}
        self.notifier.refresh(self.account_languages(), people)

        def announce(request: Request, entry: RequestEntry) -> list[OutboxMessage]:
            out = [
                m
                for t in topics
                for m in self.notifier.messages(t, request, entry, merged=merged, whole=whole)
            ]
            return out + list(also(request, entry)) if also else out

        return announce

    def task_departments(self, request: Request) -> set[str]:
        return {t.department for t in self._tasks(request)}

    def _tasks(self, request: Request) -> list[RequestTask]:
        if not request.workflow or request.id is None:
            return []
        return list(self.store.tasks(request.id))

    def load(self, actor: User, request_id: int) -> Request:
        """The request, if the actor may see it (NotFoundError otherwise, as for a
        request that does not exist)."""
        request = self.store.get_request(request_id)
        if not permissions.can_view(actor, request):
            permissions.require_view(actor, request, self.task_departments(request))
        return request

    def permissions(self, actor: User, request: Request) -> RequestPermissions:
        """What `actor` may do with `request` now."""
        tasks = self._tasks(request)
        return permissions.permissions_for(
            actor,
            request,
            {t.department for t in tasks},
            self.window(),
            self.merged_requesters(request) if request.reads_as_watcher(actor.username) else (),
            tasks_open=any(not t.status.is_finished for t in tasks),
        )

    def merged_requesters(self, request: Request) -> set[str]:
        """Who filed the duplicates merged into `request`, from its `merged` entries
        (a rename or removal moves the names there too)."""
        return set(self.merged_queries(request))

    def merged_queries(self, request: Request) -> dict[str, str]:
        """`merged_requesters`, each with the question of their duplicate."""
        if request.id is None:
            return {}
        return {
            str(e.data["requester"]): str(e.data.get("query") or "")
            for e in self.store.entries(request.id)
            if e.kind == "merged" and "from" in e.data and e.data.get("requester")
        }

    def merged_reader(self, actor: User, request: Request) -> set[str] | None:
        """The requesters of the duplicates merged into `request` when `actor` is one
        of them and reads it only so (`kb.requests.merged_readers`); else None."""
        if permissions.is_requester(actor, request) or permissions.works_queue(
            actor, request.department
        ):
            return None  # the common readers, told apart without reading the history
        merged = self.merged_requesters(request)
        departments = self.task_departments(request)
        return (
            merged if merged_readers.is_merged_reader(actor, request, merged, departments) else None
        )

    def shown(self, actor: User, request: Request) -> Request:
        """`request` as `actor` may read it: without what a merged reader does not read."""
        if self.merged_reader(actor, request) is None:
            return request
        own = self.merged_queries(request).get(actor.username, "")
        return merged_readers.withhold(request, actor.username, own)

    def works_on(self, actor: User, request: Request) -> bool:
        """True for agents of the request's queue or of one of its tasks, and admins."""
        if permissions.works_queue(actor, request.department):
            return True
        return any(permissions.works_queue(actor, d) for d in self.task_departments(request))

    def save(self, actor: User, request_id: int, change: Change) -> Saved:
        """Apply `change` to the current request and save it with its entry and
        its notifications, retrying on a stale version."""

        def attempt() -> Saved:
            before = self.load(actor, request_id)
            step = change(before, self.clock())
            mails = self._mails_allowed(actor, [step])
            announce = self._announce(step, actor)
            saved = self.store.update_request(step.request, step.entry, announce, step.attachments)
            self._mails_sent(actor, mails)
            return Saved(before, saved, step.entry)

        return _retrying(f"request {request_id}", attempt)

    def save_all(
        self,
        actor: User,
        request_id: int,
        changes: Sequence[MaybeChange],
        base_version: int | None = None,
    ) -> list[Saved]:
        """Apply `changes` one after another to the current request and save them
        all in one transaction (all or none), each with its own history entry
        and notifications. Each change sees the request as the ones before it
        leave it, so every check (permissions, transitions) runs before anything
        is saved; one that finds nothing to do (None) saves nothing; a stale version retries the lot on the fresh request, unless
        the caller named the version its changes are based on (`base_version`):
        another one is a StaleRequestError."""

        def attempt() -> list[Saved]:
            current = self.load(actor, request_id)
            if base_version is not None and current.version != base_version:
                raise StaleRequestError(request_id, base_version, current.version)
            now = self.clock()
            befores: list[Request] = []
            steps: list[Step] = []
            for change in changes:
                step = change(current, now)
                if step is None:
                    continue
                befores.append(current)
                steps.append(step)
                # The store saves each step on the version the one before it left.
                current = replace(steps[-1].request, version=steps[-1].request.version + 1)
            saved = self._save_steps(steps, actor)
            return [Saved(b, a, s.entry) for b, a, s in zip(befores, saved, steps, strict=True)]

        return _retrying(f"request {request_id}", attempt)

    def save_pair(
        self, actor: User, first_id: int, second_id: int, change: PairChange
    ) -> tuple[Saved, Saved]:
        """Apply `change` to two current requests and save both in one transaction
        (both or neither), retrying when either changed meanwhile: `change` then
        sees both fresh, so its checks hold for what is saved."""

        def attempt() -> tuple[Saved, Saved]:
            first, second = self.load(actor, first_id), self.load(actor, second_id)
            steps = change(first, second, self.clock())
            saved = self._save_steps(steps, actor)
            return (
                Saved(first, saved[0], steps[0].entry),
                Saved(second, saved[1], steps[1].entry),
            )

        return _retrying(f"request {first_id} or {second_id}", attempt)

    def _announce(self, step: Step, actor: User) -> Announce | None:
        """What `step` announces, if anything; never a request read for one reader."""
        if step.request.withheld:
            raise ValueError(f"request {step.request.id} was read for one reader; not saved")
        if step.topic is None:
            return None
        merged = self.merged_queries(step.request) if step.request.watchers else {}
        whole = self.reading_whole(step.request, set(merged))
        return self.announcing(step.topic, actor=actor, merged=merged, whole=whole)

    def reading_whole(self, request: Request, merged: set[str]) -> frozenset[str]:
        """Those of `merged` (the requesters of duplicates merged into `request`)
        whose roles now read it whole (an agent of its queue or of a task, a
        content owner of its department): the role with more rights is mailed as
        it reads. An account the store does not hold reads it as merged only."""
        if not merged:
            return frozenset()
        departments = self.task_departments(request)

        def whole(name: str) -> bool:
            account = self.account(name)
            return account is not None and not merged_readers.is_merged_reader(
                account, request, merged, departments
            )

        return frozenset(name for name in merged if whole(name))

    def _save_steps(self, steps: Sequence[Step], actor: User) -> list[Request]:
        """Save `steps` in one transaction, with what each announces."""
        mails = self._mails_allowed(actor, steps)
        saved = self.store.update_requests(
            [(s.request, s.entry, self._announce(s, actor)) for s in steps]
        )
        self._mails_sent(actor, mails)
        return saved

    def _mails_allowed(self, actor: User, steps: Sequence[Step]) -> int:
        """How many e-mails `steps` would send on `actor`'s behalf, counted before
        anything is saved: `RateLimited` when that is past what `notify_limit`
        leaves them (`kb.notify.mail_limit`). The agents who work every request
        changed (its queue's or a task's) and admins are not counted: a busy
        queue's replies and bulk changes are the service's work, and the limit
        is for people who make others be mailed without being asked. Building the messages reads and writes
        nothing; the store builds them again inside its transaction."""
        if self.mail_limit is None:
            return 0
        if all(self.works_on(actor, step.request) for step in steps):
            return 0  # the service's own staff answering: not the abuse it limits
        mails = 0
        for step in steps:
            if step.topic is not None:
                announce = self._announce(step, actor)
                assert announce is not None
                sent = announce(step.request, step.entry)
                mails += sum(m.target.startswith("email:") for m in sent)
        self.mail_limit.check(actor.username, mails)
        return mails

    def _mails_sent(self, actor: User, mails: int) -> None:
        if self.mail_limit is not None:
            self.mail_limit.spend(actor.username, mails)


def _retrying(what: str, attempt: Callable[[], T]) -> T:
    """`attempt()`, again (it reloads) while the store finds the version it saved
    on stale, up to SAVE_ATTEMPTS times."""
    for number in range(1, SAVE_ATTEMPTS + 1):
        try:
            return attempt()
        except ConflictError as exc:
            if "stored_version" not in exc.details or number == SAVE_ATTEMPTS:
                raise
            logger.info("requests: %s changed meanwhile; retrying", what)
    raise AssertionError("unreachable: the last attempt returns or raises")
