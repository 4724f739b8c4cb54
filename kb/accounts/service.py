"""User management and authentication (the service; the sign-in pages are the web's).

Two ways to know who someone is:

* local accounts in the store, with scrypt-hashed passwords: `add_user` and
  `authenticate`;
* header mode behind a single-sign-on proxy: `user_from_headers` turns
  `X-Remote-User` and `X-Remote-Groups` (like `agent:it,analyst`) into a user.
  Whether the headers may be trusted (the proxy's address) is for the web
  layer to check before calling it.

Every signed-in user is an employee; the grants say what more they may do.
`kb.accounts.demo` creates one account per role with known passwords, for
demonstrations only (`make run`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from kb.accounts.grant_history import GrantChangeKind, password_change
from kb.accounts.records import (
    MIN_PASSWORD_CHARS,
    SYSTEM_USERNAME,
    USERNAME_PATTERN,
    AccountChange,
    Grant,
    Role,
    User,
    hash_password,
    reserved_use,
    username_key,
)
from kb.content.departments import is_department_id
from kb.errors import NotFoundError, PermissionDenied, ValidationError
from kb.notify.config import NotifyConfig
from kb.store.protocols import Store
from kb.validators import utc_now

logger = logging.getLogger(__name__)

# Roles that only make sense for one department at a time.
DEPARTMENT_ROLES = frozenset({Role.AGENT, Role.CONTENT_OWNER})

SSO_USER_FIELD = "X-Remote-User"


def parse_role(role: str | Role) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValidationError(
            f"unknown role {role!r}; use one of {known}",
            details={"field": "role", "value": role},
            key="unknown_role",
            values={"value": role, "known": list(Role)},
        ) from None


def refuse_reserved(username: str, field: str = "username") -> None:
    """ValidationError about `field` when `username` is a name the system uses
    for itself (`reserved_use`): an account of that name could pass for the
    command line in histories, or lose its requests to `kb demo traffic --remove`.
    The proxy's header is worded for the person it was sent for."""
    use = reserved_use(username)
    if not use:
        return
    message = f"{field} {username!r} is reserved: it is {use}; choose another name"
    details = {"field": field, "value": username}
    if field == SSO_USER_FIELD:
        raise ValidationError(
            message, details=details, key="sso_user_reserved", values={"value": username}
        )
    raise ValidationError(
        message, details=details, key="reserved_username", values={"value": username}
    )


def make_grant(role: str | Role, department: str | None = None) -> Grant:
    """A grant, checked: department slugs are folder names; only agent and
    content_owner grants name a department."""
    parsed = parse_role(role)
    department = (department or "").strip() or None
    if department is not None:
        if parsed not in DEPARTMENT_ROLES:
            raise ValidationError(
                f"role {parsed.value} is not per department; leave out the department "
                f"{department!r}",
                details={"field": "department", "value": department},
                key="role_not_per_department",
                values={"role": parsed, "value": department},
            )
        department = unicodedata.normalize("NFC", department)
        if not is_department_id(department):
            raise ValidationError(
                f"department {department!r} is not a department id (a folder name such as "
                "it or hr)",
                details={"field": "department", "value": department},
                key="not_department_id",
                values={"value": department},
            )
    return Grant(role=parsed, department=department)


def add_user(
    store: Store,
    username: str,
    role: str | Role,
    department: str | None = None,
    password: str | None = None,
    display_name: str | None = None,
    *,
    actor: str = SYSTEM_USERNAME,
    reason: str = "",
) -> User:
    """Create a user with one grant, or add the grant to an existing user.

    A password (at least 8 characters) is hashed; None leaves an existing
    password alone and gives a new user none (they can only sign in by SSO).
    A grant it did not hold is kept in the grant history, by `actor`, for
    `reason`.
    """
    refuse_reserved(username)
    grant = make_grant(role, department)
    password_hash = hash_chosen_password(password) if password is not None else None
    existing = store.get_user(username)
    if existing is None:
        try:
            user = User(
                username=username,
                display_name=display_name or "",
                grants=[grant],
                password_hash=password_hash,
            )
        except ValueError as exc:
            raise ValidationError(
                str(exc),
                details={"field": "username"},
                key="bad_username",
                values={"value": username},
            ) from None
        store.add_user(user, actor=actor, reason=reason)
        logger.info("accounts: added %s as %s", username, grant.label)
        return user
    _add_grant(store, existing, grant, actor=actor, reason=reason)
    new_hash = password_hash or existing.password_hash
    if display_name or new_hash != existing.password_hash:
        given = None
        if password_hash is not None:  # an administrator set it: kept in the history
            set_by = GrantChangeKind.PASSWORD_SET
            given = password_change(
                existing.username, set_by, actor=actor, reason=reason, ts=utc_now()
            )
        store.update_sign_in(
            username, display_name=display_name, password_hash=password_hash, change=given
        )
    if new_hash != existing.password_hash:
        store.end_sessions(username)  # how they sign in changed: sessions start afresh
    logger.info("accounts: %s now also %s", username, grant.label)
    return existing_user(store, username, "it was removed meanwhile")


