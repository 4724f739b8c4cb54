"""Pictures of Markdown articles kept with the snapshot: the bytes that were
checked, found again by their SHA-256, and picked up when only a picture
changes (the article's file untouched)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from indexer.build import IndexBuilder
from indexer.originals import original_path
from indexer.reader import SnapshotReader
from kb.records import Article
from kb.settings import Settings
from tests.support import HashingEmbedder

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


def _article(settings: Settings) -> tuple[Article, Path]:
    snap = SnapshotReader(settings.index_path).get()
    article = snap.article("it/printer.md")
    assert article is not None
    return article, snap.path


def test_a_picture_is_kept_and_followed_without_touching_the_article(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    it = tiny_settings.content_path / "it"
    (it / "printer.md").write_text("# Printer\n\nText.\n\n![Panel](pics/panel.png)\n")
    builder = IndexBuilder(tiny_settings, embedder=hashing_embedder)
    report = builder.run()
    assert any("pics/panel.png" in w and "no such file" in w for w in report.warnings)
    article, _ = _article(tiny_settings)
    assert article.images == ()

    (it / "pics").mkdir()
    (it / "pics" / "panel.png").write_bytes(PNG)  # the missing picture arrives
    report = builder.run()
    assert report.published and report.updated == 1
    article, snap = _article(tiny_settings)
    (image,) = article.images
    assert image.digest == hashlib.sha256(PNG).hexdigest()
    kept = original_path(snap, image.digest)
    assert kept is not None and kept.read_bytes() == PNG

    assert not builder.run().published  # nothing changed: nothing read again
    newer = PNG + b"new"
    (it / "pics" / "panel.png").write_bytes(newer)
    os.utime(it / "pics" / "panel.png", ns=(1, 1))
    report = builder.run()
    assert report.published and report.updated == 1
    article, snap = _article(tiny_settings)
    assert article.images[0].digest == hashlib.sha256(newer).hexdigest()
    assert original_path(snap, hashlib.sha256(newer).hexdigest()) is not None


def test_a_snapshot_written_before_pictures_still_serves_its_articles(tmp_path: Path) -> None:
    """A web node may read a snapshot whose articles table has no `images`
    column until the next run copies it."""
    import sqlite3

    from indexer import metadata

    path = tmp_path / "meta.sqlite"
    db = sqlite3.connect(path)
    db.executescript(metadata.SCHEMA.replace(", images TEXT", ""))
    db.execute(
        "INSERT INTO articles (id, hash, department, title, status, audience) "
        "VALUES ('it/x.md', 'h', 'it', 'X', 'published', '[\"everyone\"]')"
    )
    db.commit()
    db.close()
    article = metadata.load_article(metadata.open_readonly(path), "it/x.md")
    assert article is not None and article.title == "X" and article.images == ()


def test_the_first_run_after_an_upgrade_reads_every_article_again_for_its_pictures(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """An article indexed before pictures were kept would show its alt text
    until its file changed: a snapshot without the manifest's `article_images`
    makes the next run read every file again, once."""
    import json
    import sqlite3

    from indexer import snapshot
    from indexer.write import IMAGES_STORED

    it = tiny_settings.content_path / "it"
    (it / "printer.md").write_text("# Printer\n\nText.\n\n![Panel](panel.png)\n")
    (it / "panel.png").write_bytes(PNG)
    builder = IndexBuilder(tiny_settings, embedder=hashing_embedder)
    first = builder.run()
    # What an older version left: no pictures kept, and no mark saying so.
    current = snapshot.current_path(tiny_settings.index_path)
    db = sqlite3.connect(current / "meta.db")
    db.execute("UPDATE articles SET images = NULL")
    db.commit()
    db.close()
    manifest = snapshot.read_manifest(current)
    del manifest[IMAGES_STORED]
    (current / snapshot.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert _article(tiny_settings)[0].images == ()

    again = builder.run()
    assert again.published and again.updated == first.articles  # every file read again
    assert again.embedded_passages == 0  # vectors from the cache
    (image,) = _article(tiny_settings)[0].images
    assert image.digest == hashlib.sha256(PNG).hexdigest()
    assert not builder.run().published  # once


def test_a_picture_saved_in_the_other_unicode_form_is_kept(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """ "Büro.png" typed composed (NFC) in the Markdown, saved decomposed (NFD,
    as macOS writes names): read, kept with the snapshot, never reported missing."""
    it = tiny_settings.content_path / "it"
    (it / "printer.md").write_text("# Printer\n\nText.\n\n![Office](B\u00fcro.png)\n")
    (it / "Bu\u0308ro.png").write_bytes(PNG)
    report = IndexBuilder(tiny_settings, embedder=hashing_embedder).run()
    assert not [w for w in report.warnings if "ro.png" in w]
    article, snap = _article(tiny_settings)
    (image,) = article.images
    assert image.path == "it/B\u00fcro.png"
    kept = original_path(snap, image.digest)
    assert kept is not None and kept.read_bytes() == PNG
