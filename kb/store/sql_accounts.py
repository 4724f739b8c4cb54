"""User accounts in SQL. Grants are kept as a JSON list on the user row: the
whole set is read and replaced together, and there are few enough users that
"who are IT's agents" is answered in Python from `list_users()`. The session
generation is only ever raised, in one statement (`end_sessions`), so that
two changes at once can never lower it; `update_user` leaves it alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select, update

from kb.accounts.records import Grant, User
from kb.errors import ConflictError, NotFoundError
from kb.store.schema import users
from kb.store.sql_base import SqlBase


def _user_row(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "grants": [{"role": g.role.value, "department": g.department} for g in user.grants],
        "password_hash": user.password_hash,
    }


def _user(row: Row[Any]) -> User:
    return User(
        username=row.username,
        display_name=row.display_name,
        grants=[Grant(role=g["role"], department=g.get("department")) for g in row.grants],
        password_hash=row.password_hash,
        created=row.created,
        session_generation=row.session_generation,
    )


class SqlAccounts(SqlBase):
    """The users part of `SqlStore`."""

    def add_user(self, user: User) -> None:
        try:
            with self._write("add a user") as conn:
                conn.execute(
                    insert(users).values(
                        username=user.username, created=user.created, **_user_row(user)
                    )
                )
        except ConflictError as exc:
            raise ConflictError(
                f"a user named {user.username!r} already exists; choose another username "
                "or update the existing user",
                details={"username": user.username},
                key="user_exists",
                values={"name": user.username},
            ) from exc

    def get_user(self, username: str) -> User | None:
        with self._read("read a user") as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
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