def _add_grant(store: Store, existing: User, grant: Grant, *, actor: str, reason: str) -> None:
    """Give `existing` the `grant` in the transaction that reads its grants
    (`Store.change_grants`, which ends its sessions), so a role another change
    took meanwhile is not written back; nothing when it holds the grant."""
    if grant in existing.grants:
        return

    def with_grant(account: User, _others: Sequence[User]) -> list[Grant]:
        return list(account.grants) if grant in account.grants else [*account.grants, grant]

    store.change_grants(existing.username, with_grant, actor=actor, reason=reason)


def rename_user(
    store: Store, old: str, new: str, *, merge: bool = False, notify: NotifyConfig | None = None
) -> AccountChange:
    """Rename the account `old` (exactly as stored) to `new`, carrying its
    requests, tasks, history, attachments, article versions and queued
    notifications over (e-mail to the address `notify` gives the new name);
    its sessions end. With `merge`, `new` is another account (in any letter
    case: the way to resolve `case_twins`): `old`'s work goes to it, and `old`
    is removed; the account merged into keeps its own grants and password, so
    the last administrator is not merged into one without the role."""
    new = unicodedata.normalize("NFC", (new or "").strip())
    if not USERNAME_PATTERN.match(new):
        raise ValidationError(
            f"new username {new!r} is not a username (1-254 letters, digits or . _ @ + -, "
            "starting with a letter or digit)",
            details={"field": "username", "value": new},
            key="bad_username",
            values={"value": new},
        )
    refuse_reserved(new)
    if new == old:
        raise ValidationError(
            f"{old!r} is already called that; give another name",
            details={"field": "username", "value": new},
            key="bad_username",
            values={"value": new},
        )
    before = store.get_user(old)
    holder = store.find_user(new) if merge else None
    target = holder.username if holder is not None else new
    readdress = notify.readdress(old, target) if notify is not None else {}
    change = store.rename_user(old, new, merge=merge, readdress=readdress)
    into = store.get_user(change.now_named) if merge else None
    if before is not None and into is not None:
        left = [g for g in before.grants if not into.has_role(g.role, g.department)]
        change = replace(change, grants_left=left)
    logger.warning(
        "accounts: %s %s %s; their sessions have ended",
        old,
        "merged into" if merge else "renamed to",
        change.now_named,
    )
    return change


def remove_user(
    store: Store, username: str, *, unassign: bool = False, notify: NotifyConfig | None = None
) -> AccountChange:
    """Remove the account `username` (exactly as stored) and end its sessions.
    What it did stays, under `removed_label(username)`; open work assigned to
    it is refused (ConflictError naming it) unless `unassign`, and so is the
    last administrator (`kb.accounts.last_admin`). E-mail queued to
    its address (`notify`) is not sent: a later holder of the address is
    someone else."""
    readdress = notify.readdress(username, None) if notify is not None else {}
    change = store.remove_user(
        username, actor=SYSTEM_USERNAME, unassign=unassign, readdress=readdress
    )
    logger.warning("accounts: removed %s; their history shows %s", username, change.now_named)
    return change


def existing_user(store: Store, username: str, hint: str) -> User:
    """The account `username` (exactly as stored); NotFoundError saying `hint`."""
    existing = store.get_user(username)
    if existing is None:
        raise NotFoundError(
            f"no user named {username!r}; {hint}",
            details={"username": username},
            key="no_such_user",
            values={"name": username},
        )
    return existing


