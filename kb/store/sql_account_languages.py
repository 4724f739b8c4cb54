"""The language each account picked, in SQL (`User.language`).

Written by its own statement, never by `update_user`, so that a copy of the
account read before the choice cannot undo it. Read for mails before a
change's transaction (`kb.requests.ledger`): only the accounts that picked
one, which are few, and a username → language map is all a mail needs.
"""

from __future__ import annotations

from sqlalchemy import select, update

from kb.accounts.records import User
from kb.store.schema import users
from kb.store.sql_accounts import no_user_error
from kb.store.sql_base import SqlBase


class SqlAccountLanguages(SqlBase):
    """The account languages of `SqlStore`."""

    def set_language(self, username: str, language: str) -> None:
        # Validated as the record validates it: a bad code fails before writing.
        User(username=username, language=language)
        with self._write("keep an account's language") as conn:
            done = conn.execute(
                update(users).where(users.c.username == username).values(language=language)
            )
            if done.rowcount == 0:
                raise no_user_error(username)

    def account_languages(self) -> dict[str, str]:
        with self._read("read the accounts' languages") as conn:
            rows = conn.execute(
                select(users.c.username, users.c.language).where(users.c.language != "")
            )
            return {row.username: row.language for row in rows}
