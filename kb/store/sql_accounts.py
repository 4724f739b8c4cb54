"""User accounts in SQL. Grants are kept as a JSON list on the user row: the
whole set is read and replaced together, and there are few enough users that
"who are IT's agents" is answered in Python from `list_users()`. The session
generation is only ever raised, in one statement (`end_sessions`), so that
two changes at once can never lower it; `update_user` leaves it alone.
Adding, renaming and removing an account hold `WriteAlone(users)`, so that
on PostgreSQL, as on SQLite, each checks names against what the one before
it wrote. Each grant an account gets or loses is written to the grant history
in the same transaction (`kb.store.sql_grant_changes`), and so is the
temporary password of an account created with one: no failure between the
two leaves an account whose history lacks it. Removing an account
is `kb.store.sql_account_removals`; neither that nor a merge takes the last
administrator (`kb.accounts.last_admin`)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, case, delete, func, insert, select, update

from kb.accounts.grant_history import GrantChangeKind, changes_of, password_change
from kb.accounts.last_admin import refuse_merging_last_admin
from kb.accounts.records import (
    SYSTEM_USERNAME,
    AccountChange,
    Grant,
    User,
    username_key,
)
from kb.errors import ConflictError, NotFoundError
from kb.store.expressions import WriteAlone, code_point_order
from kb.store.schema import account_aliases, users
from kb.store.sql_account_aliases import alias_holder, drop_aliases, move_aliases, refuse_alias
from kb.store.sql_account_names import move_names
from kb.store.sql_base import SqlBase
from kb.store.sql_grant_changes import grants_of, grants_value, record_changes, revoke_all
from kb.store.sql_outbox_names import move_queued
from kb.validators import utc_now

logger = logging.getLogger(__name__)

# Usernames listed as Python sorts them, on both databases: "Zoe" before "adam"
# (PostgreSQL's locale collation would put them the other way round, and
# `kb users list` and the assignee lists would differ between the two).
_by_name = code_point_order(users.c.username)


def _user_row(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "grants": grants_value(user.grants),
        "password_hash": user.password_hash,
        "must_change_password": user.must_change_password,
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


def no_user_error(username: str) -> NotFoundError:
    return NotFoundError(
        f"no user named {username!r} (exactly: `kb users list` shows each name as stored)",
        details={"username": username},
        key="no_such_user",
        values={"name": username},
    )


def require_account(conn: Connection, username: str) -> bool:
    """NotFoundError unless an account is called exactly `username`; in a write
    transaction this also locks its row (PostgreSQL) until the change is done.
    Whether the account signs in by single sign-on only (no password)."""
    found = select(users.c.password_hash).where(users.c.username == username).with_for_update()
    row = conn.execute(found).first()
    if row is None:
        raise no_user_error(username)
    return row.password_hash is None


def account_and_others(conn: Connection, username: str) -> tuple[User, list[User]]:
    """The account `username` and every other one, as they are now (read after
    `WriteAlone(users)`, no other account change runs beside); NotFoundError
    without it. For rules across accounts: the last administrator."""
    accounts = [user_of(row) for row in conn.execute(select(users))]
    account = next((u for u in accounts if u.username == username), None)
    if account is None:
        raise no_user_error(username)
    return account, [u for u in accounts if u.username != username]


def _holder(conn: Connection, name: str, besides: str) -> str | None:
    """The account other than `besides` that holds `name` in any letter case:
    the exact name first, else the oldest (twins from before 0019 have no key,
    so keys are compared here and not by the index)."""
    key = username_key(name)
    rows = conn.execute(select(users.c.username).order_by(users.c.created, _by_name))
    holders = [
        r.username for r in rows if r.username != besides and username_key(r.username) == key
    ]
    return name if name in holders else (holders[0] if holders else None)


def user_of(row: Row[Any]) -> User:
    """The account a row of `users` holds."""
    return User(
        username=row.username,
        display_name=row.display_name,
        grants=[Grant(role=g["role"], department=g.get("department")) for g in row.grants],
        password_hash=row.password_hash,
        created=row.created,
        session_generation=row.session_generation,
        person_key=row.person_key or "",
        must_change_password=bool(row.must_change_password),
        language=row.language or "",
    )


def new_person_key() -> str:
    """A random `User.person_key`; `#` is in no username, so it never equals one."""
    return f"#{secrets.token_hex(16)}"


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
    for (name,) in conn.execute(pending.order_by(users.c.created, _by_name)).all():
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


def _merge(conn: Connection, old: str, new: str, holder: str | None) -> str:
    """Remove `old`, whose work goes to `holder` (the account `new` names in any
    letter case); NotFoundError when there is none. Returns `holder`."""
    if holder is None:
        raise NotFoundError(
            f"no other user is named {new!r} in any letter case, so there is "
            f"nothing to merge {old!r} into; leave out --merge to rename it",
            details={"username": old, "into": new},
            key="no_such_user",
            values={"name": new},
        )
    # Its roles are not carried over: those `holder` lacks are revoked, in the
    # history `holder` takes over; so the last administrator is not merged
    # into an account without the role (read while no other change runs).
    account, others = account_and_others(conn, old)
    refuse_merging_last_admin(account, holder, others)
    reason = f"not carried over: {old} merged into {holder}"
    revoke_all(conn, old, SYSTEM_USERNAME, reason, keep=grants_of(conn, holder))
    conn.execute(delete(users).where(users.c.username == old))
    return holder


class SqlAccounts(SqlBase):
    """The users part of `SqlStore`."""

    def add_user(self, user: User, *, actor: str = SYSTEM_USERNAME, reason: str = "") -> None:
        try:
            with self._write("add a user") as conn:
                conn.execute(WriteAlone(users))
                refuse_alias(conn, user.username)
                conn.execute(
                    insert(users).values(
                        username=user.username,
                        username_key=username_key(user.username),
                        created=user.created,
                        person_key=user.person_key or new_person_key(),
                        language=user.language,
                        **_user_row(user),
                    )
                )
                now = utc_now()
                granted = changes_of(
                    user.username, [], user.grants, actor=actor, reason=reason, ts=now
                )
                if user.must_change_password:  # created with a temporary password
                    kind = GrantChangeKind.TEMPORARY_PASSWORD
                    given = password_change(user.username, kind, actor=actor, reason=reason, ts=now)
                    granted.append(given)
                record_changes(conn, granted)
        except ConflictError as exc:
            if exc.key == "username_is_alias":
                raise
            raise _taken(user.username, self.find_user(user.username)) from exc

    def get_user(self, username: str) -> User | None:
        with self._read("read a user") as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        return None if row is None else user_of(row)

    def find_user(self, username: str) -> User | None:
        with self._read("find a user") as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
            if row is None:
                key = users.c.username_key == username_key(username)
                row = conn.execute(select(users).where(key)).first()
        return None if row is None else user_of(row)

    def list_users(self) -> list[User]:
        with self._read("list users") as conn:
            return [user_of(row) for row in conn.execute(select(users).order_by(_by_name))]

    def update_user(self, user: User, *, actor: str = SYSTEM_USERNAME, reason: str = "") -> None:
        with self._write("update a user") as conn:
            # The grants before, read under a lock: two changes at once each
            # write what they changed, and never the other's change again.
            before = conn.execute(
                select(users).where(users.c.username == user.username).with_for_update()
            ).first()
            result = conn.execute(
                update(users).where(users.c.username == user.username).values(**_user_row(user))
            )
            if before is not None:
                changed = changes_of(
                    user.username,
                    user_of(before).grants,
                    user.grants,
                    actor=actor,
                    reason=reason,
                    ts=utc_now(),
                )
                record_changes(conn, changed)
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

    def rename_user(
        self,
        old: str,
        new: str,
        *,
        merge: bool = False,
        readdress: Mapping[str, str | None] | None = None,
    ) -> AccountChange:
        with self._write("rename a user") as conn:
            conn.execute(WriteAlone(users))
            sso_only = require_account(conn, old)
            holder = _holder(conn, new, besides=old)
            if holder is None:
                refuse_alias(conn, new, besides=old)
            if merge:
                new = _merge(conn, old, new, holder)
            elif holder is not None:
                raise ConflictError(
                    f"a user named {holder!r} already exists, and usernames that differ only "
                    f"in letter case are one name; to move {old!r}'s requests and history to "
                    f"{holder!r} and remove {old!r}, merge them: `kb users rename {old} "
                    f"{holder} --merge`",
                    details={"username": new, "existing": holder},
                    key="user_exists",
                    values={"name": holder},
                )
            else:
                conn.execute(
                    update(users)
                    .where(users.c.username == old)
                    .values(
                        username=new,
                        username_key=username_key(new),
                        session_generation=users.c.session_generation + 1,
                        # Still the person counted before (accounts from before 0021).
                        person_key=func.coalesce(users.c.person_key, old),
                        # A display name that was the username follows it.
                        display_name=case(
                            (users.c.display_name == old, new), else_=users.c.display_name
                        ),
                    )
                )
            moved = move_names(conn, old, new)
            moved.add("queued notifications", move_queued(conn, old, new, readdress or {}))
            # No former name while another account (a twin from before) holds it.
            sso_only = sso_only and _holder(conn, old, besides=new) is None
            alias = move_aliases(conn, old, new, sso_only=sso_only, now=utc_now())
            # The old name's key may be free now for a twin from before 0019.
            fill_username_keys(conn)
        return AccountChange(username=old, now_named=new, moved=moved.counts, sso_alias=alias)

    def alias_of(self, name: str) -> str | None:
        with self._read("read a former name") as conn:
            return alias_holder(conn, name)

    def aliases(self) -> dict[str, str]:
        with self._read("list former names") as conn:
            rows = conn.execute(select(account_aliases.c.name, account_aliases.c.username))
            return {str(r.name): str(r.username) for r in rows}

    def aliases_of(self, username: str) -> list[str]:
        with self._read("read former names") as conn:
            rows = conn.execute(
                select(account_aliases.c.name).where(account_aliases.c.username == username)
            )
            return sorted(str(r.name) for r in rows)

    def unalias(self, name: str) -> str:
        with self._write("let a former name go") as conn:
            holder = alias_holder(conn, name)
            if holder is None:
                raise NotFoundError(
                    f"{name!r} is no account's former name (`kb users list` shows them)",
                    details={"username": name},
                    key="no_such_alias",
                    values={"name": name},
                )
            conn.execute(
                delete(account_aliases).where(account_aliases.c.name_key == username_key(name))
            )
        return holder

    def unalias_all(self, username: str) -> list[str]:
        with self._write("let former names go") as conn:
            return drop_aliases(conn, username)
