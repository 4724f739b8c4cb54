"""`kb users password` and `kb users reset-password`: an account's password set,
removed or reset by an administrator (thin CLI over `kb.accounts.passwords`)."""

from __future__ import annotations

import sys

import click

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import SYSTEM_USERNAME
from kb.cli.options import open_store, settings_from


def echo_temporary(password: str) -> None:
    """The one time a temporary password is shown."""
    click.echo(
        f"temporary password: {password} (shown only now; it must be changed at the first sign-in)"
    )


@click.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--sso-only",
    is_flag=True,
    help="Remove the password: the user signs in by single sign-on only.",
)
@click.option("--reason", default="", help="Why: kept in the grant history.")
@click.pass_context
def users_password(
    ctx: click.Context, name: str, password_stdin: bool, sso_only: bool, reason: str
) -> None:
    """Give user NAME a new password (or none, with --sso-only); every session
    they have open ends, and the grant history keeps it (by kb-cli, never the
    password). While sign-in is by password (auth_mode local), --sso-only is
    refused for the last administrator with a password."""
    from kb.accounts.passwords import set_password

    if password_stdin and sso_only:
        raise click.UsageError("--password-stdin and --sso-only exclude each other")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sso_only:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    settings = settings_from(ctx)
    with open_store(settings) as store:
        before = store.get_user(name)
        if sso_only and before is not None and before.password_hash is None:
            click.echo(f"{before.username}: single sign-on only already; nothing changed")
            return
        user = set_password(
            store, name, password, password_sign_in=settings.auth_mode == "local", reason=reason
        )
    done = "single sign-on only" if sso_only else "new password"
    kind = GrantChangeKind.PASSWORD_REMOVED if sso_only else GrantChangeKind.PASSWORD_SET
    why = f", reason: {reason}" if reason else ", no reason given"
    click.echo(f"{user.username}: {done}; sessions ended")
    click.echo(f"grant history: {kind.value} of {user.username} by {SYSTEM_USERNAME}{why}")


@click.command("reset-password")
@click.argument("name")
@click.option("--reason", default="", help="Why: kept in the grant history.")
@click.pass_context
def users_reset_password(ctx: click.Context, name: str, reason: str) -> None:
    """Give user NAME (exactly as `kb users list` shows it) a one-time temporary
    password, printed once: it must be changed at the next sign-in. Their
    sessions end; the grant history keeps it (by kb-cli, never the password)."""
    from kb.accounts.passwords import reset_password

    with open_store(settings_from(ctx)) as store:
        given = reset_password(store, name, actor=SYSTEM_USERNAME, reason=reason)
    click.echo(f"{given.user.username}: sessions ended")
    echo_temporary(given.password)
