"""Two editors saving one article at the same moment from the version they
both opened, each through a web process of its own (its own store on the
same database), on SQLite and PostgreSQL: one save wins, the other gets a
conflict that carries the current version and the text it sent; nothing is
overwritten unseen."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from kb.authoring.errors import ContentReadOnlyError, StaleEditError
from kb.authoring.records import ArticleVersion
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.store.factory import create_store
from tests.kb.authoring.test_service import ARTICLE, CARL, CORA


def test_two_editors_saving_at_once_one_wins_the_other_gets_a_conflict(
    store_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    stores = [create_store(store_url) for _ in range(2)]
    services = [
        AuthoringService(root, version_store(s), lambda: load_departments(root)) for s in stores
    ]
    try:
        opened = services[0].open(CORA, "it/vpn.md")
        start = threading.Barrier(2, timeout=10)
        results: dict[str, ArticleVersion | StaleEditError] = {}

        def save(n: int, summary: str) -> None:
            editor = (CORA, CARL)[n]
            fields = replace(opened.fields, summary=summary)
            start.wait()
            try:
                results[summary] = services[n].save(
                    editor, "it/vpn.md", fields, base_version=opened.version
                )
            except StaleEditError as exc:
                results[summary] = exc

        threads = [threading.Thread(target=save, args=(n, s)) for n, s in enumerate(("A.", "B."))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        [won] = [v for v in results.values() if isinstance(v, ArticleVersion)]
        [(lost_summary, lost)] = [
            (k, v) for k, v in results.items() if isinstance(v, StaleEditError)
        ]
        assert won.number == opened.version + 1
        assert lost.current.number == won.number and lost.current.text == won.text
        assert lost.details["your_version"] == opened.version
        # The loser's text is not written, and is not lost: the conflict carries it.
        assert f"summary: {lost_summary}" in lost.yours
        assert (root / "it" / "vpn.md").read_text(encoding="utf-8") == won.text
        history = services[1].history(CARL, "it/vpn.md")
        assert [v.number for v in history] == [1, 2]
    finally:
        for opened_store in stores:
            opened_store.close()


def test_a_read_only_node_s_lagging_copy_never_becomes_a_version(
    store_url: str, tmp_path: Path
) -> None:
    """The authoring node saves while a read-only web node's copy of the content
    folder still holds the text before (it is copied later): an owner opening
    the history there, or trying a restore there, records nothing. Before, the
    copy's older text was stored as the newest version ("found on disk"),
    the authoring node's next save from what its editor opened was refused as
    stale, and the older text came back as a version of its own."""
    authoring_root, copy_root = tmp_path / "content", tmp_path / "copy"
    for root in (authoring_root, copy_root):
        (root / "it").mkdir(parents=True)
        (root / "it" / "vpn.md").write_text(ARTICLE, encoding="utf-8")
    stores = [create_store(store_url) for _ in range(2)]
    writer = AuthoringService(
        authoring_root, version_store(stores[0]), lambda: load_departments(authoring_root)
    )
    reader = AuthoringService(
        copy_root,
        version_store(stores[1]),
        lambda: load_departments(copy_root),
        writable=False,
        authoring_url="https://kb-edit.example.org/manage/",
    )
    try:
        opened = writer.open(CORA, "it/vpn.md")
        saved = writer.save(
            CORA, "it/vpn.md", replace(opened.fields, summary="New."), base_version=1
        )
        assert saved.number == 2
        # The read-only node, before its copy caught up.
        assert [v.number for v in reader.history(CARL, "it/vpn.md")] == [1, 2]
        with pytest.raises(ContentReadOnlyError):
            reader.restore(CARL, "it/vpn.md", 1, base_version=2)
        assert [v.number for v in writer.history(CORA, "it/vpn.md")] == [1, 2]
        again = writer.open(CORA, "it/vpn.md")
        assert again.version == 2
        third = writer.save(
            CORA, "it/vpn.md", replace(again.fields, summary="Newer."), base_version=2
        )
        assert third.number == 3 and "summary: Newer." in third.text
    finally:
        for opened_store in stores:
            opened_store.close()
