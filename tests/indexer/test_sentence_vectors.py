"""Each passage's sentence windows get their vectors at index time, with the
setting `answer_quote_by_meaning`, in step with the content (`indexer.sentence_vectors`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

from indexer import sentence_vectors, snapshot
from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from kb.passage_sentences import sentence_windows
from kb.settings import Settings
from tests.support import HashingEmbedder


class Counting(HashingEmbedder):
    """The hashing embedder that remembers the passage-role texts it embeds."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts, progress)


def current_db(settings: Settings) -> sqlite3.Connection:
    name = snapshot.current_name(settings.index_path)
    return sqlite3.connect(snapshot.snapshots_dir(settings.index_path) / name / "meta.db")


def passages(settings: Settings) -> dict[int, tuple[str, str]]:
    """Passage id → (article id, text) of the current snapshot."""
    with current_db(settings) as db:
        return {p: (a, t) for p, a, t in db.execute("SELECT pid, article_id, text FROM passages")}


def rows(settings: Settings) -> dict[int, bytes] | None:
    """Passage id → its stored vectors (None: no table)."""
    with current_db(settings) as db:
        try:
            return dict(db.execute("SELECT pid, vectors FROM sentence_vectors").fetchall())
        except sqlite3.OperationalError:
            return None


def test_each_passage_gets_its_windows_vectors_at_index_time(tiny_settings: Settings) -> None:
    on = tiny_settings.replace(answer_quote_by_meaning=True)
    embedder = Counting()
    report = IndexBuilder(on, embedder=embedder).run()
    snap = SnapshotReader(on.index_path).get()
    several = 0
    expected: set[str] = set()
    for pid, (_, text) in passages(on).items():
        windows = sentence_windows(text)
        found = snap.sentence_vectors(pid, windows)
        if len(windows) < 2:
            assert found is None  # one sentence: nothing to choose between
            continue
        several += 1
        expected.update(windows)
        assert found is not None and found.dtype == np.float16
        assert np.allclose(found, HashingEmbedder().embed(windows), atol=1e-3)
        # Windows cut otherwise (a later split) find no vectors.
        assert snap.sentence_vectors(pid, windows[1:]) is None
    assert several >= 2
    assert report.embedded_windows == len(expected) and expected <= set(embedder.texts)
    snap.close()


def test_without_the_setting_none_are_kept(tiny_settings: Settings) -> None:
    embedder = Counting()
    IndexBuilder(tiny_settings, embedder=embedder).run()
    assert rows(tiny_settings) is None
    on = tiny_settings.replace(answer_quote_by_meaning=True)
    IndexBuilder(on, embedder=embedder).run(full=True)
    assert rows(on)
    # Turned off again: the next snapshot drops them.
    (tiny_settings.content_path / "it" / "vpn-setup.md").unlink()
    IndexBuilder(tiny_settings, embedder=embedder).run()
    assert rows(tiny_settings) is None


def test_a_rebuild_takes_them_from_the_cache(tiny_settings: Settings) -> None:
    on = tiny_settings.replace(answer_quote_by_meaning=True)
    embedder = Counting()
    IndexBuilder(on, embedder=embedder).run()
    before = {passages(on)[p][1]: v for p, v in (rows(on) or {}).items()}
    embedder.texts.clear()
    report = IndexBuilder(on, embedder=embedder).run(full=True)
    assert report.published and report.embedded_windows == 0 and embedder.texts == []
    assert {passages(on)[p][1]: v for p, v in (rows(on) or {}).items()} == before


def test_an_incremental_run_replaces_a_changed_articles_vectors(tiny_settings: Settings) -> None:
    on = tiny_settings.replace(answer_quote_by_meaning=True)
    embedder = Counting()
    IndexBuilder(on, embedder=embedder).run()
    old, old_rows = passages(on), rows(on) or {}
    vpn = tiny_settings.content_path / "it" / "vpn-setup.md"
    added = "Ask for a token if Okta fails."
    vpn.write_text(vpn.read_text().replace("with Okta.", f"with Okta. {added}"))
    embedder.texts.clear()
    report = IndexBuilder(on, embedder=embedder).run()
    new, new_rows = passages(on), rows(on) or {}
    assert set(new_rows) == set(new)
    for pid, (article, _) in old.items():
        if article == "it/vpn-setup.md":
            assert pid not in new_rows  # the changed article's old passages: gone
        else:
            assert new_rows[pid] == old_rows[pid]  # the others' kept as they were
    changed = [(p, t) for p, (a, t) in new.items() if a == "it/vpn-setup.md" and added in t]
    assert changed
    snap = SnapshotReader(on.index_path).get()
    for pid, text in changed:
        windows = sentence_windows(text)
        found = snap.sentence_vectors(pid, windows)
        assert found is not None and np.allclose(found, HashingEmbedder().embed(windows), atol=1e-3)
    snap.close()
    # Only the windows that hold the new sentence were embedded; the rest came from the cache.
    fresh = {w for _, t in changed for w in sentence_windows(t) if added in w}
    assert report.embedded_windows == len(fresh) and fresh <= set(embedder.texts)
    kept = {w for a, t in old.values() if a == "it/vpn-setup.md" for w in sentence_windows(t)}
    assert not kept & set(embedder.texts)


def test_a_snapshot_without_the_table_has_no_vectors() -> None:
    db = sqlite3.connect(":memory:")
    assert sentence_vectors.load(db, 0, ["A. B.", "A. B."]) is None
