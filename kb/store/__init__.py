"""Persistence for everything the app records: events, users, requests, outbox.

Get a store with `create_store(settings.database_url)`; program against the
`Store` protocol. See docs/store.md for the schema and migrations.
"""

from kb.store.base import RequestOrder, Store
from kb.store.factory import create_store

__all__ = ["RequestOrder", "Store", "create_store"]
