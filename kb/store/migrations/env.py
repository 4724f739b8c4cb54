"""Alembic environment of the store.

There is no alembic.ini: `kb.store.migrate` builds the Alembic config in code
and hands this script an open connection, already inside the transaction (and,
on PostgreSQL, holding the lock) under which the whole upgrade runs.
"""

from __future__ import annotations

from alembic import context

from kb.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the store's migrations run through kb.store.migrate.upgrade() (create_store() "
        "calls it); the alembic command line is not configured for them"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    # Batch mode lets future ALTERs work on SQLite (copy-and-move) as on PostgreSQL.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
