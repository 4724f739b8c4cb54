"""User accounts in SQL. Grants are kept as a JSON list on the user row: the
whole set is read and replaced together, and there are few enough users that
"who are IT's agents" is answered in Python from `list_users()`. The session
generation is only ever raised, in one statement (`end_sessions`), so that
two changes at once can never lower it; `update_user` leaves it alone."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from kb.accounts.records import Grant, User, username_key
from kb.errors import ConflictError, NotFoundError
from kb.store.schema import users
from kb.store.sql_base import SqlBase

logger = logging.getLogger(__name__)


def _user_row(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "grants": [{"role": g.role.value, "department": g.department} for g in user.grants],
        "password_hash": user.password_hash,
    }


def _taken(username: str, holder: User | None) -> ConflictError:
    """The refusal of a second account under `username` (`holder` has it)."""
    name = holder.username if holder is not None else username
    if name == username:
        why = "choose another username or update the existing user"
    else:
        why = (
            f"usernames that differ only in letter case are one name, so {username!r} would "
            f"pass for {name!r}; give {name!r} the role instead, or choose another username"
        )
    return ConflictError(
        f"a user named {name!r} already exists; {why}",
        details={"username": username, "existing": name},
        key="user_exists",
        values={"name": name},
    )


def _user(row: Row[Any]) -> User:
    return User(
        username=row.username,
        display_name=row.display_name,
        grants=[Grant(role=g["role"], department=g.get("department")) for g in row.grants],
        password_hash=row.password_hash,
        created=row.created,
        session_generation=row.session_generation,
    )


def fill_username_keys(conn: Connection) -> list[tuple[str, str]]:
    """Give each user without a `username_key` its key, oldest first, unless
    another account holds that key already; returns (holder, twin) for the
    accounts left without one. For the migration that brought the key in
    (0019) and for a restored backup made before it: twins from then keep
    working under their own names, nothing is merged, and they are reported."""
    held = {
        row.username_key: row.username
        for row in conn.execute(
            select(users.c.username, users.c.username_key).where(users.c.username_key.is_not(None))
        )
    }
    pending = select(users.c.username).where(users.c.username_key.is_(None))
    twins: list[tuple[str, str]] = []
    for (name,) in conn.execute(pending.order_by(users.c.created, users.c.username)).all():
        key = username_key(name)
        if key in held:
            twins.append((held[key], name))
            continue
        held[key] = name
        conn.execute(update(users).where(users.c.username == name).values(username_key=key))
    return twins


def warn_of_twins(twins: list[tuple[str, str]]) -> None:
    """A warning for each pair `fill_username_keys` returned."""
    for holder, twin in twins:
        logger.warning(
            "users: %r and %r differ only in letter case; %r keeps the name, %r signs in "
            "only as typed exactly (see `kb users check`)",
            holder,
            twin,
            holder,
            twin,
        )


class SqlAccounts(SqlBase):
    """The users part of `SqlStore`."""

    def add_user(self, user: User) -> None:
        try:
            with self._write("add a user") as conn:
                conn.execute(
                    insert(users).values(
                        username=user.username,
                        username_key=username_key(user.username),
                        created=user.created,
                        **_user_row(user),
                    )
                )
        except ConflictError as exc:
            raise _taken(user.username, self.find_user(user.username)) from exc

    def get_user(self, username: str) -> User | None:
        with self._read("read a user") as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        return None if row is None else _user(row)

    def find_user(self, username: str) -> User | None:
        with self._read("find a user") as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
            if row is None:
                key = users.c.username_key == username_key(username)
                row = conn.execute(select(users).where(key)).first()
        return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        with self._read("list users") as conn:
            return [_user(row) for row in conn.execute(select(users).order_by(users.c.username))]

    def update_user(self, user: User) -> None:
        with self._write("update a user") as conn:
            result = conn.execute(
                update(users).where(users.c.username == user.username).values(**_user_row(user))
            )
            if result.rowcount == 0:
                raise NotFoundError(
                    f"no user named {user.username!r}; add it with add_user() first",
                    details={"username": user.username},
                    key="no_such_user",
                    values={"name": user.username},
                )

    def end_sessions(self, username: str) -> int:
        with self._write("end a user's sessions") as conn:
            result = conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(session_generation=users.c.session_generation + 1)
                .returning(users.c.session_generation)
            )
            row = result.first()
        if row is None:
            raise NotFoundError(
                f"no user named {username!r}",
                details={"username": username},
                key="no_such_user",
                values={"name": username},
            )
        return int(row[0])
