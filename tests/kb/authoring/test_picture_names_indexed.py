"""Which published articles name a picture not there yet, taken from the index
where it read the very bytes on disk: the same decisions as rendering every
published article, for random articles and for articles edited, added or
deleted since the index run, restricted ones and other folders alike; only
articles the index did not read from those bytes are rendered."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from indexer import metadata, snapshot
from indexer.build import IndexBuilder
from indexer.named_pictures import indexed_pictures, recorded_pictures
from kb.accounts.records import Grant, Role, User
from kb.attachments.records import Upload
from kb.authoring.picture_names import published_naming
from kb.authoring.picture_stage import PictureStage
from kb.authoring.pictures import PictureUploads
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.readers import read_article
from kb.content.scanner import load_departments
from kb.content.stat_cache import FileCache
from kb.errors import ConflictError, ContentError
from kb.settings import Settings
from kb.store.factory import create_store
from tests.kb.authoring.test_picture_names import Renders, random_article, rendered_decision
from tests.support import HashingEmbedder

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HELGA = User(username="helga", grants=[Grant(role=Role.CONTENT_OWNER, department="hr")])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    root = tmp_path / "content"
    (root / "hr" / "forms").mkdir(parents=True)
    (root / "it").mkdir()
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    (root / "hr" / "forms" / "leave.md").write_text("# Leave\n\nText.\n", encoding="utf-8")
    (root / "it" / "vpn.md").write_text("# VPN\n\nText.\n", encoding="utf-8")
    # No second model: its vectors play no part here, and loading it takes seconds.
    paths = {"content_dir": str(root), "index_dir": str(tmp_path / "index")}
    return Settings.load({**paths, "secondary_model": ""}, environ={})


def _write(settings: Settings, article_id: str, text: str) -> None:
    path = settings.content_path / article_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _index(settings: Settings) -> None:
    assert IndexBuilder(settings, embedder=HashingEmbedder()).run().published


def _naming(
    settings: Settings,
    named: FileCache[frozenset[str]] | None = None,
    *,
    indexed: bool = True,
    picture: str = "form.png",
) -> list[str]:
    return published_naming(
        settings.content_path,
        "hr/forms/leave.md",
        picture,
        max_bytes=100_000,
        render_seconds=10,
        named=named,
        indexed=partial(indexed_pictures, settings.index_path) if indexed else None,
    )


def _recorded_as_indexed(root: Path, ids: list[str]) -> sqlite3.Connection:
    """A snapshot's metadata database holding the published articles `ids` as
    the indexer reads and records them (`read_article`, `add_article`): the
    random articles below, without building keyword and vector indexes."""
    db = sqlite3.connect(":memory:")
    db.executescript(metadata.SCHEMA)
    for article_id in ids:
        try:
            article, _ = read_article(str(root / article_id), article_id, 100_000, 10)
        except ContentError:
            continue
        if article.is_searchable:
            metadata.add_article(db, article, [])
    return db


def test_random_indexed_articles_are_judged_as_rendering_judges_them(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The random articles of the rendering comparison, as the index records
    # them: what it recorded never decides otherwise than rendering in full.
    chosen = random.Random(20261203)
    expected, ids = [], []
    for n in range(400):
        raw = random_article(chosen)
        article_id = f"hr/forms/r{n:03d}.md"
        ids.append(article_id)
        (settings.content_path / article_id).write_bytes(raw)
        if rendered_decision(raw, article_id, "hr/forms/form.png"):
            expected.append(article_id)
    db = _recorded_as_indexed(settings.content_path, ids)
    recorded = recorded_pictures(db, ids)
    assert len(recorded) > 300  # the drafts (about a tenth) are not indexed
    renders = Renders(monkeypatch)
    found = published_naming(
        settings.content_path,
        "hr/forms/leave.md",
        "form.png",
        max_bytes=100_000,
        render_seconds=10,
        indexed=partial(recorded_pictures, db),
    )
    assert found == expected
    assert 20 <= len(expected) <= 380  # both answers are well represented
    assert set(renders.ids) <= set(ids) - set(recorded)  # only those may be rendered


def test_an_article_edited_after_the_index_run_is_read_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(settings, "hr/forms/sick.md", "# Sick\n\n![Plan](plan.png)\n")
    _write(settings, "hr/forms/old.md", "# Old\n\n![Form](form.png)\n")
    _write(settings, "hr/forms/kept.md", "# Kept\n\nQ&A ![Form](FORM.png)\n")
    _index(settings)
    _write(settings, "hr/forms/sick.md", "# Sick\n\n![Form](form.png)\n")  # names it now
    _write(settings, "hr/forms/old.md", "# Old\n\n![Plan](plan.png)\n")  # no longer
    renders = Renders(monkeypatch)
    found = _naming(settings)
    assert renders.ids == ["hr/forms/sick.md"]  # old.md cannot hold the name now
    assert found == _naming(settings, indexed=False) == ["hr/forms/kept.md", "hr/forms/sick.md"]


def test_a_new_article_is_rendered_and_a_deleted_one_names_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(settings, "hr/forms/gone.md", "# Gone\n\n![Form](form.png)\n")
    _index(settings)
    (settings.content_path / "hr" / "forms" / "gone.md").unlink()
    _write(settings, "hr/forms/new.md", "# New\n\n![Form](form.png)\n")
    renders = Renders(monkeypatch)
    assert _naming(settings) == ["hr/forms/new.md"]
    assert renders.ids == ["hr/forms/new.md"]
    # The index still holds the deleted article: it is never asked about it.
    assert "hr/forms/gone.md" in indexed_pictures(settings.index_path, ["hr/forms/gone.md"])


def test_only_the_folders_of_the_check_are_read_restricted_articles_as_before(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Restricted to managers: named as the check without the index names it
    # (the uploader owns the department); articles of other departments or
    # folders that the index holds naming a picture of that name are not.
    articles = {
        "hr/forms/pay.md": "---\naudience: [managers]\n---\n# Pay\n\n![Form](form.png)\n",
        "hr/handbook.md": "# Handbook\n\n![Form](forms/form.png)\n",
        "hr/forms-old/leave.md": "# Old\n\n![Form](form.png)\n",
        "hr/forms/sub/deep.md": "# Deep\n\n![Form](form.png)\n",
        "it/forms/leave.md": "# IT\n\n![Form](form.png)\n",
        "it/form.md": "# IT\n\n![Form](forms/form.png)\n",
    }
    for article_id, text in articles.items():
        _write(settings, article_id, text)
    _index(settings)
    assert set(indexed_pictures(settings.index_path, list(articles))) == set(articles)
    renders = Renders(monkeypatch)
    found = _naming(settings)
    assert renders.ids == []
    assert found == _naming(settings, indexed=False) == ["hr/forms/pay.md", "hr/handbook.md"]


def test_a_snapshot_without_recorded_pictures_falls_back_to_rendering(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(settings, "hr/forms/sick.md", "# Sick\n\n![Form](form.png)\n")
    _index(settings)
    db = sqlite3.connect(snapshot.current_path(settings.index_path) / "meta.db")
    db.execute("UPDATE articles SET pictures = NULL")  # rows copied from an older snapshot
    db.commit()
    db.close()
    renders = Renders(monkeypatch)
    assert _naming(settings) == ["hr/forms/sick.md"]
    assert renders.ids == ["hr/forms/sick.md"]


@pytest.fixture
def uploads(settings: Settings, tmp_path: Path) -> Iterator[PictureUploads]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    root = settings.content_path
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=lambda _id: None
    )
    yield PictureUploads(
        service,
        PictureStage(tmp_path / "staged"),
        max_bytes=1_000,
        indexed=partial(indexed_pictures, settings.index_path),
    )
    store.close()


def test_a_new_worker_takes_indexed_articles_from_the_index(
    settings: Settings, uploads: PictureUploads, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):  # '&' may hide a name: without the index each is rendered
        _write(settings, f"hr/forms/a{n}.md", f"# A{n}\n\nQ&A ![P](p{n}.png)\n")
    _write(settings, "hr/forms/sick.md", "# Sick\n\nQ&A ![Form](form.png)\n")
    _index(settings)
    renders = Renders(monkeypatch)
    with pytest.raises(ConflictError) as caught:
        uploads.upload(HELGA, "hr/forms/leave.md", Upload("form.png", PNG))
    assert caught.value.key == "picture_named"
    assert caught.value.details["articles"] == ["hr/forms/sick.md"]
    assert uploads.upload(HELGA, "hr/forms/leave.md", Upload("plan.png", PNG)).name == "plan.png"
    assert renders.ids == []
