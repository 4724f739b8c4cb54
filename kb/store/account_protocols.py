"""The store's protocol for accounts and their grants (part of `Store`,
`kb.store.protocols`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from kb.accounts.grant_history import GrantChange
from kb.accounts.records import AccountChange, Grant, User

# The grants an account holds after a change, worked out in its transaction from
# the account and every other one (a rule across accounts: the last administrator).
Regrant = Callable[[User, Sequence[User]], Sequence[Grant]]


class AccountStore(Protocol):
    """Accounts and their grants."""

    def add_user(self, user: User, *, actor: str = ..., reason: str = "") -> None:
        """ConflictError when the username is taken, in any letter case (the
        error names the account that has it). Each of its grants is written to
        the grant history as granted by `actor` (default the command line), and
        an account created `must_change_password` (with a temporary password)
        gets a `temporary_password` row, by `actor` for `reason`, in the same
        transaction: a failure anywhere leaves neither account nor rows."""
        ...

    def get_user(self, username: str) -> User | None:
        """The user of exactly that username, None without one."""
        ...

    def find_user(self, username: str) -> User | None:
        """The user that `username` names in any letter case: the exact name
        first, else the account holding the name (`username_key`)."""
        ...

    def list_users(self) -> list[User]:
        """All users, by username."""
        ...

    def set_language(self, username: str, language: str) -> None:
        """Keep the interface language `username` picked ("" for none), that
        mails to the account are written in; NotFoundError without the account,
        ValueError for a code that is no language code."""
        ...

    def account_languages(self) -> dict[str, str]:
        """Username → language of every account that picked one."""
        ...

    def update_user(self, user: User, *, actor: str = ..., reason: str = "") -> None:
        """Replace the stored user of that username (not its session generation);
        NotFoundError when absent. Each grant it gains or loses is written to the
        grant history, by `actor` (default the command line), in the same
        transaction."""
        ...

    def change_grants(self, username: str, change: Regrant, *, actor: str, reason: str) -> User:
        """Give the account `username` (exactly) the grants `change` returns, read
        and written while no other account change runs, and end its sessions; the
        grant history gets each change, by `actor` for `reason`. NotFoundError when
        absent; what `change` raises leaves all as it was (`sql_account_grants`)."""
        ...

    def update_sign_in(
        self,
        username: str,
        *,
        display_name: str | None = None,
        password_hash: str | None = None,
        drop_password: bool = False,
        password_sign_in: bool = False,
        change: GrantChange | None = None,
    ) -> None:
        """Write the display name and password hash given (None: keep it;
        `drop_password`: no password, single sign-on only), never the grants,
        so a role another change gave or took meanwhile stays as it did;
        `change` (a password set or removed) goes to the grant history in
        the same transaction.
        With `password_sign_in` (people sign in by password, `auth_mode
        local`), dropping the password of the last administrator with one is
        refused (ConflictError `last_admin_password`), read while no other
        account change runs. NotFoundError when absent (`sql_account_grants`)."""
        ...

    def change_password(self, username: str, password_hash: str) -> User:
        """The account's own new password (its hash): clears `must_change_password`,
        ends every session (the caller keeps its own by the generation of the
        user returned) and writes a `password_changed` row, by the account
        itself, to the grant history. NotFoundError when absent (`sql_passwords`)."""
        ...

    def set_temporary_password(
        self, username: str, password_hash: str, *, actor: str, reason: str
    ) -> User:
        """A one-time password (its hash) an administrator gave: sets
        `must_change_password`, ends every session and writes a
        `temporary_password` row to the grant history, by `actor` for `reason`.
        NotFoundError when absent."""
        ...

    def end_sessions(self, username: str) -> int:
        """Raise the user's session generation, ending every session signed in
        before; returns the new generation. NotFoundError when absent."""
        ...

    def rename_user(
        self,
        old: str,
        new: str,
        *,
        merge: bool = False,
        readdress: Mapping[str, str | None] | None = None,
    ) -> AccountChange:
        """Rename the account `old` (exactly that username) to `new`, and every
        request, task, history entry, attachment, article version and queued
        notification that names it, in one transaction; its sessions end, its
        `person_key` stays, a display name that was its username follows it.
        Undelivered e-mails whose target is a key of `readdress` go to its value
        instead (None: given up on, with the reason). ConflictError when another
        account holds `new` in any letter case, unless `merge`: then `old`'s work
        goes to that account (which keeps its own grants and password) and `old`
        is removed. An account without a password keeps `old` as an alias for
        single sign-on (`AccountChange.sso_alias`); a `new` that is another
        account's alias is refused (ConflictError), and so is merging the last
        account holding the administrator role into one without it
        (`last_admin_merged`, `kb.accounts.last_admin`). NotFoundError when `old`
        is absent, or with `merge` when no other account holds `new`."""
        ...

    def alias_of(self, name: str) -> str | None:
        """The account whose former name `name` is (any letter case), kept for
        single sign-on (`kb.store.sql_account_aliases`); None when it is none."""
        ...

    def aliases(self) -> dict[str, str]:
        """Every former name kept for single sign-on → the account it signs in as."""
        ...

    def aliases_of(self, username: str) -> list[str]:
        """The former names that sign in as `username`, sorted."""
        ...

    def unalias(self, name: str) -> str:
        """Let the former name `name` go (it is free again); returns the account
        it signed in as. NotFoundError when it is no account's former name."""
        ...

    def unalias_all(self, username: str) -> list[str]:
        """Let every former name of `username` go; returns them."""
        ...

    def remove_user(
        self,
        username: str,
        *,
        actor: str,
        unassign: bool = False,
        readdress: Mapping[str, str | None] | None = None,
    ) -> AccountChange:
        """Remove the account; its history, requests, attachments and queued
        notifications keep its name as `removed_label(username)` and it leaves
        watcher lists; undelivered e-mails are readdressed as `rename_user` does. ConflictError
        naming them when open requests or unfinished tasks are assigned to it,
        unless `unassign`: then they go back to their queues, each request with
        an entry by `actor`. ConflictError (`last_admin_removed`) when it is the
        last account holding the administrator role, read in the transaction that
        would remove it (`kb.store.sql_account_removals`). NotFoundError when absent."""
        ...
