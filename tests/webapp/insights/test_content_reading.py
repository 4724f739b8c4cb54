"""The content-health page reads the content root ahead and renders only what
changed: the first visit finds the articles read, a later reading renders only
the files changed since."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.content import scanner
from kb.settings import Settings
from kb.store.protocols import Store
from tests.conftest import FIXTURES, SAMPLE_CONTENT
from tests.support import sign_in_as
from webapp.insights import content_reading
from webapp.insights.schedule import read_content_ahead


@pytest.fixture
def scans(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The content fixture in place; the articles each reading of it rendered."""
    shutil.copytree(FIXTURES / "content", settings.content_path)
    rendered: list[list[str]] = []
    real_read, real_scan = scanner.read_entries, scanner.scan_content

    def read_entries(root: Path, entries: Any, *args: Any, **kwargs: Any) -> Any:
        entries = list(entries)
        if rendered:  # in a reading of the content root (not the indexer's own)
            rendered[-1].extend(e.id for e in entries)
        return real_read(root, entries, *args, **kwargs)

    def scan_content(root: Path, **kwargs: Any) -> scanner.ContentScan:
        rendered.append([])
        return real_scan(root, **kwargs)

    monkeypatch.setattr(scanner, "read_entries", read_entries)
    monkeypatch.setattr(scanner, "scan_content", scan_content)
    return rendered


def test_the_first_visit_finds_the_content_read_ahead(
    app: Flask, client: FlaskClient, store: Store, scans: list[list[str]]
) -> None:
    from kb.accounts.service import add_user

    reading = read_content_ahead(app)
    reading.join(timeout=120)
    assert not reading.is_alive()
    assert len(scans) == 1 and "hr/annual-leave.md" in scans[0]
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    response = client.get("/insights/content")
    assert response.status_code == 200
    assert len(scans) == 1  # not read again


def test_a_later_reading_renders_only_the_files_that_changed(
    app: Flask,
    client: FlaskClient,
    store: Store,
    settings: Settings,
    scans: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    assert client.get("/insights/content").status_code == 200
    changed = settings.content_path / "hr" / "sick-leave.md"
    changed.write_text(changed.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    monkeypatch.setattr(content_reading, "SCAN_SECONDS", -1.0)  # the minute is over
    assert client.get("/insights/content").status_code == 200
    assert len(scans) == 2
    assert "hr/annual-leave.md" in scans[0]
    assert scans[1] == ["hr/sick-leave.md"]


def test_a_worker_s_first_reading_takes_the_indexed_articles_from_the_snapshot(
    app: Flask, client: FlaskClient, store: Store, settings: Settings, scans: list[list[str]]
) -> None:
    from indexer.build import IndexBuilder
    from kb.accounts.service import add_user
    from tests.support import HashingEmbedder

    indexing = Settings.load(
        {
            "content_dir": str(settings.content_path),
            "index_dir": str(settings.index_path),
            "secondary_model": "",
        },
        environ={},
    )
    IndexBuilder(indexing, embedder=HashingEmbedder()).run()
    scans.clear()
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    response = client.get("/insights/content")
    assert response.status_code == 200
    assert scans == [["it/draft-printers.md"]]  # the draft alone: it is not indexed


def _index(settings: Settings) -> str:
    """Index the content (the hashing embedder alone); the snapshot's name."""
    from indexer.build import IndexBuilder
    from tests.support import HashingEmbedder

    indexing = Settings.load(
        {
            "content_dir": str(settings.content_path),
            "index_dir": str(settings.index_path),
            "secondary_model": "",
        },
        environ={},
    )
    return str(IndexBuilder(indexing, embedder=HashingEmbedder()).run().snapshot)


def test_a_visit_with_the_snapshot_unchanged_reads_nothing_and_a_new_snapshot_reads_again(
    app: Flask,
    client: FlaskClient,
    store: Store,
    settings: Settings,
    scans: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Documents (and articles with pictures) were read again on every reading
    after the minute, and then on every new snapshot; a reading now serves while
    its snapshot is published, and the next one reads only what changed."""
    from kb.accounts.service import add_user

    shutil.copy(SAMPLE_CONTENT / "it" / "shared-mailbox-runbook.txt", settings.content_path / "it")
    first = _index(settings)
    scans.clear()
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    assert client.get("/insights/content").status_code == 200
    assert scans == [["it/draft-printers.md", "it/shared-mailbox-runbook.txt"]]
    monkeypatch.setattr(content_reading, "SCAN_SECONDS", -1.0)  # the minute is over
    assert client.get("/insights/content").status_code == 200
    assert len(scans) == 1  # nothing read: not even the document
    changed = settings.content_path / "hr" / "sick-leave.md"
    changed.write_text(changed.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    assert _index(settings) != first
    assert client.get("/insights/content").status_code == 200
    # only the file changed since: the document is taken over from the reading before
    assert scans[1:] == [["hr/sick-leave.md"]]


def test_findings_from_kept_readings_are_those_of_a_reading_of_every_file(
    app: Flask,
    client: FlaskClient,
    store: Store,
    settings: Settings,
    scans: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Across a new snapshot, with the near-duplicates shared by another worker:
    the findings are those of a worker that reads every file and finds every pair."""
    from kb.accounts.service import add_user
    from kb.insights.factory import SHARED_DIR
    from kb.insights.near_duplicates import _pairs_once

    twin = settings.content_path / "it" / "vpn-setup-copy.md"
    twin.write_text((settings.content_path / "it" / "vpn-setup.md").read_text("utf-8"), "utf-8")
    _index(settings)
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    api = "/api/insights/content"
    client.get(api)
    twin.write_text(twin.read_text("utf-8") + "\nA line of its own.\n", "utf-8")
    _index(settings)
    _pairs_once.cache_clear()  # as another worker: the pairs from the shared file
    kept = client.get(api).get_json()
    assert (settings.index_path / SHARED_DIR / "near-duplicates.json").is_file()
    assert "near_duplicate" in {f["kind"] for f in kept["findings"]}
    content_reading.forget_readings()
    _pairs_once.cache_clear()
    shutil.rmtree(settings.index_path / SHARED_DIR)
    monkeypatch.setattr(content_reading, "indexed_scan", lambda index, root: None)
    scans.clear()
    uncached = client.get(api).get_json()
    assert len(scans[0]) == len(list(settings.content_path.rglob("*.md")))  # every file
    assert kept == uncached
