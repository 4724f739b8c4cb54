"""Passwords people choose and passwords administrators give.

* `change_own_password`: a signed-in password account chooses a new password,
  proving the current one; the rules are `kb users add`'s (at least
  `MIN_PASSWORD_CHARS`, and no longer than the sign-in form reads). Every
  other session of the account ends; the grant history keeps that it did,
  and when (`password_changed`), never the password.
* `create_account` and `reset_password`: an administrator gives an account a
  one-time temporary password (`temporary_password`, from `secrets`), shown
  once to pass on and kept only as its hash; the account is marked
  `must_change_password`, and can do nothing but choose its own until it has.
  The grant history keeps who gave it and why, never the password.
* `set_password`: an administrator sets an account's password, or removes it
  (single sign-on only; `kb users password`); its sessions end and the grant
  history keeps it (`password_set`, `password_removed`).

Single-sign-on accounts have no password here: the identity provider keeps it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from kb.accounts.grant_history import GrantChange, GrantChangeKind, password_change
from kb.accounts.records import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    SYSTEM_USERNAME,
    User,
    hash_password,
)
from kb.accounts.roles import refuse_unknown_department
from kb.accounts.service import existing_user, hash_chosen_password, make_grant, refuse_reserved
from kb.errors import ConflictError, ValidationError
from kb.store.protocols import Store
from kb.validators import utc_now

logger = logging.getLogger(__name__)

# Letters and digits that cannot be mistaken for one another when read out or
# copied by hand (no 0/O, 1/l/I): 57 symbols, 16 of them about 93 bits.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
_GROUPS, _GROUP_CHARS = 4, 4


@dataclass(frozen=True)
class GivenPassword:
    """An account and the temporary password it was given (shown once, never kept)."""

    user: User
    password: str


def temporary_password() -> str:
    """A random one-time password in groups of four: `Hk7m-pQ3x-…`."""
    groups = (
        "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_CHARS)) for _ in range(_GROUPS)
    )
    return "-".join(groups)


def check_new_password(password: str, field: str = "new_password") -> str:
    """`password` when it keeps the rules of `kb users add` (at least
    MIN_PASSWORD_CHARS characters) and the sign-in form can read it whole
    (at most MAX_PASSWORD_CHARS); ValidationError about `field` otherwise."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValidationError(
            f"the password must have at least {MIN_PASSWORD_CHARS} characters",
            details={"field": field},
            key="password_too_short",
            values={"limit": MIN_PASSWORD_CHARS},
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValidationError(
            f"the password has {len(password)} characters; keep it to {MAX_PASSWORD_CHARS}",
            details={"field": field},
            key="password_too_long",
            values={"limit": MAX_PASSWORD_CHARS},
        )
    return password


def change_own_password(
    store: Store, user: User, current: str, new: str, repeated: str | None = None
) -> User:
    """`user` (signed in) chooses `new`, typed again as `repeated` where a form
    asks it twice, proving `current`. ValidationError naming the field: a
    wrong current password, a new one that breaks the rules, is the current
    one, or differs from its repetition. Returns the account with its new
    session generation: every session from before has ended."""
    if user.password_hash is None:
        raise ConflictError(
            f"{user.username} signs in by single sign-on: the identity provider keeps "
            "the password; change it there",
            details={"username": user.username},
            key="password_sso_account",
            values={"name": user.username},
        )
    if not user.check_password(current):
        raise ValidationError(
            "the current password is wrong",
            details={"field": "current_password"},
            key="password_current_wrong",
        )
    check_new_password(new)
    if repeated is not None and repeated != new:
        raise ValidationError(
            "the new password and its repetition differ; type the same password twice",
            details={"field": "new_password_again"},
            key="password_repeat_differs",
        )
    if new == current:
        raise ValidationError(
            "the new password is the current one; choose another",
            details={"field": "new_password"},
            key="password_unchanged",
        )
    changed = store.change_password(user.username, hash_password(new))
    logger.warning(
        "accounts: %s chose a new password; their other sessions have ended", user.username
    )
    return changed


