"""Bring a database's schema up to date with Alembic, from code.

`create_store()` calls `upgrade()` on every open. No alembic.ini is needed: the
config is built here and points at the migration scripts shipped inside the
package. The upgrade runs in one transaction, so a failed migration leaves
the schema as it was.

Several processes may open the same database at once (gunicorn workers, a
CLI run beside the web app). The first check is a plain read: at head, there
is nothing to do and nothing is locked. Otherwise the upgrade transaction
first takes the lock the factory hands in (a PostgreSQL advisory lock); on
SQLite the transaction itself starts with BEGIN IMMEDIATE, which already
excludes other writers. Whoever comes second finds the schema at head and
does nothing.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from kb.errors import StoreError
from kb.store.sql_base import READ_ONLY_OPTION

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the store's migrations, optionally bound to a
    connection (which is what `env.py` migrates)."""
    config = Config()
    # configparser interpolation would eat a '%' in the path.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revisions() -> set[str]:
    """The revisions the code expects the database to be at."""
    return set(_scripts().get_heads())


def known_revisions() -> set[str]:
    """Every revision of this version's migrations, old ones included."""
    return {rev.revision for rev in _scripts().walk_revisions()}


def current_revisions(connection: Connection) -> set[str]:
    """The revisions the database is at (empty for a new database)."""
    return set(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine, lock_sql: str | None = None) -> bool:
    """Upgrade the database to head; return True when anything was applied.

    `lock_sql` is run first inside the upgrade transaction and must block until
    no other process is migrating (and release at commit).
    """
    heads = head_revisions()
    with engine.connect() as conn:
        conn.execution_options(**{READ_ONLY_OPTION: True})
        current = current_revisions(conn)
    _refuse_unknown(current, heads)
    if current == heads:
        return False
    with engine.begin() as conn:
        if lock_sql:
            conn.execute(text(lock_sql))
        before = current_revisions(conn)
        _refuse_unknown(before, heads)
        if before == heads:  # another process finished while we waited for the lock
            return False
        _announce(before, heads, engine)
        command.upgrade(alembic_config(conn), "head")
    return True


def _announce(before: set[str], heads: set[str], engine: Engine) -> None:
    """Say which upgrade is about to run. Creating the tables of a new database
    is routine (INFO); changing the schema of one that holds data is a
    WARNING, so that it shows on a command's stderr (the `kb` command logs at
    WARNING and up) and in the server's log, naming both revisions."""
    where = engine.url.render_as_string(hide_password=True)
    if not before:
        logger.info("store: creating the schema of %s at revision %s", where, ", ".join(heads))
        return
    logger.warning(
        "store: upgrading the database schema of %s from revision %s to %s "
        "(automatic migration at start; an older spoc-kb cannot open it afterwards)",
        where,
        ", ".join(sorted(before)),
        ", ".join(sorted(heads)),
    )


def _refuse_unknown(current: set[str], heads: set[str]) -> None:
    unknown = current - known_revisions()
    if unknown:
        raise StoreError(
            f"the database schema is at revision {', '.join(sorted(unknown))}, which this "
            f"version of spoc-kb does not know (it goes up to {', '.join(sorted(heads))}); "
            "run a newer spoc-kb or point KB_DATABASE_URL at another database"
        )
