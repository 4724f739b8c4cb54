"""People who sign in, and what they may do.

A user holds grants: a role, optionally limited to one department. An agent
grant for `it` lets its holder work IT's request queue; an agent grant without
a department covers every queue. `has_role` answers exactly that question and
nothing more; policy such as "admins may do everything" lives with the views
that ask.

Passwords are kept only as scrypt hashes (werkzeug's format). Users who sign
in through single sign-on (header mode) have no password hash at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from werkzeug.security import check_password_hash, generate_password_hash

from kb.validators import ensure_text, ensure_utc, normal_name, set_normalised, utc_now

MAX_USERNAME_CHARS = 254  # the longest username: an e-mail address
USERNAME_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._@+-]{0,253}\Z")
# A language code as the interface offers them ("en", "de"), or "" for none.
LANGUAGE_PATTERN = re.compile(r"\A(?:[a-z]{2,3})?\Z")
MIN_PASSWORD_CHARS = 8
# The longest password the sign-in form reads: a longer one could never sign in.
MAX_PASSWORD_CHARS = 1024


# Names the system writes for itself, which no account may take: the command
# line acts as SYSTEM_USERNAME in request histories, and `kb demo traffic` files
# requests as DEMO_USER_PREFIX… people (`--remove` deletes what they filed).
SYSTEM_USERNAME = "kb-cli"
DEMO_USER_PREFIX = "demo-traffic."


def reserved_use(username: str) -> str:
    """What the system uses `username` for when it is one of its own names
    (compared as usernames are: trimmed, NFC, any letter case); "" otherwise."""
    key = username_key(username.strip())
    if key == username_key(SYSTEM_USERNAME):
        return "the command line's name in request histories"
    if key.startswith(username_key(DEMO_USER_PREFIX)):
        return "the people of demo traffic, whose requests `kb demo traffic --remove` deletes"
    return ""


def username_key(username: str) -> str:
    """What tells usernames apart: `Alice` and `alice` are one name (NFC, then
    case-folded). Two accounts under one name could pass for each other in
    lists, mentions, watchers and histories, so the store keeps it unique."""
    return unicodedata.normalize("NFC", username).casefold()


class Role(StrEnum):
    """What a grant lets its holder do."""

    EMPLOYEE = "employee"  # searches, reads, files requests
    AGENT = "agent"  # works a department's request queue
    CONTENT_OWNER = "content_owner"  # writes and publishes a department's articles
    ANALYST = "analyst"  # reads the insights pages
    ADMIN = "admin"  # manages users and settings


@dataclass(frozen=True, kw_only=True)
class Grant:
    """One role, for one department or (department None) for all of them."""

    role: Role
    department: str | None = None

    def __post_init__(self) -> None:
        try:
            set_normalised(self, "role", Role(self.role))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"unknown role {self.role!r}; expected one of {known}") from None
        if self.department is not None:
            ensure_text("department", self.department)
            set_normalised(self, "department", normal_name(self.department))

    @property
    def label(self) -> str:
        """`role:department`, or the role alone for every department."""
        return f"{self.role.value}:{self.department}" if self.department else self.role.value

    def __str__(self) -> str:
        # As an error's value: the id a program sends (the web shows its label).
        return self.label

    def covers(self, role: Role | str, department: str | None = None) -> bool:
        """True when this grant gives `role` for `department` (any department if None)."""
        if self.role != Role(role):
            return False
        if self.department is None or department is None:
            return True
        return self.department == normal_name(department)


@dataclass(frozen=True, kw_only=True)
class User:
    """An account. `username` is the sign-in name and the key in the store."""

    username: str
    display_name: str = ""
    grants: list[Grant] = field(default_factory=list)
    password_hash: str | None = None
    created: datetime = field(default_factory=utc_now)
    # Raised by the store whenever the user's sessions must end (sign-out, a new
    # password, a changed role): a session cookie from before no longer counts.
    session_generation: int = 0
    # Who the account is to insights, whatever it is called: given by the store
    # at creation (a random key no username can equal) and kept on rename, so
    # a renamed person is counted once and a later account given the freed name
    # is someone else. Empty: the username (accounts from before the key).
    person_key: str = field(default="", compare=False)
    # Signed in with a temporary password an administrator gave: until the
    # user chooses their own, they may do nothing else (`kb.accounts.passwords`).
    must_change_password: bool = False
    # The interface language the account last picked ("de"), that mails to it
    # are written in; "" for none. Written only by `set_language`: `update_user`
    # leaves it as it is, so an older copy of the account never undoes a choice.
    language: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.username, str) or not USERNAME_PATTERN.match(self.username):
            raise ValueError(
                f"username must be 1-254 letters, digits or . _ @ + - (starting with a "
                f"letter or digit), got {self.username!r}"
            )
        ensure_text("display_name", self.display_name, allow_empty=True)
        if not self.display_name.strip():
            set_normalised(self, "display_name", self.username)
        if not isinstance(self.grants, list) or not all(isinstance(g, Grant) for g in self.grants):
            raise ValueError(f"grants must be a list of Grant, got {self.grants!r}")
        # Duplicate grants would make "remove this grant" ambiguous; keep the first of each.
        set_normalised(self, "grants", list(dict.fromkeys(self.grants)))
        if self.password_hash is not None:
            ensure_text("password_hash", self.password_hash)
        ensure_text("person_key", self.person_key, allow_empty=True)
        if not isinstance(self.must_change_password, bool):
            raise ValueError(
                f"must_change_password must be True or False, got {self.must_change_password!r}"
            )
        if not isinstance(self.language, str) or not LANGUAGE_PATTERN.match(self.language):
            raise ValueError(
                f"language must be a language code such as 'de' (or empty), got {self.language!r}"
            )
        set_normalised(self, "created", ensure_utc("created", self.created))
        if isinstance(self.session_generation, bool) or not isinstance(
            self.session_generation, int
        ):
            raise ValueError(
                f"session_generation must be an integer, got {self.session_generation!r}"
            )

    def has_role(self, role: Role | str, department: str | None = None) -> bool:
        """True when some grant gives `role`; with `department`, for that department.

        A grant without a department covers every department; asking without a
        department is satisfied by a grant for any department.
        """
        return any(g.covers(role, department) for g in self.grants)

    def departments(self, role: Role | str) -> set[str] | None:
        """Departments where the user holds `role`; None means all of them."""
        found: set[str] = set()
        for grant in self.grants:
            if grant.role == Role(role):
                if grant.department is None:
                    return None
                found.add(grant.department)
        return found

    @property
    def person(self) -> str:
        """What insights count this account by (`person_key`, else the username)."""
        return self.person_key or self.username

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash (always False without one)."""
        return self.password_hash is not None and check_password_hash(self.password_hash, password)


