"""`kb serve`: the web app behind gunicorn (thin CLI over `webapp.server`)."""

from __future__ import annotations

import ipaddress

import click

from kb.cli.options import content_option, index_option, settings_from, settings_origin
from kb.settings import Settings


@click.command("serve")
@content_option
@index_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 for every interface).",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes; each loads the embedding model once.",
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker (more than 1 uses gunicorn's gthread workers).",
)
@click.option(
    "--demo-users",
    is_flag=True,
    help="Create demo accounts (password: the username plus -demo) and print them; only "
    "with a loopback --host unless --allow-demo-users-on-network.",
)
@click.option(
    "--allow-demo-users-on-network",
    is_flag=True,
    help="Allow --demo-users on an address other machines reach (everyone who can reach "
    "it can sign in as admin with a published password).",
)
@click.option(
    "--watch/--no-watch",
    default=None,
    help="Also index files edited in the content folder, as kb index --watch does "
    "(default: setting serve_watch).",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    content_dir: str | None,
    index_dir: str | None,
    host: str,
    port: int,
    workers: int,
    threads: int,
    demo_users: bool,
    allow_demo_users_on_network: bool,
    watch: bool | None,
) -> None:
    """Serve the search pages and the JSON API with gunicorn.

    The store is the setting database_url (KB_DATABASE_URL); the index is
    followed while serving, so `kb index` updates content without a restart.
    With --watch (setting serve_watch), files edited on disk are indexed too.
    """
    from webapp.server import serve

    settings = settings_from(ctx, content_dir=content_dir, index_dir=index_dir, serve_watch=watch)
    if demo_users and not (is_loopback(host) or allow_demo_users_on_network):
        raise click.UsageError(
            f"--demo-users makes accounts whose passwords are printed here and in the docs "
            f"(admin / admin-demo), and --host {host} lets other machines reach them. Serve "
            "on 127.0.0.1 for a demonstration, or add --allow-demo-users-on-network if that "
            "is really meant"
        )
    if threads > settings.database_pool_size:
        click.echo(
            f"warning: --threads {threads} is more than database_pool_size "
            f"({settings.database_pool_size}): when every thread needs the store at once, "
            "some wait for a connection; set KB_DATABASE_POOL_SIZE to at least "
            f"{threads}",
            err=True,
        )
    if demo_users:
        _print_demo_users(settings, f"http://{host}:{port}/auth/sign-in")
    click.echo(
        f"serving on http://{host}:{port}/ with {workers} worker(s); "
        "each loads the search model before it answers"
    )
    serve(
        settings,
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        origin=settings_origin(ctx),
    )


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) is only reachable from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _print_demo_users(settings: Settings, sign_in_url: str) -> None:
    from webapp.server import create_demo_users

    if settings.auth_mode == "header":
        click.echo(
            "--demo-users: auth_mode is header, so people sign in through the single-sign-on "
            "proxy (X-Remote-User, X-Remote-Groups); no demo accounts are made."
        )
        return
    accounts = create_demo_users(settings)
    click.echo(f"Demo accounts (for demonstrations only), sign in at {sign_in_url}:")
    width = max((len(name) for name, _, _ in accounts), default=8)
    for name, password, roles in accounts:
        click.echo(f"  {name:<{width}}  password {password:<{width + 5}}  {', '.join(roles)}")


COMMANDS = [serve_command]
