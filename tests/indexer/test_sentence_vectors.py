"""Each passage's sentence windows get their vectors at index time, with the
setting `answer_quote_by_meaning`, in step with the content (`indexer.sentence_vectors`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np
import pytest

from indexer import sentence_vectors, snapshot
from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from kb.passage_sentences import sentence_windows
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from tests.support import HashingEmbedder


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model (`secondary_model`): the
    sentence windows are embedded with the first model alone, and loading and
    running the real second one for every index built here was most of these
    tests' time."""
    return tiny_settings.replace(secondary_model="")


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


def close(found: np.ndarray, vectors: np.ndarray) -> bool:
    """Within half an int8 step of each window's vector (its largest magnitude
    over 254) and the float16 rounding the embedding cache adds."""
    step = np.abs(vectors).max(axis=1, keepdims=True) / 254
    return bool((np.abs(found - vectors) <= step + np.abs(vectors) / 1024 + 1e-6).all())


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
        assert found is not None and found.dtype == np.float32
        assert close(found, HashingEmbedder().embed(windows))
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
        assert found is not None and close(found, HashingEmbedder().embed(windows))
    snap.close()
    # Only the windows that hold the new sentence were embedded; the rest came from the cache.
    fresh = {w for _, t in changed for w in sentence_windows(t) if added in w}
    assert report.embedded_windows == len(fresh) and fresh <= set(embedder.texts)
    kept = {w for a, t in old.values() if a == "it/vpn-setup.md" for w in sentence_windows(t)}
    assert not kept & set(embedder.texts)


def test_a_snapshot_without_the_table_has_no_vectors() -> None:
    db = sqlite3.connect(":memory:")
    assert sentence_vectors.load(db, 0, ["A. B.", "A. B."]) is None


def test_int8_rows_round_trip_and_take_half_the_bytes() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(6, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    block, scales = sentence_vectors.encode(vectors)
    assert len(block) + len(scales) == 6 * (384 + 4) < vectors.astype(np.float16).nbytes
    found = sentence_vectors.decode(block, scales, 6)
    assert found is not None and close(found, vectors)
    # Each window's ranking by cosine survives the rounding.
    query = vectors[0] + 0.5 * vectors[3]
    assert np.argsort(found @ query).tolist() == np.argsort(vectors @ query).tolist()
    assert sentence_vectors.decode(block, scales, 5) is None  # other windows: no vectors
    zero = sentence_vectors.decode(*sentence_vectors.encode(np.zeros((2, 4))), 2)
    assert zero is not None and not zero.any()


def as_float16_table(settings: Settings) -> int:
    """Rewrite the current snapshot's table as a snapshot before int8 held it
    (float16, no scales column); returns the bytes its vectors take."""
    texts = passages(settings)
    with current_db(settings) as db:
        pids = [r[0] for r in db.execute("SELECT pid FROM sentence_vectors")]
        db.execute("DROP TABLE sentence_vectors")
        db.execute(
            "CREATE TABLE sentence_vectors"
            " (pid INTEGER PRIMARY KEY, digest BLOB NOT NULL, vectors BLOB NOT NULL)"
        )
        for pid in pids:
            windows = sentence_windows(texts[pid][1])
            block = b""
            if len(windows) > 1:
                block = HashingEmbedder().embed(windows).astype(np.float16).tobytes()
            db.execute(
                "INSERT INTO sentence_vectors VALUES (?, ?, ?)",
                (pid, sentence_vectors.digest(windows), block),
            )
    return stored_bytes(settings)


def stored_bytes(settings: Settings) -> int:
    """The bytes of the table's vectors and scales."""
    with current_db(settings) as db:
        scales = "+ ifnull(length(scales), 0)" if "scales" in columns(db) else ""
        return db.execute(f"SELECT sum(length(vectors) {scales}) FROM sentence_vectors").fetchone()[
            0
        ]


def columns(db: sqlite3.Connection) -> set[str]:
    return {r[1] for r in db.execute("PRAGMA table_info(sentence_vectors)")}


def test_a_float16_snapshot_is_read_and_the_next_run_converts_it(tiny_settings: Settings) -> None:
    """A snapshot written before int8: its float16 rows serve searches as
    they are; the next index run turns them into the int8 rows a fresh build
    writes, embedding only what changed, in half the bytes."""
    on = tiny_settings.replace(answer_quote_by_meaning=True, answer_threshold=0.0)
    embedder = Counting()
    IndexBuilder(on, embedder=embedder).run()
    fresh = rows(on) or {}
    float16 = as_float16_table(on)
    quoted = quote(on, embedder)
    snap = SnapshotReader(on.index_path).get()
    for pid, (_, text) in passages(on).items():
        windows = sentence_windows(text)
        found = snap.sentence_vectors(pid, windows)
        if len(windows) > 1:
            expected = HashingEmbedder().embed(windows).astype(np.float16)
            assert found is not None and (found == expected).all()
    snap.close()
    vpn = tiny_settings.content_path / "it" / "vpn-setup.md"
    vpn.write_text(vpn.read_text().replace("with Okta.", "with Okta. Ask for a token."))
    embedder.texts.clear()
    report = IndexBuilder(on, embedder=embedder).run()
    with current_db(on) as db:
        assert "scales" in columns(db)
        assert not db.execute(
            "SELECT count(*) FROM sentence_vectors WHERE scales IS NULL"
        ).fetchone()[0]
    converted = rows(on) or {}
    kept = {p for p, (a, _) in passages(on).items() if a != "it/vpn-setup.md"}
    assert kept and all(converted[p] == fresh[p] for p in kept)
    # Only the changed passage (and its windows) went through the model.
    new = {
        w for a, t in passages(on).values() if a == "it/vpn-setup.md" for w in sentence_windows(t)
    }
    assert report.embedded_windows == len({w for w in new if "token" in w}) > 0
    assert embedder.texts and all("token" in t for t in embedder.texts)
    assert stored_bytes(on) < 0.75 * float16
    assert quote(on, embedder) == quoted  # int8 quotes as float16 did


def quote(settings: Settings, embedder: Counting) -> str:
    """The answer's highlight for a question whose passage has several
    sentences, from the stored vectors (nothing embedded but the query)."""
    embedder.texts.clear()
    engine = SearchEngine(settings, embedder=embedder)
    answer = engine.search(Query("when do I need a doctor's certificate")).answer
    engine.close()
    assert answer is not None and len(sentence_windows(answer.passage)) > 1
    assert embedder.texts == []
    return answer.highlight