def hash_chosen_password(password: str) -> str:
    """The hash of a password chosen for an account; a ValidationError naming the
    field `password` when it breaks the rules (`kb.accounts.records`)."""
    try:
        return hash_password(password)
    except ValueError as exc:
        raise ValidationError(
            str(exc),
            details={"field": "password"},
            key="password_too_short",
            values={"limit": MIN_PASSWORD_CHARS},
        ) from None


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user when the password is right; None otherwise (unknown name included).
    An account under a reserved name is refused (`refuse_reserved_account`),
    and only once its password is right, so the refusal reveals nothing more.

    The name is matched in any letter case (`find_user`), as usernames are
    unique without regard to case; the user returned has the stored spelling."""
    # Any letter case signs in to the account that holds the name (an account
    # of exactly the name typed first, where twins are left from before).
    user = store.find_user(username) if USERNAME_PATTERN.match(username or "") else None
    if user is None or user.password_hash is None:
        # Check against a dummy hash, so that an unknown name takes as long to
        # refuse as a wrong password and does not reveal which usernames exist.
        User(username="nobody", password_hash=_dummy_hash()).check_password(password)
        return None
    if not user.check_password(password):
        return None
    refuse_reserved_account(user)
    return user


def refuse_reserved_account(user: User) -> None:
    """PermissionDenied when `user` holds a name the system uses for itself: an
    account made before the name was reserved. It may not sign in (its actions
    would pass for the command line's, or be deleted with the demo's) until an
    administrator renames it; what it did is kept and moves with the rename."""
    use = reserved_use(user.username)
    if not use:
        return
    name = user.username
    raise PermissionDenied(
        f"the account {name!r} may not sign in: its name is reserved ({use}); an "
        f"administrator must rename it first, with `kb users rename {name} NEWNAME` or "
        "`kb users check --rename`; its requests and history move with it",
        details={"username": name},
        key="reserved_account",
        values={"name": name},
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-anyones-password")


def parse_groups(groups_header: str | None) -> list[Grant]:
    """Grants from a groups header: `agent:it,analyst,content_owner:hr`.

    Entries are separated by commas; each is a role, optionally `:department`.
    Anything else raises ValidationError naming the entry.
    """
    grants: list[Grant] = []
    for raw in (groups_header or "").split(","):
        item = raw.strip()
        if not item:
            continue
        role, sep, department = item.partition(":")
        if sep and not department.strip():
            raise ValidationError(
                f"group {item!r} names no department after ':'; write role:department "
                "such as agent:it",
                details={"field": "X-Remote-Groups", "value": item},
                key="sso_group_no_department",
                values={"group": item},
            )
        try:
            grants.append(make_grant(role, department if sep else None))
        except ValidationError as exc:
            raise ValidationError(
                f"group {item!r} in X-Remote-Groups: {exc.message}",
                details={"field": "X-Remote-Groups", "value": item},
                key="sso_group_invalid",
                values={"group": item, "known": ", ".join(r.value for r in Role)},
            ) from None
    return list(dict.fromkeys(grants))


def user_from_headers(remote_user: str | None, groups_header: str | None) -> User:
    """The user a trusted SSO proxy says is signed in (no password, not stored)."""
    name = (remote_user or "").strip()
    if not name or not USERNAME_PATTERN.match(name):
        raise ValidationError(
            f"X-Remote-User {remote_user!r} is not a username (letters, digits, . _ @ + -)",
            details={"field": "X-Remote-User", "value": remote_user},
            key="sso_user_invalid",
            values={"value": remote_user or ""},
        )
    refuse_reserved(name, SSO_USER_FIELD)
    return User(username=name, grants=parse_groups(groups_header))


def case_twins(users: Iterable[User]) -> list[list[User]]:
    """Groups of accounts whose usernames differ only in letter case, each
    oldest first (the oldest keeps the name). New twins are refused; these
    come from before, and only a person can tell which account is genuine."""
    groups: dict[str, list[User]] = {}
    for user in users:
        groups.setdefault(username_key(user.username), []).append(user)
    twins = [sorted(g, key=lambda u: (u.created, u.username)) for g in groups.values()]
    return sorted((g for g in twins if len(g) > 1), key=lambda g: g[0].username)


def warn_case_twins(store: Store) -> list[list[User]]:
    """Log a warning for each group of `case_twins` in the store; return them."""
    twins = case_twins(store.list_users())
    for group in twins:
        names = ", ".join(u.username for u in group)
        logger.warning(
            "accounts: %s differ only in letter case and could pass for each other; "
            "%s keeps the name, the others sign in only as typed exactly. Check which "
            "are genuine (`kb users check`)",
            names,
            group[0].username,
        )
    return twins


def system_user() -> User:
    """The operator at the command line: an admin, named in history entries as kb-cli."""
    return User(username=SYSTEM_USERNAME, grants=[Grant(role=Role.ADMIN)])
