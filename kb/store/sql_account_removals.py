"""Removing an account in SQL (`kb users remove`).

The account goes in one transaction holding `WriteAlone(users)`, as adding
and renaming one do: its open work is refused or unassigned, its grants are
written to the grant history as revoked, every name of it outside `users`
becomes `removed_label(name)` (`kb.store.sql_account_names`), its former
names are let go. The last administrator is not removed: whether another
account holds the role is read in this transaction, after the lock, so of
two administrators removed at the same moment the second sees the first
gone and is refused (`kb.accounts.last_admin`), as with two revokes.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete

from kb.accounts.last_admin import refuse_removing_last_admin
from kb.accounts.records import AccountChange, removed_label
from kb.errors import ConflictError
from kb.store.expressions import WriteAlone
from kb.store.schema import users
from kb.store.sql_account_aliases import drop_aliases
from kb.store.sql_account_names import move_names, open_assignments, unassign_work
from kb.store.sql_accounts import account_and_others, fill_username_keys, require_account
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import revoke_all
from kb.store.sql_outbox_names import move_queued
from kb.validators import utc_now


class SqlAccountRemovals(SqlBase):
    """The removal of accounts of `SqlStore`."""

    def remove_user(
        self,
        username: str,
        *,
        actor: str,
        unassign: bool = False,
        readdress: Mapping[str, str | None] | None = None,
    ) -> AccountChange:
        label = removed_label(username)
        with self._write("remove a user") as conn:
            conn.execute(WriteAlone(users))
            require_account(conn, username)
            refuse_removing_last_admin(*account_and_others(conn, username))
            held = open_assignments(conn, username)
            if held and not unassign:
                work = [f"request {i}" for i in held.requests]
                work += [f"task {t} of request {r}" for r, t in held.tasks]
                raise ConflictError(
                    f"{username} is assigned open work: {', '.join(work)}; assign it to someone "
                    f"else first, or remove {username} with --unassign to put it back in its "
                    "queues unassigned",
                    details={
                        "username": username,
                        "requests": held.requests,
                        "tasks": [list(t) for t in held.tasks],
                    },
                    key="user_has_open_work",
                    values={"name": username},
                )
            if held:
                unassign_work(conn, username, held, actor, utc_now())
            # Its roles end with it: in the history, which then shows it as `label`.
            revoke_all(conn, username, actor, "account removed")
            moved = move_names(conn, username, label, watching=False)
            moved.add("queued notifications", move_queued(conn, username, label, readdress or {}))
            conn.execute(delete(users).where(users.c.username == username))
            drop_aliases(conn, username)  # the names are free again
            fill_username_keys(conn)
        return AccountChange(
            username=username,
            now_named=label,
            moved=moved.counts,
            unassigned_requests=held.requests,
            unassigned_tasks=held.tasks,
        )
