"""Alembic migrations of the store; run by `kb.store.migrate.upgrade`, not by hand."""
