"""Passwords in SQL: an account choosing its own, and an administrator giving
it a one-time temporary password (`kb.accounts.passwords`).

Each writes only the password columns and the session generation, never the
grants, so a role another change gave or took meanwhile stays as it did.
The generation is raised in the same statement (as `end_sessions` does), so
that every session signed in before ends; the one that changed its own
password is given the new generation by the web layer and goes on. A
temporary password is written to the grant history (`temporary_password`,
by whom and why) in its transaction; the password itself is never kept,
only its hash.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from kb.accounts.grant_history import GrantChange, GrantChangeKind
from kb.accounts.records import User
from kb.store.schema import users
from kb.store.sql_accounts import no_user_error, user_of
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import record_changes
from kb.validators import utc_now


class SqlPasswords(SqlBase):
    """The password changes of `SqlStore`."""

    def change_password(self, username: str, password_hash: str) -> User:
        return self._set_password(username, password_hash, must_change=False)

    def set_temporary_password(
        self, username: str, password_hash: str, *, actor: str, reason: str
    ) -> User:
        return self._set_password(
            username, password_hash, must_change=True, actor=actor, reason=reason
        )

    def note_temporary_password(self, username: str, *, actor: str, reason: str) -> None:
        with self._write("note a temporary password") as conn:
            record_changes(conn, [_temporary(username, actor, reason)])

    def _set_password(
        self,
        username: str,
        password_hash: str,
        *,
        must_change: bool,
        actor: str = "",
        reason: str = "",
    ) -> User:
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
            if must_change:
                record_changes(conn, [_temporary(username, actor, reason)])
        return replace(
            user_of(row),
            password_hash=password_hash,
            must_change_password=must_change,
            session_generation=int(generation),
        )


def _temporary(username: str, actor: str, reason: str) -> GrantChange:
    """The grant history's row of a temporary password given to `username`."""
    return GrantChange(
        username,
        None,
        "",
        actor=actor,
        reason=reason,
        ts=utc_now(),
        kind=GrantChangeKind.TEMPORARY_PASSWORD,
    )
