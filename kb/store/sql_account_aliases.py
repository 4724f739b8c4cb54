"""Former names of single-sign-on accounts, which the proxy may still send.

Behind a single-sign-on proxy the identity provider names people; renaming an
account here does not rename it there. Until it does, the proxy keeps sending
the old name, and that name, free here now, would become a new, empty
account. So renaming (or merging) an account without a password keeps its
old name as an alias (`account_aliases`): header sign-in under it reaches the
renamed account (`webapp.auth.identity`). The alias is let go when the proxy
first sends the new name (the provider has caught up), when the account is
removed, when the account takes the name back, or by `kb users unalias`.
While it is held, nobody else may take the name (adding, renaming onto it,
a first sign-in under it): the person the proxy sends under it is the
renamed account's, and a second account of the name would receive them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from kb.accounts.records import username_key
from kb.errors import ConflictError
from kb.store.schema import account_aliases


def alias_holder(conn: Connection, name: str) -> str | None:
    """The account whose former name `name` is (in any letter case), if any."""
    row = conn.execute(
        select(account_aliases.c.username).where(account_aliases.c.name_key == username_key(name))
    ).first()
    return None if row is None else str(row.username)


def refuse_alias(conn: Connection, name: str, besides: str | None = None) -> None:
    """ConflictError when `name` is the former name of an account other than
    `besides`: taking it would hand that account's proxy sign-ins to another."""
    row = conn.execute(
        select(account_aliases.c.name, account_aliases.c.username).where(
            account_aliases.c.name_key == username_key(name)
        )
    ).first()
    if row is None or row.username == besides:
        return
    holder, name = str(row.username), str(row.name)
    raise ConflictError(
        f"{name!r} is the former name of {holder!r}, kept because the single-sign-on "
        f"proxy may still send it for them; once the proxy sends {holder!r}, it is let go "
        f"by itself, or now with `kb users unalias {name}`; then the name is free",
        details={"username": name, "existing": holder},
        key="username_is_alias",
        values={"name": name, "holder": holder},
    )


def move_aliases(conn: Connection, old: str, new: str, *, sso_only: bool, now: datetime) -> str:
    """Point `old`'s aliases at `new`; when `old` signs in by single sign-on only
    (and `new` is not `old` in another letter case), keep `old` as one more.
    The alias `new` of the account, if it had one, is its name again. Returns
    the alias made, or ""."""
    conn.execute(delete(account_aliases).where(account_aliases.c.name_key == username_key(new)))
    conn.execute(
        update(account_aliases).where(account_aliases.c.username == old).values(username=new)
    )
    if not sso_only or username_key(old) == username_key(new):
        return ""
    conn.execute(
        insert(account_aliases).values(
            name_key=username_key(old), name=old, username=new, created=now
        )
    )
    return old


def drop_aliases(conn: Connection, username: str) -> list[str]:
    """Let go every former name of `username`; returns them."""
    names = [
        str(r.name)
        for r in conn.execute(
            select(account_aliases.c.name).where(account_aliases.c.username == username)
        )
    ]
    if names:
        conn.execute(delete(account_aliases).where(account_aliases.c.username == username))
    return sorted(names)