def create_account(
    store: Store,
    username: str,
    role: str,
    department: str | None = None,
    display_name: str = "",
    *,
    actor: str,
    reason: str,
    departments: Collection[str] | None = None,
) -> GivenPassword:
    """A new account `username` with one grant and a temporary password, marked
    `must_change_password`, by `actor` for `reason` (the grant history keeps
    both). The username rules are `kb users add`'s; ConflictError when the
    name is taken (in any letter case); ValidationError (field `department`)
    for a department not among `departments`, where given."""
    name = username.strip()
    refuse_reserved(name)
    grant = make_grant(role, department)
    refuse_unknown_department(grant, departments)
    password = temporary_password()
    try:
        user = User(
            username=name,
            display_name=display_name.strip(),
            grants=[grant],
            password_hash=hash_password(password),
            must_change_password=True,
        )
    except ValueError as exc:
        raise ValidationError(
            str(exc), details={"field": "username"}, key="bad_username", values={"value": name}
        ) from None
    # The account, its grant and its temporary password's history row: one transaction.
    store.add_user(user, actor=actor, reason=reason)
    logger.warning("accounts: %s created %s with a temporary password", actor, name)
    return GivenPassword(store.get_user(name) or user, password)


def reset_password(store: Store, username: str, *, actor: str, reason: str) -> GivenPassword:
    """A new temporary password for the account `username` (exactly as stored):
    marked `must_change_password`, its sessions ended, kept in the grant
    history by `actor` for `reason`. ConflictError for a single-sign-on
    account, which has no password here."""
    existing = existing_user(store, username, "the accounts page lists the accounts")
    if existing.password_hash is None:
        raise ConflictError(
            f"{username} signs in by single sign-on and has no password here to reset",
            details={"username": username},
            key="password_sso_account",
            values={"name": username},
        )
    password = temporary_password()
    user = store.set_temporary_password(
        existing.username, hash_password(password), actor=actor, reason=reason
    )
    logger.warning("accounts: %s reset the password of %s; their sessions ended", actor, username)
    return GivenPassword(user, password)


def set_password(
    store: Store,
    username: str,
    password: str | None,
    *,
    password_sign_in: bool = True,
    actor: str = SYSTEM_USERNAME,
    reason: str = "",
) -> User:
    """A new password (at least 8 characters), or None: single sign-on only (the
    account can no longer sign in with a password). Ends the user's sessions.
    None is refused for the last administrator with a password while people
    sign in by one (`password_sign_in`, auth_mode local; `kb.accounts.last_admin`).
    The grant history keeps it (`password_set`, `password_removed`), by `actor`
    for `reason`, in the transaction that writes it; never the password. None
    for an account that has no password changes nothing: no row, its sessions
    go on."""
    existing = existing_user(store, username, "add it with `kb users add`")
    if password is None and existing.password_hash is None:
        logger.info("accounts: %s is single sign-on only already; nothing changed", username)
        return existing
    password_hash = hash_chosen_password(password) if password is not None else None
    kind = GrantChangeKind.PASSWORD_SET if password_hash else GrantChangeKind.PASSWORD_REMOVED
    store.update_sign_in(
        existing.username,
        password_hash=password_hash,
        drop_password=password_hash is None,
        password_sign_in=password_sign_in,
        change=_password_row(existing.username, kind, actor, reason),
    )
    store.end_sessions(username)
    user = existing_user(store, username, "it was removed meanwhile")
    done = "has a new password" if password is not None else "is single sign-on only now"
    logger.warning("accounts: %s %s; their sessions have ended", username, done)
    return user


def _password_row(username: str, kind: GrantChangeKind, actor: str, reason: str) -> GrantChange:
    """The grant history's row of a password an administrator set or removed."""
    return password_change(username, kind, actor=actor, reason=reason, ts=utc_now())
