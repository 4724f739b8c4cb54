"""Changing an account's grants under a rule that looks at other accounts too.

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

from kb.accounts.grant_history import changes_of
from kb.accounts.records import User
from kb.store.expressions import WriteAlone
from kb.store.protocols import Regrant
from kb.store.schema import users
from kb.store.sql_accounts import no_user_error, user_of
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import grants_value, record_changes
from kb.validators import utc_now


class SqlAccountGrants(SqlBase):
    """The grant changes of `SqlStore` that check other accounts."""

    def change_grants(self, username: str, change: Regrant, *, actor: str, reason: str) -> User:
        with self._write("change an account's roles") as conn:
            conn.execute(WriteAlone(users))
            accounts = [user_of(row) for row in conn.execute(select(users))]
            account = next((u for u in accounts if u.username == username), None)
            if account is None:
                raise no_user_error(username)
            others = [u for u in accounts if u.username != username]
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
