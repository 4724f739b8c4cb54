"""An index whose passages an older cutter cut is cut again by a plain `kb
index` (`indexer.recut`); one cut by the current cutter is left alone."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from indexer import snapshot
from indexer.build import BuildReport, IndexBuilder
from indexer.chunking import CUTTER_VERSION
from indexer.commands import _print
from indexer.reader import SnapshotReader
from indexer.recut import CUTTER_KEY
from kb.content.markdown_article import MAX_TAGS
from kb.settings import Settings
from tests.support import HashingEmbedder


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


TABLE = "\n".join(
    ["| Expense | Limit |", "|---|---|"] + [f"| item {n} | {n} EUR |" for n in range(80)]
)


def _build(settings: Settings, embedder: HashingEmbedder, **kwargs: object) -> BuildReport:
    return IndexBuilder(settings, embedder=embedder, **kwargs).run()  # type: ignore[arg-type]


def _limits_texts(path: Path) -> list[str]:
    db = sqlite3.connect(path / "meta.db")
    try:
        rows = db.execute(
            "SELECT text FROM passages WHERE article_id = 'it/limits.md' ORDER BY ordinal"
        )
        return [row[0] for row in rows]
    finally:
        db.close()


def _as_older_index(path: Path, version: int | None) -> None:
    """The snapshot at `path` as an older cutter left it: the limits table's
    rows run together on one line, the manifest naming `version` (None: no
    version, as before it was recorded)."""
    manifest = snapshot.read_manifest(path)
    if version is None:
        del manifest[CUTTER_KEY]
    else:
        manifest[CUTTER_KEY] = version
    snapshot.write_manifest(path, manifest)
    db = sqlite3.connect(path / "meta.db")
    db.execute("UPDATE passages SET text = replace(text, char(10), ' ') WHERE article_id = ?",
               ["it/limits.md"])  # fmt: skip
    db.commit()
    db.close()


@pytest.fixture
def limits(tiny_settings: Settings) -> Settings:
    (tiny_settings.content_path / "it" / "limits.md").write_text(
        f"---\ntitle: Limits\n---\n## Limits per item\n\n{TABLE}\n", encoding="utf-8"
    )
    return tiny_settings


@pytest.mark.parametrize("version", [None, 1])
def test_an_index_cut_by_an_older_cutter_is_cut_again_by_a_plain_run(
    limits: Settings, hashing_embedder: HashingEmbedder, version: int | None
) -> None:
    first = _build(limits, hashing_embedder)
    path = SnapshotReader(limits.index_path).get().path
    cut = _limits_texts(path)
    assert len(cut) > 1 and all("\n" in text for text in cut)
    _as_older_index(path, version)

    shown: dict[str, int] = {}
    stage = lambda name, total: shown.setdefault(name, total) and None  # noqa: E731
    report = _build(limits, hashing_embedder, stage_progress=stage)
    assert report.published and report.recut_from == 1 and report.recut_articles == 1
    # Only the article cut otherwise is written again; its passages' texts
    # are those of the first build, whose vectors the cache holds.
    assert (report.updated, report.unchanged) == (1, first.added - 1)
    assert report.embedded_passages == 0
    # Every file is read, with a progress bar however few there are.
    assert set(shown) == {"reading", "re-cutting"} and shown["re-cutting"] == first.added
    current = SnapshotReader(limits.index_path).get()
    assert snapshot.read_manifest(current.path)[CUTTER_KEY] == CUTTER_VERSION
    assert _limits_texts(current.path) == cut
    with current.keyword.searcher() as searcher:
        assert searcher.doc_count() == current.vectors.size == report.passages

    again = _build(limits, hashing_embedder)
    assert not again.published and again.recut_from is None and again.unchanged == first.added


def test_an_index_holding_words_the_page_never_shows_is_cut_again(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """Cutter 3 read a Markdown article's text from the markup as written and
    kept every tag: an IT article's words after `<textarea/>` and its tags past
    the 50th were searched, though its page never showed them. An index it cut
    loses them at the next plain run, not only at `kb index --full`."""
    tags = [f"printing{n}" for n in range(MAX_TAGS)]
    (tiny_settings.content_path / "it" / "printer.md").write_text(
        f"---\ntitle: Printer\ntags: [{', '.join([*tags, 'payroll'])}]\n---\n"
        "Print from the portal.\n\n<textarea/>payroll salary bands\n",
        encoding="utf-8",
    )
    _build(tiny_settings, hashing_embedder)
    path = SnapshotReader(tiny_settings.index_path).get().path
    # As cutter 3 left it.
    manifest = snapshot.read_manifest(path)
    manifest[CUTTER_KEY] = 3
    snapshot.write_manifest(path, manifest)
    db = sqlite3.connect(path / "meta.db")
    db.execute(
        "UPDATE passages SET text = text || ' payroll salary bands', tags = ?"
        " WHERE article_id = 'it/printer.md'",
        [json.dumps([*tags, "payroll"])],
    )
    db.commit()
    db.close()
    report = _build(tiny_settings, hashing_embedder)
    assert report.published and report.recut_from == 3 and report.recut_articles == 1
    db = sqlite3.connect(SnapshotReader(tiny_settings.index_path).get().path / "meta.db")
    try:
        rows = db.execute("SELECT text, tags FROM passages WHERE article_id = 'it/printer.md'")
        [(text, kept)] = rows.fetchall()
    finally:
        db.close()
    assert "payroll" not in text and json.loads(kept) == tags


def test_an_index_cut_by_the_current_cutter_is_not_cut_again(
    limits: Settings, hashing_embedder: HashingEmbedder
) -> None:
    first = _build(limits, hashing_embedder)
    path = SnapshotReader(limits.index_path).get().path
    _as_older_index(path, CUTTER_VERSION)
    report = _build(limits, hashing_embedder)
    assert not report.published and report.recut_from is None
    assert report.unchanged == first.added and report.snapshot == path.name
    assert all("\n" not in text for text in _limits_texts(path))  # not read, not cut


def test_the_report_says_the_passages_were_cut_again(capsys: pytest.CaptureFixture[str]) -> None:
    report = BuildReport(articles=5, passages=9, updated=1, unchanged=4, published=True)
    report.recut_from, report.recut_articles, report.snapshot = 1, 1, "20261203T000000-x"
    _print(report.as_dict(), as_json=False)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "passages cut again (they were cut by passage cutter version 1): "
        "1 articles cut into other passages"
    )
