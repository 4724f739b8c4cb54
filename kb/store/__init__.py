"""Persistence for everything the app records: events, accounts, requests, outbox.

Get a store with `kb.store.factory.create_store(settings.database_url)`;
program against the protocols of `kb.store.protocols` (`Store`, or the one
concern you need). See docs/store.md for the schema and migrations.
"""
