"""What each indexed Markdown article names of its folder's pictures, recorded
at index time with the hash of the bytes it was read from; nothing from a
snapshot written before it was recorded, which the next run reads again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from indexer import metadata, snapshot
from indexer.build import IndexBuilder
from indexer.named_pictures import indexed_pictures, recorded_pictures
from indexer.write import PICTURES_NAMED
from kb.content.article_images import IndexedPictures
from kb.settings import Settings
from tests.support import HashingEmbedder

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PRINTER = "# Printer\n\n![Panel](pics/Panel.png) ![Tray](tray.png)\n\n![Far](https://h/x.png)\n"


@pytest.fixture
def tiny_settings(tiny_content: Path, tmp_path: Path) -> Settings:
    """The two-department fixture content, indexed without the second model
    (its vectors play no part here, and loading it takes seconds)."""
    paths = {"content_dir": str(tiny_content), "index_dir": str(tmp_path / "index")}
    return Settings.load({**paths, "secondary_model": ""}, environ={})


def _indexed(settings: Settings, hashing_embedder: HashingEmbedder) -> IndexBuilder:
    it = settings.content_path / "it"
    (it / "printer.md").write_text(PRINTER, encoding="utf-8")
    (it / "tray.png").write_bytes(PNG)  # pics/Panel.png is missing: named all the same
    builder = IndexBuilder(settings, embedder=hashing_embedder)
    assert builder.run().published
    return builder


def test_each_article_records_the_pictures_it_names_with_the_hash_of_its_bytes(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    _indexed(tiny_settings, hashing_embedder)
    ids = ["it/printer.md", "it/vpn-setup.md", "it/draft-printers.md", "it/gone.md"]
    found = indexed_pictures(tiny_settings.index_path, ids)
    raw = (tiny_settings.content_path / "it" / "printer.md").read_bytes()
    assert found["it/printer.md"] == IndexedPictures(
        hashlib.sha256(raw).hexdigest(), ("pics/Panel.png", "tray.png")
    )
    assert found["it/vpn-setup.md"].names == ()
    assert set(found) == {"it/printer.md", "it/vpn-setup.md"}  # a draft is not indexed
    assert indexed_pictures(tiny_settings.index_path, []) == {}


def test_without_an_index_nothing_is_recorded(tmp_path: Path) -> None:
    assert indexed_pictures(tmp_path / "index", ["it/printer.md"]) == {}


def test_a_snapshot_from_before_the_pictures_were_recorded_answers_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "meta.db"
    db = sqlite3.connect(path)
    db.executescript(metadata.SCHEMA.replace(", pictures TEXT", ""))
    db.execute(
        "INSERT INTO articles (id, hash, department, title) VALUES ('it/x.md', 'h', 'it', 'X')"
    )
    db.commit()
    db.close()
    old = metadata.open_readonly(path)
    with pytest.raises(sqlite3.OperationalError):
        recorded_pictures(old, ["it/x.md"])  # `indexed_pictures` answers {} for it
    old.close()
    copied = metadata.open_writable(path)  # as the next run copies it: NULL, not ()
    assert recorded_pictures(copied, ["it/x.md"]) == {}
    copied.close()


def test_the_first_run_after_an_upgrade_records_every_article_again(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """An article indexed before its pictures were recorded would be rendered by
    every first upload of a web process until its file changed: a snapshot
    without the manifest's `article_picture_names` is read again, once."""
    builder = _indexed(tiny_settings, hashing_embedder)
    current = snapshot.current_path(tiny_settings.index_path)
    db = sqlite3.connect(current / "meta.db")
    db.execute("UPDATE articles SET pictures = NULL")
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    db.commit()
    db.close()
    manifest = snapshot.read_manifest(current)
    del manifest[PICTURES_NAMED]
    (current / snapshot.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert indexed_pictures(tiny_settings.index_path, ["it/printer.md"]) == {}

    again = builder.run()
    assert again.published and again.updated == articles
    assert again.embedded_passages == 0  # vectors from the cache
    found = indexed_pictures(tiny_settings.index_path, ["it/printer.md"])
    assert found["it/printer.md"].names == ("pics/Panel.png", "tray.png")
    assert not builder.run().published  # once


def test_a_published_snapshot_without_the_column_answers_nothing(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    _indexed(tiny_settings, hashing_embedder)
    current = snapshot.current_path(tiny_settings.index_path)
    db = sqlite3.connect(current / "meta.db")
    db.execute("ALTER TABLE articles DROP COLUMN pictures")  # as written before it
    db.commit()
    db.close()
    assert indexed_pictures(tiny_settings.index_path, ["it/printer.md"]) == {}
