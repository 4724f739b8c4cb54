"""The site's key (`kb.store.site_keys`): made once, the same for every store
opened on the database, left out of backups."""

from __future__ import annotations

from kb.backup.database import data_tables
from kb.settings import Settings
from kb.store.factory import create_store
from kb.store.protocols import Store
from kb.store.site_keys import with_site_key


def test_the_key_is_made_once_and_shared_by_every_store_on_the_database(
    store: Store, store_url: str
) -> None:
    key = store.site_key()
    assert len(key) == 64 and int(key, 16) >= 0
    again = create_store(store_url)  # a restart, or another node
    try:
        assert again.site_key() == key
    finally:
        again.close()
    assert store.site_key("another") not in ("", key)


def test_a_configured_key_wins_and_the_stored_one_never_signs_manifests(store: Store) -> None:
    unset = Settings.load({}, environ={})
    assert with_site_key(unset, lambda: store).secret_key == store.site_key()
    configured = unset.replace(secret_key="the operator's")
    assert with_site_key(configured, lambda: store).secret_key == "the operator's"
    shared = unset.replace(snapshot_store="database")
    assert with_site_key(shared, lambda: store).secret_key == ""


def test_backups_hold_no_key() -> None:
    assert "site_keys" not in {t.name for t in data_tables()}
