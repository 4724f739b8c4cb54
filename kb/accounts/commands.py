"""`kb users …`: local accounts and their roles (thin CLI over `kb.accounts`)."""

from __future__ import annotations

import sys

import click

from kb.accounts.password_commands import echo_temporary, users_password, users_reset_password
from kb.accounts.records import SYSTEM_USERNAME, AccountChange
from kb.cli.options import echo_json, json_option, open_store, settings_from
from kb.errors import KbError
from kb.notify.config import NotifyConfig
from kb.records import printable
from kb.settings import Settings
from kb.store.protocols import Store


@click.group()
def users() -> None:
    """Local accounts and their roles."""


users.add_command(users_password)
users.add_command(users_reset_password)


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help="employee, agent, content_owner, analyst or admin.")
@click.option("--department", help="For agent and content_owner: the department (e.g. it).")
@click.option("--display-name", help="Name shown in the app (default: NAME).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="No password: the user signs in by SSO only.")
@click.option(
    "--temporary-password",
    is_flag=True,
    help="A new user only: make a one-time password, print it once; it must be changed "
    "at the first sign-in.",
)
@click.option("--reason", default="", help="Why: kept in the grant history.")
@click.pass_context
def users_add(
    ctx: click.Context,
    name: str,
    role: str,
    department: str | None,
    display_name: str | None,
    password_stdin: bool,
    no_password: bool,
    temporary_password: bool,
    reason: str,
) -> None:
    """Add user NAME with a role, or give an existing user one more role.

    Asks for the password unless --password-stdin, --no-password or
    --temporary-password is given; an existing user keeps their password when
    none is given.
    """
    from kb.accounts.service import add_user, make_grant, refuse_reserved

    if temporary_password and (password_stdin or no_password):
        raise click.UsageError("--temporary-password excludes --password-stdin and --no-password")

    refuse_reserved(name)  # a name and a role that cannot be, before asking for a password
    grant = make_grant(role, department)
    settings = settings_from(ctx)
    if grant.department is not None:
        _warn_unknown_department(settings, grant.department)
    if temporary_password:
        _add_with_temporary_password(settings, name, role, department, display_name, reason)
        return
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not no_password:
        with open_store(settings) as store:
            # In any letter case: a twin of an existing name is refused, so
            # asking for its password first would be for nothing.
            exists = store.find_user(name) is not None
        if not exists:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_store(settings) as store:
        user = add_user(store, name, role, department, password, display_name, reason=reason)
    grants = ", ".join(g.label for g in user.grants)
    click.echo(f"{user.username}: {grants}")


def _add_with_temporary_password(
    settings: Settings,
    name: str,
    role: str,
    department: str | None,
    display_name: str | None,
    reason: str,
) -> None:
    """A new account with a one-time password, printed once (`kb.accounts.passwords`)."""
    from kb.accounts.passwords import create_account

    with open_store(settings) as store:
        given = create_account(
            store, name, role, department, display_name or "", actor=SYSTEM_USERNAME, reason=reason
        )
    grants = ", ".join(g.label for g in given.user.grants)
    click.echo(f"{given.user.username}: {grants}")
    echo_temporary(given.password)


def _warn_unknown_department(settings: Settings, department: str) -> None:
    """A warning when the content folder has no department `department` (a typo,
    `IT` for `it`); the grant is made all the same: the folder may come later."""
    from kb.content.scanner import scan_departments

    root = settings.content_path
    if department == settings.triage_department or not root.is_dir():
        return
    known = sorted(scan_departments(root, settings.triage_department)[0])
    if department not in known:
        click.echo(
            f"warning: {root} has no department folder {department!r}; its departments: "
            f"{', '.join(known) or 'none'} (and the triage queue "
            f"{settings.triage_department!r})",
            err=True,
        )


@users.command("revoke")
@click.argument("name")
@click.option("--role", required=True, help="employee, agent, content_owner, analyst or admin.")
@click.option("--department", help="For agent and content_owner: the department (e.g. it).")
@click.option("--reason", default="", help="Why: kept in the grant history.")
@click.pass_context
def users_revoke(
    ctx: click.Context, name: str, role: str, department: str | None, reason: str
) -> None:
    """Take the role ROLE (for --department) from user NAME (exactly as `kb users
    list` shows it); their sessions end. Kept in the grant history."""
    from kb.accounts.roles import revoke_role

    with open_store(settings_from(ctx)) as store:
        user = revoke_role(store, name, role, department, reason=reason)
    grants = ", ".join(g.label for g in user.grants) or "no roles"
    click.echo(f"{user.username}: {grants}; sessions ended")


@users.command("rename")
@click.argument("old")
@click.argument("new")
@click.option(
    "--merge",
    is_flag=True,
    help="NEW is another account (in any letter case): move OLD's work to it, remove OLD.",
)
@click.pass_context
def users_rename(ctx: click.Context, old: str, new: str, merge: bool) -> None:
    """Rename user OLD (exactly as `kb users list` shows it) to NEW, with their
    requests, tasks, history, attachments, article versions and queued
    notifications (e-mail waiting for OLD's address goes to NEW's); their
    sessions end; insights count them as one person. A NEW that another account holds, in any letter case, is refused unless
    --merge: then OLD's work goes to that account, which keeps its own roles and
    password, and OLD is removed (how to resolve what `kb users check` finds);
    refused when OLD is the last administrator and that account lacks the role."""
    from kb.accounts.service import rename_user

    with open_store(settings_from(ctx)) as store:
        change = rename_user(store, old, new, merge=merge, notify=_notify_config(ctx))
    done = "merged into" if merge else "renamed to"
    click.echo(f"{old}: {done} {change.now_named}{_moved(change)}; sessions ended")
    if change.sso_alias:
        click.echo(
            f"single sign-on: while the proxy still sends {old}, it signs in as "
            f"{change.now_named}; rename {old} at the identity provider too. {old} is let go "
            f"when the proxy first sends {change.now_named}, or now with `kb users unalias {old}`"
        )
    if change.grants_left:
        labels = ", ".join(g.label for g in change.grants_left)
        click.echo(
            f"{change.now_named} did not get {old}'s roles {labels}; give them with "
            f"`kb users add {change.now_named} --role …` where they are wanted"
        )


@users.command("remove")
@click.argument("name")
@click.option(
    "--unassign",
    is_flag=True,
    help="Put open requests and tasks assigned to NAME back in their queues, unassigned.",
)
@click.pass_context
def users_remove(ctx: click.Context, name: str, unassign: bool) -> None:
    """Remove user NAME (exactly as `kb users list` shows it); their sessions end.
    Requests they filed, their history entries, attachments and article versions
    stay, showing `NAME (removed)`; they stop watching requests. Refused while
    open requests or tasks are assigned to them, unless --unassign, and for the
    last administrator."""
    from kb.accounts.service import remove_user

    with open_store(settings_from(ctx)) as store:
        change = remove_user(store, name, unassign=unassign, notify=_notify_config(ctx))
    taken = [f"request {i}" for i in change.unassigned_requests]
    taken += [f"task {t} of request {r}" for r, t in change.unassigned_tasks]
    if taken:
        click.echo(f"unassigned: {', '.join(taken)}")
    click.echo(f"{name}: removed; their history shows {change.now_named}{_moved(change)}")


@users.command("unalias")
@click.argument("name")
@click.pass_context
def users_unalias(ctx: click.Context, name: str) -> None:
    """Let go NAME, the former name of a renamed single-sign-on account (`kb users
    list` shows them): the proxy sending NAME no longer signs in as that account,
    and NAME is free for another. Do it once the identity provider no longer
    sends NAME for that person."""
    with open_store(settings_from(ctx)) as store:
        holder = store.unalias(name)
    click.echo(f"{name}: no longer signs in as {holder}; the name is free")


def _notify_config(ctx: click.Context) -> NotifyConfig:
    """Where mail goes (the requester addresses that queued mail is readdressed
    by, and the queues' addresses, which are left alone)."""
    from kb.content.scanner import load_departments

    settings = settings_from(ctx)
    try:
        departments = load_departments(settings.content_path, settings.triage_department)
    except KbError:  # no content root here: the queues have no addresses to keep apart
        departments = {}
    return NotifyConfig.from_settings(settings, departments)


def _moved(change: AccountChange) -> str:
    if not change.moved:
        return ""
    return " (" + ", ".join(f"{what}: {n}" for what, n in change.moved.items()) + ")"


@users.command("list")
@json_option
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every user with their roles."""
    from kb.accounts.directory import AccountQuery, find_accounts

    with open_store(settings_from(ctx)) as store:
        found = store.list_users()
        accounts = {
            a.user.username: a for a in find_accounts(found, AccountQuery(), store.aliases())
        }
    if as_json:
        echo_json([accounts[u.username].as_dict() for u in found])
        return
    for u in found:
        roles = ", ".join(g.label for g in u.grants) or "-"
        sso = "" if u.password_hash else "  (SSO only)"
        names = accounts[u.username].former_names
        also = f"  (single sign-on also as {', '.join(names)})" if names else ""
        # A name or role a single-sign-on proxy sent: no escape reaches the terminal.
        click.echo(f"{printable(u.username)}\t{printable(roles + sso + also)}")


@users.command("grant-history")
@click.argument("name", required=False)
@json_option
@click.pass_context
def users_grant_history(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """Every role granted, revoked or moved with a department's requests (`kb
    requests move-department --move-grants`) and every password given, set,
    removed or changed, by whom and when, oldest first; of NAME alone when
    given."""
    with open_store(settings_from(ctx)) as store:
        found = store.grant_changes(name)
    if as_json:
        echo_json([c.as_dict() for c in found])
        return
    for c in found:
        when = c.ts.strftime("%Y-%m-%d %H:%M UTC") if c.ts else "-"
        # A reason is an admin's free text, a name a proxy's: no escape reaches the terminal.
        label, actor, reason = (printable(x) for x in (c.label, c.actor, c.reason or "-"))
        click.echo(f"{when}\t{label}\tby {actor}\t{reason}")


@users.command("check")
@click.option(
    "--rename",
    "offer_rename",
    is_flag=True,
    help="Ask for a new name for each account under a reserved name, and rename it.",
)
@click.pass_context
def users_check(ctx: click.Context, offer_rename: bool) -> None:
    """Name accounts whose usernames differ only in letter case, and accounts
    under a name the system uses for itself (exit status 1 when there are any).
    New ones are refused; these come from before, and could pass for each
    other, or for the command line in histories. An account under a reserved
    name cannot sign in until it is renamed; --rename offers the rename."""
    from kb.accounts.records import reserved_use
    from kb.accounts.service import case_twins

    with open_store(settings_from(ctx)) as store:
        if offer_rename:
            _offer_renames(ctx, store)
        users = store.list_users()
    twins = case_twins(users)
    for group in twins:
        names = ", ".join(u.username for u in group)
        click.echo(
            f"{names}: differ only in letter case; {group[0].username} (the oldest) keeps the "
            "name, the others sign in only as typed exactly"
        )
    if twins:
        click.echo(
            "Resolve each: `kb users rename TWIN NEWNAME` when it is someone else, "
            "`kb users rename TWIN OLDEST --merge` when it is the same person, or "
            "`kb users remove TWIN`"
        )
    reserved = [u.username for u in users if reserved_use(u.username)]
    for name in reserved:
        click.echo(
            f"{name}: a name the system uses for itself ({reserved_use(name)}); "
            f"rename it: `kb users rename {name} NEWNAME`"
        )
    if twins or reserved:
        raise SystemExit(1)
    click.echo("no usernames differ only in letter case, none is reserved")


def _offer_renames(ctx: click.Context, store: Store) -> None:
    """Ask for a new name for each account under a reserved name; an empty answer
    leaves it, a refused name (taken, reserved, not a username) is asked again."""
    from kb.accounts.records import reserved_use
    from kb.accounts.service import rename_user

    for user in store.list_users():
        name = user.username
        if not reserved_use(name):
            continue
        while True:
            new = click.prompt(
                f"{name} has a reserved name and cannot sign in; new name (empty: leave it)",
                default="",
                show_default=False,
            ).strip()
            if not new:
                break
            try:
                change = rename_user(store, name, new, notify=_notify_config(ctx))
            except KbError as exc:
                click.echo(f"not renamed: {exc.message}", err=True)
                continue
            click.echo(f"{name}: renamed to {change.now_named}{_moved(change)}; sessions ended")
            break


COMMANDS = [users]
