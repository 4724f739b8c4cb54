"""Watchers: people who hear about a request and may read it, besides its requester.

The requester and the agents of its queues (its own department's and its
value-stream tasks' departments') add and remove watchers (anyone with an
account: a manager, a colleague covering a holiday); anyone who may
read a request may watch it or stop watching it themselves. Watchers get the
requester's e-mails (`Party.WATCHERS` in `kb.notify.topics`) and see what the
requester sees. A watch someone made of themselves (`Request.self_watchers`)
adds nothing to what their roles let them read: an agent whose role is
revoked stops reading the requests they watched, and stops getting their
e-mails (`kb.notify.worker`), unless the requester or an agent made them a
watcher. Each change is a history entry.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kb.accounts.records import User
from kb.errors import ConflictError, PermissionDenied, ValidationError
from kb.requests.ledger import Ledger, Step, new_entry
from kb.requests.records import Request
from kb.store.account_protocols import AccountStore

MAX_WATCHERS = 50
MAX_NAMES_SHOWN = 10  # usernames an error lists when a name is many people's


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

    def unwatch(self, actor: User, request_id: int, username: str | None = None) -> Request:
        """Remove `username` (default: the actor) from the request's watchers."""
        return self._change(actor, request_id, (username or actor.username).strip(), add=False)

    def _change(self, actor: User, request_id: int, name: str, *, add: bool) -> Request:
        def change(request: Request, now: datetime) -> Step:
            self._require(actor, request, name)
            if add and name in request.watchers or not add and name not in request.watchers:
                raise ConflictError(
                    f"{name} is {'already' if add else 'not'} watching request {request.id}",
                    details={"request": request.id, "watcher": name},
                    key="watching_already" if add else "watching_not",
                    values={"name": name, "id": request.id},
                )
            if add and len(request.watchers) >= MAX_WATCHERS:
                raise ConflictError(
                    f"request {request.id} has {MAX_WATCHERS} watchers, the most it may have",
                    details={"request": request.id},
                    key="watchers_full",
                    values={"id": request.id, "limit": MAX_WATCHERS},
                )
            if add:
                watchers = [*request.watchers, name]
                own = name == actor.username and name != request.requester
                selves = [*request.self_watchers, name] if own else request.self_watchers
            else:
                watchers = [w for w in request.watchers if w != name]
                selves = [w for w in request.self_watchers if w != name]
            data = {"added": name} if add else {"removed": name}
            entry = new_entry(actor, request, now, "watchers", "", data)
            changed = replace(request, watchers=watchers, self_watchers=selves, updated=now)
            return Step(changed, entry, None)

        return self.ledger.save(actor, request_id, change).after

    def _require(self, actor: User, request: Request, name: str) -> None:
        if name == actor.username or self.ledger.permissions(actor, request).watch:
            return
        raise PermissionDenied(
            f"{actor.username} may not change who watches request {request.id}: only its "
            f"requester and agents of {request.department} or of its tasks' departments may; "
            "anyone who may read it may watch it themselves",
            details={"request": request.id, "action": "watchers"},
            key="watch_who",
            values={"department": request.department},
        )
