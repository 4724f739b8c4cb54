"""Persistence for everything the app records: events, accounts, requests, outbox.

Get a store with `kb.store.factory.store_from_settings(settings)`;
program against the protocols of `kb.store.protocols` (`Store`, or the one
concern you need). See docs/store.md for the schema and migrations.
"""
