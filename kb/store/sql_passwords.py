"""Passwords in SQL: an account choosing its own, and an administrator giving
it a one-time temporary password (`kb.accounts.passwords`).

Each writes only the password columns and the session generation, never the
grants, so a role another change gave or took meanwhile stays as it did.
The generation is raised in the same statement (as `end_sessions` does), so
that every session signed in before ends; the one that changed its own
password is given the new generation by the web layer and goes on. Each is
written to the grant history in its transaction: a temporary password as
`temporary_password` (by whom and why), an own one as `password_changed` (by
the account itself); the password itself is never kept, only its hash. An
account created with a temporary password gets its row from `add_user`, in
the transaction that creates it (`kb.store.sql_accounts`).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from kb.accounts.grant_history import GrantChange, GrantChangeKind, password_change
from kb.accounts.records import User
from kb.store.schema import users
from kb.store.sql_accounts import no_user_error, user_of
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import record_changes
from kb.validators import utc_now


class SqlPasswords(SqlBase):
    """The password changes of `SqlStore`."""

    def change_password(self, username: str, password_hash: str) -> User:
        # The account's own doing: by itself, with no reason to give.
        own = password_change(
            username, GrantChangeKind.PASSWORD_CHANGED, actor=username, ts=utc_now()
        )
        return self._set_password(password_hash, own)

    def set_temporary_password(
        self, username: str, password_hash: str, *, actor: str, reason: str
    ) -> User:
        given = password_change(
            username, GrantChangeKind.TEMPORARY_PASSWORD, actor=actor, reason=reason, ts=utc_now()
        )
        return self._set_password(password_hash, given)

    def _set_password(self, password_hash: str, change: GrantChange) -> User:
        """Write the password of `change`'s account, marked to be changed when
        it is a temporary one, and `change` to the grant history."""
        username = change.username
        must_change = change.kind is GrantChangeKind.TEMPORARY_PASSWORD
        with self._write("set a password") as conn:
            row = conn.execute(
                select(users).where(users.c.username == username).with_for_update()
            ).first()
            if row is None:
                raise no_user_error(username)
            generation = conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(
                    password_hash=password_hash,
                    must_change_password=must_change,
                    session_generation=users.c.session_generation + 1,
                )
                .returning(users.c.session_generation)
            ).scalar_one()
            record_changes(conn, [change])
        return replace(
            user_of(row),
            password_hash=password_hash,
            must_change_password=must_change,
            session_generation=int(generation),
        )