def removed_label(username: str) -> str:
    """What a removed account's history, requests and attachments show instead of
    its username: `maria (removed)`, which no account can ever be called, so a
    later account of the same name inherits none of it."""
    return f"{username} (removed)"


@dataclass(frozen=True, kw_only=True)
class AccountChange:
    """What renaming, merging or removing an account did.

    `now_named` is where the account's work went: the new username, the
    account it was merged into, or `removed_label(username)`. `moved` counts
    the rows that named it, by kind ("requests filed": 3); `unassigned_requests`
    (ids) and `unassigned_tasks` (request id, task number) were open work
    taken from a removed account. `grants_left` are the roles a merged account
    had that the account it went into lacks: a merge does not give them.
    `sso_alias` is the old name, kept for single sign-on, or ""."""

    username: str
    now_named: str
    moved: dict[str, int] = field(default_factory=dict)
    unassigned_requests: list[int] = field(default_factory=list)
    unassigned_tasks: list[tuple[int, int]] = field(default_factory=list)
    grants_left: list[Grant] = field(default_factory=list)
    # The old name kept for single sign-on (`kb.store.sql_account_aliases`): the
    # proxy may send it until the identity provider is renamed too; "" if none.
    sso_alias: str = ""


def hash_password(password: str) -> str:
    """An scrypt hash of `password`, for `User.password_hash`."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    return generate_password_hash(password, method="scrypt")
