"""Changing an account's grants under a rule that looks at other accounts too,
and its sign-in details without its grants (taking a password looks at the
other accounts too, while people sign in by password: the last administrator
with one keeps it).

The last administrator keeps the role: whether another account holds it must
be read in the transaction that takes the role, while no other such change
runs. Read before, two administrators revoking each other's role at the same
moment would each see the other still holding it, and both would go ahead.
SQLite runs one write at a time (BEGIN IMMEDIATE, `kb.store.factory`); on
PostgreSQL the change holds `WriteAlone(users)`, as adding, renaming and
removing an account do, and reads the accounts after taking it (READ
COMMITTED: each select sees what was committed before it), so the second
change waits for the first and reads what it wrote.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from kb.accounts.grant_history import GrantChange, changes_of
from kb.accounts.last_admin import refuse_dropping_last_admin_password
from kb.accounts.records import User
from kb.store.account_protocols import Regrant
from kb.store.expressions import WriteAlone
from kb.store.schema import users
from kb.store.sql_accounts import account_and_others, no_user_error
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import grants_value, record_changes
from kb.validators import utc_now


class SqlAccountGrants(SqlBase):
    """The grant changes of `SqlStore` that check other accounts, and the
    sign-in changes that leave the grants as they are."""

    def change_grants(self, username: str, change: Regrant, *, actor: str, reason: str) -> User:
        with self._write("change an account's roles") as conn:
            conn.execute(WriteAlone(users))
            account, others = account_and_others(conn, username)
            grants = list(change(account, others))
            generation = conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(
                    grants=grants_value(grants),
                    session_generation=users.c.session_generation + 1,
                )
                .returning(users.c.session_generation)
            ).scalar_one()
            changed = changes_of(
                username, account.grants, grants, actor=actor, reason=reason, ts=utc_now()
            )
            record_changes(conn, changed)
        return replace(account, grants=grants, session_generation=generation)

    def update_sign_in(
        self,
        username: str,
        *,
        display_name: str | None = None,
        password_hash: str | None = None,
        drop_password: bool = False,
        password_sign_in: bool = False,
        change: GrantChange | None = None,
    ) -> None:
        # Only the columns given: a password set from the command line while an
        # administrator takes a role on the web never writes the role back.
        values: dict[str, str | None] = {}
        if display_name is not None:
            values["display_name"] = display_name
        if password_hash is not None or drop_password:
            values["password_hash"] = None if drop_password else password_hash
        with self._write("update an account's sign-in") as conn:
            if drop_password and password_sign_in:
                # Read while no other account change runs: two administrators
                # dropping their passwords at once leave one of them one.
                conn.execute(WriteAlone(users))
                refuse_dropping_last_admin_password(*account_and_others(conn, username))
            if values:
                changed = update(users).where(users.c.username == username).values(**values)
                found = conn.execute(changed.returning(users.c.username)).first()
            else:
                found = conn.execute(
                    select(users.c.username).where(users.c.username == username)
                ).first()
            if found is None:
                raise no_user_error(username)
            if change is not None:
                record_changes(conn, [change])
