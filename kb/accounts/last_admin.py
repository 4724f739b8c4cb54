"""Some account always holds the administrator role.

Without one nobody could manage accounts on the web (the accounts page and
its API are for administrators alone), so every change that takes the role
away from an account is refused when no other account holds it: revoking it
(`kb.accounts.roles.revoke_role`), removing the account (`kb users remove`)
merging it into an account without the role (`kb users rename --merge`,
which carries no roles over), and, while people sign in by password
(`auth_mode local`), taking the password of the last administrator who has
one (`kb users password --sso-only`): nobody could sign in to administer.
The store asks in the transaction that makes
the change, while no other account change runs beside it
(`kb.store.sql_account_grants`), so two such changes at once cannot each see
the other's administrator still there. Single sign-on replacing an account's
roles with the proxy's groups is not checked: there the identity provider
decides who administers (docs/requests.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.accounts.records import Role, User
from kb.errors import ConflictError


def holds_admin(user: User) -> bool:
    """Whether some grant of `user` is the administrator role."""
    return any(g.role is Role.ADMIN for g in user.grants)


def is_last_admin(account: User, others: Sequence[User]) -> bool:
    """Whether `account` holds the administrator role and none of `others` does."""
    return holds_admin(account) and not any(holds_admin(u) for u in others)


def refuse_revoking_last_admin(username: str, others: Sequence[User]) -> None:
    """ConflictError when none of the `others` holds the administrator role
    (`username` is giving it up)."""
    if not any(holds_admin(u) for u in others):
        raise ConflictError(
            f"{username} is the last administrator; grant another account the role "
            "first (kb users add NAME --role admin)",
            details={"username": username, "role": Role.ADMIN.value},
            key="last_admin",
            values={"name": username},
        )


def refuse_removing_last_admin(account: User, others: Sequence[User]) -> None:
    """ConflictError when `account`, about to be removed, is the last administrator."""
    if is_last_admin(account, others):
        name = account.username
        raise ConflictError(
            f"{name} is the last administrator, and nobody could manage accounts on the "
            f"web without one; grant another account the role first (kb users add NAME "
            f"--role admin), then remove {name}",
            details={"username": name, "role": Role.ADMIN.value},
            key="last_admin_removed",
            values={"name": name},
        )


def refuse_merging_last_admin(account: User, into: str, others: Sequence[User]) -> None:
    """ConflictError when `account`, about to be merged into the account `into`
    (one of `others`, every account but `account`), is the last administrator:
    `into` keeps only its own roles."""
    if is_last_admin(account, others):
        name = account.username
        raise ConflictError(
            f"{name} is the last administrator, and {into} does not hold the role: a "
            f"merge carries no roles over, so nobody could manage accounts on the web "
            f"any more; grant {into} the role first (kb users add {into} --role "
            f"admin), then merge",
            details={"username": name, "into": into, "role": Role.ADMIN.value},
            key="last_admin_merged",
            values={"name": name, "into": into},
        )


def refuse_dropping_last_admin_password(account: User, others: Sequence[User]) -> None:
    """ConflictError when `account`, about to lose its password (single sign-on
    only), is the last administrator with one: while people sign in by password,
    nobody could then sign in to manage accounts."""
    if account.password_hash is None or not holds_admin(account):
        return
    if any(holds_admin(u) and u.password_hash is not None for u in others):
        return
    name = account.username
    raise ConflictError(
        f"{name} is the last administrator who signs in with a password, and sign-in here "
        f"is by password (auth_mode local): without it nobody could sign in to manage "
        f"accounts; give another account the role and a password first (kb users add NAME "
        f"--role admin), then make {name} single sign-on only",
        details={"username": name, "role": Role.ADMIN.value},
        key="last_admin_password",
        values={"name": name},
    )
