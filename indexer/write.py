"""Writing a new snapshot from the last one and a plan: metadata, keyword index,
vector index and manifest.

The new snapshot starts as a copy of the previous one (Whoosh segments shared
through hard links), then only the passages of added, changed and removed
articles are touched.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from indexer import (
    heading_vectors,
    keyword_index,
    metadata,
    originals,
    sentence_vectors,
    snapshot,
)
from indexer.chunking import CUTTER_VERSION, chunk_article
from indexer.german_spelling import KEYWORD_ANALYSIS, KEYWORD_ANALYSIS_KEY
from indexer.manifest_signature import signing_key
from indexer.plan import Plan, Stage
from indexer.recut import CUTTER_KEY
from indexer.report import BuildReport
from indexer.secondary import DIM_KEY, KIND_KEY, MODEL_KEY, SECONDARY_VECTORS
from indexer.snapshot_order import SEQUENCE, current_sequence, next_sequence
from indexer.vector_index import (
    VectorIndex,
    create_vector_index,
    grown_past,
    load_vector_index,
)
from kb.records import EVERYONE, Article, Chunk
from kb.settings import Settings

logger = logging.getLogger(__name__)

# Manifest key: the snapshot holds every Markdown article's rendered, sanitised HTML.
HTML_STORED = "article_html"
IMAGES_STORED = "article_images"  # the articles' pictures are kept (`kb.content.article_images`)
# Every Markdown article's row records the pictures it names (`indexer.named_pictures`).
PICTURES_NAMED = "article_picture_names"
# Every Markdown article's HTML gives its tables' header cells a scope
# (`kb.content.table_headers`).
TABLES_SCOPED = "article_table_scopes"

Numbered = list[tuple[int, Chunk]]
PRIMARY = ("vectors.faiss", "vector_kind")  # file and manifest key of its kind
SECOND = (SECONDARY_VECTORS, KIND_KEY)


@dataclass(frozen=True)
class VectorSide:
    """One model's vectors: its recorded name, how new passages are embedded
    (`embed`), and its vector length (asked only for an empty index)."""

    model: str
    embed: Callable[[list[Chunk], BuildReport], np.ndarray]
    dim: Callable[[], int]


class SnapshotWriter:
    """Writes one snapshot folder; `primary` gives the vectors of new passages,
    `secondary` (when set) those of the second model (`indexer.secondary`),
    `embed_queries` those of new section heading paths (`indexer.heading_vectors`),
    `embed_windows` those of new passages' sentence windows, with the setting
    `answer_quote_by_meaning` (`indexer.sentence_vectors`)."""

    def __init__(
        self,
        settings: Settings,
        primary: VectorSide,
        stage: Stage,
        secondary: VectorSide | None = None,
        embed_queries: heading_vectors.EmbedQueries | None = None,
        after: int = 0,
        embed_windows: sentence_vectors.EmbedWindows | None = None,
    ) -> None:
        self.settings = settings
        # The highest sequence the cluster recorded (`indexer.sequence_mark`):
        # the snapshot is numbered above it as well as above the local one.
        self.after = after
        self.model = primary.model
        self.stage = stage
        self.embed = primary.embed
        self.primary = primary
        self.secondary = secondary
        self.embed_queries = embed_queries
        self.embed_windows = embed_windows
        self.index_dir = settings.index_path
        self.languages = settings.language_list

    def write(self, target: Path, previous: Path | None, plan: Plan, report: BuildReport) -> None:
        """Write the snapshot in `target` from `previous` (None: from nothing)."""
        logger.info("writing snapshot %s", target.name)
        if previous:
            shutil.copy2(previous / "meta.db", target / "meta.db")
            # Whoosh never rewrites a segment file once written (deletions live
            # in the new table of contents), so the new snapshot can share the
            # old segments through hard links instead of copying them.
            shutil.copytree(
                previous / "keyword", target / "keyword", copy_function=snapshot.link_or_copy
            )
        db = metadata.open_writable(target / "meta.db")
        removed_pids = metadata.remove_articles(db, sorted(plan.removals))
        next_pid = metadata.max_pid(db) + 1
        if previous:
            next_pid = max(next_pid, int(snapshot.read_manifest(previous).get("next_pid", 0)))
        by_article, next_pid = self._passages(plan, next_pid)
        new = [passage for _, _, numbered in by_article for passage in numbered]
        vectors = self.embed([c for _, c in new], report)
        self._metadata(db, target, previous, plan, by_article, report)
        self._keyword(target, previous, plan, new)
        trains = public_passages(target / "meta.db")
        change = (new, vectors, removed_pids)
        vec = self._vectors(target, previous, change, self.primary, (PRIMARY, trains))
        second: dict[str, object] = {}
        if self.secondary is not None:
            more = self.secondary.embed([c for _, c in new], report)
            change = (new, more, removed_pids)
            side = self._vectors(target, previous, change, self.secondary, (SECOND, trains))
            second = {MODEL_KEY: self.secondary.model, DIM_KEY: side.dim, KIND_KEY: side.kind}
        snapshot.write_manifest(
            target,
            {
                **second,
                "model": self.model,
                "dim": vec.dim,
                "vector_kind": vec.kind,
                "languages": list(self.languages),
                "articles": report.articles,
                "passages": report.passages,
                "vectors": vec.size,
                "next_pid": next_pid,
                SEQUENCE: next_sequence(current_sequence(self.index_dir), self.after),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "content": str(self.settings.content_path),
                HTML_STORED: True,
                IMAGES_STORED: True,
                PICTURES_NAMED: True,
                TABLES_SCOPED: True,
                CUTTER_KEY: CUTTER_VERSION,
                KEYWORD_ANALYSIS_KEY: KEYWORD_ANALYSIS,
                snapshot.FILES: snapshot.checksum_files(target, previous),
            },
            signing_key(self.settings),
        )

    def _passages(
        self, plan: Plan, next_pid: int
    ) -> tuple[list[tuple[Article, str, Numbered]], int]:
        """The passages of every new or changed article, numbered from `next_pid`."""
        by_article: list[tuple[Article, str, Numbered]] = []
        for aid in sorted(plan.upserts):
            article, stat = plan.upserts[aid]
            chunks = chunk_article(
                article, words=self.settings.chunk_words, overlap=self.settings.chunk_overlap
            )
            by_article.append((article, stat, [(next_pid + i, c) for i, c in enumerate(chunks)]))
            next_pid += len(chunks)
        return by_article, next_pid

    def _metadata(
        self,
        db: sqlite3.Connection,
        target: Path,
        previous: Path | None,
        plan: Plan,
        by_article: list[tuple[Article, str, Numbered]],
        report: BuildReport,
    ) -> None:
        tick = self.stage("metadata", len(by_article))
        for article, stat, numbered in by_article:
            metadata.add_article(db, article, numbered, stat)
            if tick is not None:
                tick(1)
        db.executemany(
            "UPDATE articles SET stat = ? WHERE id = ?",
            [(st, aid) for aid, st in plan.restat.items()],
        )
        metadata.write_departments(db, plan.departments.values())
        self._title_vectors(db)
        if self.embed_queries is not None:
            heading_vectors.update(db, self.embed_queries)
        self._sentence_vectors(db, report)
        db.commit()
        originals.link_into(self.index_dir, target, previous, metadata.kept_files(db))
        report.articles, report.passages = metadata.counts(db)
        db.close()

    def _sentence_vectors(self, db: sqlite3.Connection, report: BuildReport) -> None:
        """The new passages' sentence windows embedded for the answer's quote
        while `answer_quote_by_meaning` asks for them; else none kept."""
        if self.embed_windows is None or not self.settings.answer_quote_by_meaning:
            sentence_vectors.drop(db)
            return
        stage = partial(self.stage, "sentence vectors")
        report.embedded_windows += sentence_vectors.update(db, self.embed_windows, stage)

    def _title_vectors(self, db: sqlite3.Connection) -> None:
        """Embed the title of every article that has no title vector yet (new,
        changed, or kept from a snapshot written without them), for
        cross-language queries (search.crosslingual); only while
        `cross_language_title_weight` asks for them."""
        if self.settings.cross_language_title_weight <= 0:
            return
        chunks = metadata.title_chunks_missing(db)
        if chunks:
            # Its own report: the build's counts passages, and titles are not passages.
            vectors = self.embed(chunks, BuildReport())
            metadata.put_title_vectors(db, [c.article_id for c in chunks], vectors)

    def _keyword(self, target: Path, previous: Path | None, plan: Plan, new: Numbered) -> None:
        kw = (
            keyword_index.open_index(target / "keyword")
            if previous
            else keyword_index.create_index(target / "keyword", self.languages)
        )
        keyword_index.apply_changes(
            kw,
            sorted(plan.removals),
            new,
            self.languages,
            processes=keyword_index.writer_processes(self.settings.index_processes),
            tick=self.stage("keyword index", len(new)),
        )
        kw.close()

    def _vectors(
        self,
        target: Path,
        previous: Path | None,
        change: tuple[Numbered, np.ndarray, list[int]],
        side: VectorSide,
        files: tuple[tuple[str, str], Callable[[np.ndarray], np.ndarray]],
    ) -> VectorIndex:
        """One model's vector index: the previous one with `change` applied (new
        passages, their vectors, removed passage ids); `files`: its file name
        and the manifest key of its kind, and which passages train IVF lists."""
        new, vectors, removed_pids = change
        (name, kind_key), trains = files
        ids = np.array([pid for pid, _ in new], dtype=np.int64)
        threshold = self.settings.approximate_threshold
        if previous:
            kind = snapshot.read_manifest(previous)[kind_key]
            vec = load_vector_index(previous / name, kind)
            vec.remove(np.array(removed_pids, dtype=np.int64))
        else:
            dim = vectors.shape[1] if len(vectors) else side.dim()
            training = vectors[trains(ids)] if len(new) > threshold else None
            vec = create_vector_index(dim, threshold, training)
        vec.add(ids, vectors)
        grown = grown_past(vec, threshold, trains)
        if grown is not None:
            logger.info("%d passages: the vector index becomes approximate (IVF)", grown.size)
            vec = grown
        vec.save(target / name)
        return vec


def public_passages(path: Path) -> Callable[[np.ndarray], np.ndarray]:
    """Whether each passage id is one everyone may read (read from the snapshot's
    metadata at `path` on first use): IVF lists are trained on those only
    (`indexer.vector_index`)."""
    public: set[int] = set()

    def trains(ids: np.ndarray) -> np.ndarray:
        if not public:
            db = metadata.open_readonly(path)
            try:
                owners = metadata.passage_owners(db)
            finally:
                db.close()
            public.update(
                p for p, o in owners.items() if EVERYONE in {a.lower() for a in o.audience}
            )
        return np.fromiter((int(i) in public for i in ids), dtype=bool, count=len(ids))

    return trains
