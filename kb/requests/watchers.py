"""Watchers: people who hear about a request and may read it, besides its requester.

The requester and the agents of its own queue add and remove watchers (anyone
with an account: a manager, a colleague covering a holiday); anyone who may
read a request (agents of its value-stream tasks' departments too) may watch
it or stop watching it themselves. A watcher someone else added reads the
request as its requester does, so that is the requester's choice or the
owning department's, never another department's working one of its tasks. Watchers get the
requester's e-mails (`Party.WATCHERS` in `kb.notify.topics`) and see what the
requester sees. A watch someone made of themselves (`Request.self_watchers`)
adds nothing to what their roles let them read: an agent whose role is
revoked stops reading the requests they watched, and stops getting their
e-mails (`kb.notify.worker`), unless the requester or an agent made them a
watcher. Such a watch has ended, and the request's watchers are listed
without it (`current`, on its page and in every answer of the API), so the
list names exactly who hears about it; their place is kept, so a role given
back (their mails resume) lists them again, and the requester or an agent of
its queue may add them as any watcher. Each change is a history entry.

Nobody is asked before they are added, so someone added by another person is
told once (`Topic.WATCHER_ADDED`), and every mail to a watcher carries a link
that takes them off with one click (`leave`, `kb.notify.unwatch_links`).
Who left a watch someone else gave them is not added again by anyone else;
they may watch the request again themselves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Literal

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.notify.topics import Topic
from kb.notify.unwatch_links import token_matches
from kb.requests.ledger import Ledger, Step, new_entry
from kb.requests.permissions import can_view
from kb.requests.records import Request
from kb.store.account_protocols import AccountStore

MAX_WATCHERS = 50
MAX_NAMES_SHOWN = 10  # usernames an error lists when a name is many people's

# What a click on a mail's stop-watching link did: told to its reader as it is,
# since a link to an account renamed since the mail was sent takes nobody off.
LeaveOutcome = Literal["left", "no_account", "not_watching", "not_visible"]


class WatcherWork:
    """Adding and removing the watchers of a request."""

    def __init__(self, ledger: Ledger, accounts: AccountStore) -> None:
        self.ledger = ledger
        self.accounts = accounts

    def watch(self, actor: User, request_id: int, username: str | None = None) -> Request:
        """Add the person `username` names (default: the actor) to the request's
        watchers: a username, in any case, or a display name (see `person`).

        Names are looked up only for someone who may add others to this request
        (404 first for a request the actor may not read, 403 for one they may
        only watch themselves), so the accounts behind a name are never told to
        a caller who could not add them anyway."""
        typed = (username or actor.username).strip()
        request = self.ledger.load(actor, request_id)
        if self._is_self(actor, typed):
            name = actor.username
        else:
            self._require(actor, request, typed)
            name = self.person(typed, show_usernames=self.ledger.works_on(actor, request))
        return self._change(actor, request_id, name, add=True)

    @staticmethod
    def _is_self(actor: User, typed: str) -> bool:
        # By username only: a display name may be someone else's too.
        return typed.casefold() == actor.username.casefold()

    def person(self, typed: str, *, show_usernames: bool = False) -> str:
        """The username of the one account `typed` names: its username (an e-mail
        address where accounts are named so), in any case, or its display name.
        People know a colleague's name more often than their sign-in name.

        When a name is several people's, the error names their usernames only
        when `show_usernames` (agents of the request and admins, who assign
        people by username anyway); anyone else learns how many there are and
        is asked for the username."""
        if self.accounts.get_user(typed) is not None:
            return typed
        wanted = typed.casefold()
        found = sorted(
            u.username
            for u in self.accounts.list_users()
            if wanted in (u.username.casefold(), u.display_name.strip().casefold())
        )
        if len(found) == 1:
            return found[0]
        if found and show_usernames:
            shown = found[:MAX_NAMES_SHOWN]
            listed = ", ".join(shown) + (", …" if len(found) > len(shown) else "")
            raise ValidationError(
                f"watcher: {len(found)} people are called {typed!r}, with the usernames "
                f"{listed}; give the username of the one you mean",
                details={"field": "watcher", "value": typed, "matches": shown},
                key="watcher_ambiguous",
                values={"name": typed, "names": listed, "n": len(found)},
            )
        if found:
            raise ValidationError(
                f"watcher: {len(found)} people are called {typed!r}; give the username of "
                "the one you mean (they can tell you theirs)",
                details={"field": "watcher", "value": typed, "count": len(found)},
                key="watcher_ambiguous_unnamed",
                values={"name": typed, "n": len(found)},
            )
        raise ValidationError(
            f"watcher: there is no user {typed!r}, by username or by name",
            details={"field": "watcher", "value": typed},
            key="no_such_person",
            values={"name": typed},
        )

    def current(self, request: Request) -> Request:
        """`request` with only the watches in effect: one someone made of themselves
        has ended when their roles, as the store holds them now, no longer let them
        read it (as `kb.notify.worker` decides before each of its mails)."""
        ended = self._ended(request)
        if not ended:
            return request
        return replace(
            request,
            watchers=[w for w in request.watchers if w not in ended],
            self_watchers=[w for w in request.self_watchers if w not in ended],
        )

    def _ended(self, request: Request) -> set[str]:
        if not request.self_watchers or request.id is None:
            return set()
        departments = {t.department for t in self.ledger.store.tasks(request.id)}
        return {
            name
            for name in request.self_watchers
            if (person := self.accounts.get_user(name)) is None
            or not can_view(person, request, departments)
        }

    def unwatch(self, actor: User, request_id: int, username: str | None = None) -> Request:
        """Remove `username` (default: the actor) from the request's watchers."""
        return self._change(actor, request_id, (username or actor.username).strip(), add=False)

    def leave(self, request_id: int, username: str, token: str, key: str) -> LeaveOutcome:
        """Take `username` off the request's watchers by the link of their mail: a
        `token` signed for them and this request under `key` (no sign-in needed).
        Says what happened: `left`; `no_account` when no account has that name
        (renamed or removed since the mail was sent); `not_watching` when they do
        not watch it (left already, or taken off); `not_visible` when they are
        kept as watchers but may no longer read it (a watch of their own whose
        role is gone, which has ended: no mail of it reaches them, and the
        request no longer lists them). Nothing else of a request they may
        not read is told."""
        if not token_matches(key, request_id, username, token):
            raise PermissionDenied(
                f"this stop-watching link is not valid for request {request_id}: it was "
                "changed, or the site's key changed since it was sent; sign in and remove "
                "yourself from the request's watchers on its page",
                details={"request": request_id, "action": "leave"},
                key="unwatch_link_invalid",
                values={"id": request_id},
            )
        person = self.accounts.get_user(username)
        if person is None:
            return "no_account"
        try:
            self._change(person, request_id, username, add=False)
        except ConflictError as exc:
            if exc.key != "watching_not":
                raise
            return "not_watching"
        except NotFoundError:
            # No longer theirs to read. Still kept (a watch of their own, its role
            # gone): no mail reaches them either. Left already: said as it is. Only
            # their own place in the list is told, nothing else of the request.
            listed = username in self.ledger.store.get_request(request_id).watchers
            return "not_visible" if listed else "not_watching"
        return "left"

    def _change(self, actor: User, request_id: int, name: str, *, add: bool) -> Request:
        def change(request: Request, now: datetime) -> Step:
            self._require(actor, request, name)
            # A watch of their own that has ended is listed nowhere: added by
            # another, they watch as an added watcher does.
            renewed = add and name != actor.username and name in self._ended(request)
            listed = name in request.watchers and not renewed
            if add and listed or not add and name not in request.watchers:
                raise ConflictError(
                    f"{name} is {'already' if add else 'not'} watching request {request.id}",
                    details={"request": request.id, "watcher": name},
                    key="watching_already" if add else "watching_not",
                    values={"name": name, "id": request.id},
                )
            if add and name != actor.username:
                self._refuse_if_left(request, name)
            if add and not renewed and len(request.watchers) >= MAX_WATCHERS:
                raise ConflictError(
                    f"request {request.id} has {MAX_WATCHERS} watchers, the most it may have",
                    details={"request": request.id},
                    key="watchers_full",
                    values={"id": request.id, "limit": MAX_WATCHERS},
                )
            if renewed:
                watchers = request.watchers
                selves = [w for w in request.self_watchers if w != name]
            elif add:
                watchers = [*request.watchers, name]
                own = name == actor.username and name != request.requester
                selves = [*request.self_watchers, name] if own else request.self_watchers
            else:
                watchers = [w for w in request.watchers if w != name]
                selves = [w for w in request.self_watchers if w != name]
            data = {"added": name} if add else {"removed": name}
            entry = new_entry(actor, request, now, "watchers", "", data)
            changed = replace(request, watchers=watchers, self_watchers=selves, updated=now)
            told = add and name != actor.username  # they did not ask: told once
            return Step(changed, entry, Topic.WATCHER_ADDED if told else None)

        return self.ledger.save(actor, request_id, change).after

    def _refuse_if_left(self, request: Request, name: str) -> None:
        """Refuse to add `name` again when they last left a watch someone else gave
        them: they said they do not want its mails. (Who watched of their own accord
        and stopped may be added as before.)"""
        if request.id is None:
            return
        added_by, left = "", False
        for entry in self.ledger.store.entries(request.id):
            if entry.kind != "watchers":
                continue
            if entry.data.get("added") == name:
                added_by, left = entry.actor, False
            elif entry.data.get("removed") == name:
                left = entry.actor == name
        if left and added_by not in ("", name):
            raise ConflictError(
                f"{name} stopped watching request {request.id} themselves and is not "
                "added again by anyone else; they may watch it again themselves",
                details={"request": request.id, "watcher": name},
                key="watcher_left",
                values={"name": name, "id": request.id},
            )

    def _require(self, actor: User, request: Request, name: str) -> None:
        if name == actor.username or self.ledger.permissions(actor, request).watch:
            return
        raise PermissionDenied(
            f"{actor.username} may not change who watches request {request.id}: only its "
            f"requester and agents of {request.department} may (not agents of its tasks' "
            "departments); anyone who may read it may watch it themselves",
            details={"request": request.id, "action": "watchers"},
            key="watch_who",
            values={"department": request.department},
        )
