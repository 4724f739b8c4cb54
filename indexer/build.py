"""One `kb index` run: detect what changed, update both indexes, publish.

Unchanged files are recognised by size and modification time, then by content
hash, and are never parsed again; only the passages of added, changed and
removed articles are touched in the keyword and vector indexes. A full rebuild
starts from empty indexes but still takes vectors from the embedding cache.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer import keyword_index, metadata, originals, snapshot
from indexer.chunking import chunk_article
from indexer.embedding.base import Embedder
from indexer.embedding.cache import EmbeddingCache
from indexer.embedding.factory import create_embedder, model_name
from indexer.snapshot_store import SnapshotStore, create_snapshot_store, sync
from indexer.snapshot_store.lock import publisher_lock
from indexer.vector_index import create_vector_index, grown_past, load_vector_index
from kb.content.documents import (
    DocumentDefaults,
    document_key,
    document_stamp,
    load_defaults,
    read_document_file,
    read_sidecar,
)
from kb.content.files import FileEntry
from kb.content.readers import is_document
from kb.content.regular_files import read_regular_file
from kb.content.scanner import read_entries, scan_departments, unique_entries
from kb.errors import ContentError, ModelMismatchError
from kb.records import Article, Chunk, Department, Problem, Severity
from kb.settings import Settings

logger = logging.getLogger(__name__)


def _sha256(path: Path, max_bytes: int) -> str:
    """The hash of a regular file within its limit; '' for anything else (links,
    pipes, devices: `read_regular_file`), which then counts as changed."""
    try:
        return hashlib.sha256(read_regular_file(path, max_bytes, path.name)).hexdigest()
    except ContentError:
        return ""


# Manifest key: the snapshot holds every Markdown article's rendered, sanitised HTML.
HTML_STORED = "article_html"

ProgressFactory = Callable[[int], Callable[[int], None]]
# (stage name, total) -> tick: progress of the stages after embedding.
StageProgress = Callable[[str, int], Callable[[int], None]]
STAGE_PROGRESS_FROM = 1000


@dataclass
class BuildReport:
    """What one run did; `kb index --json` prints it."""

    articles: int = 0
    passages: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded_passages: int = 0
    documents_extracted: int = 0
    documents_cached: int = 0
    extraction_seconds: float = 0.0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    snapshot: str | None = None
    published: bool = False
    # Files and bytes sent to a replicated snapshot store (settings snapshot_store).
    uploaded_files: int = 0
    uploaded_bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Plan:
    departments: dict[str, Department]
    upserts: dict[str, tuple[Article, str]] = field(default_factory=dict)  # id → (article, stat)
    removals: set[str] = field(default_factory=set)
    restat: dict[str, str] = field(default_factory=dict)  # unchanged content, new mtime
    added: int = 0
    updated: int = 0
    unchanged: int = 0


class IndexBuilder:
    """Builds and publishes snapshots for one content root and index folder."""

    def __init__(
        self,
        settings: Settings,
        progress: ProgressFactory | None = None,
        embedder: Embedder | None = None,
        snapshot_store: SnapshotStore | None = None,
        stage_progress: StageProgress | None = None,
    ) -> None:
        self.settings = settings
        self.stage_progress = stage_progress
        self._snapshot_store = snapshot_store
        self.content = settings.content_path
        self.index_dir = settings.index_path
        self.languages = settings.language_list
        self.progress = progress
        self._embedder = embedder
        self.model = embedder.name if embedder else model_name(settings.embedding_model)
        self._defaults: dict[str, DocumentDefaults] = {}

    @property
    def _originals(self) -> originals.OriginalStore:
        return originals.OriginalStore(self.index_dir)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            logger.info("loading embedding model %s", self.model)
            self._embedder = create_embedder(
                self.settings.embedding_model, self.settings.device, self.settings.embed_batch_size
            )
        return self._embedder

    def _stage(self, what: str, total: int) -> Callable[[int], None] | None:
        """A progress tick for one stage of a build (None without a progress bar,
        or for a stage too small to show)."""
        if self.stage_progress is None or total < STAGE_PROGRESS_FROM:
            return None
        return self.stage_progress(what, total)

    @property
    def snapshot_store(self) -> SnapshotStore:
        if self._snapshot_store is None:
            self._snapshot_store = create_snapshot_store(self.settings)
        return self._snapshot_store

    def run(self, full: bool = False, wait_lock: bool = False) -> BuildReport:
        """Build and publish a snapshot if anything changed; with a replicated
        snapshot store, under the cluster-wide publisher lock (`wait_lock`:
        wait for another indexer instead of failing), and pushed to the store."""
        store = self.snapshot_store
        cluster_lock = publisher_lock(
            self.settings.database_url if store.replicated else "", wait=wait_lock
        )
        with snapshot.IndexLock(self.index_dir), cluster_lock:
            return self._run(full, store)

    def _run(self, full: bool, store: SnapshotStore) -> BuildReport:
        started = time.perf_counter()
        report = BuildReport()
        self._catch_up(store, report)
        removed = snapshot.collect_garbage(self.index_dir, self.settings.keep_snapshots)
        if removed:
            logger.info("removed %d old or incomplete snapshots", len(removed))
        previous = self._previous(full)
        prev_manifest = snapshot.read_manifest(previous) if previous else {}
        known: dict[str, tuple[str, str]] = {}
        prev_departments: dict[str, Department] = {}
        if previous:
            db = metadata.open_readonly(previous / "meta.db")
            known = metadata.article_hashes(db)
            prev_departments = metadata.load_departments(db)
            db.close()
        # Snapshots from before article HTML was stored: read every file again once
        # (vectors still come from the cache), so no page has to render Markdown.
        reread = full or bool(previous and not prev_manifest.get(HTML_STORED))
        plan = self._plan(known, report, reread)
        if (
            previous
            and not plan.upserts
            and not plan.removals
            and plan.departments == prev_departments
        ):
            report.articles = prev_manifest.get("articles", 0)
            report.passages = prev_manifest.get("passages", 0)
            report.unchanged = plan.unchanged
            report.snapshot = previous.name
            report.seconds = round(time.perf_counter() - started, 3)
            return report
        target = snapshot.new_snapshot_dir(self.index_dir)
        try:
            self._write(target, previous, plan, report)
            snapshot.publish(self.index_dir, target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        report.published = True
        report.snapshot = target.name
        self._push(store, target, report)
        snapshot.collect_garbage(self.index_dir, self.settings.keep_snapshots)
        report.added, report.updated = plan.added, plan.updated
        report.removed, report.unchanged = len(plan.removals - set(plan.upserts)), plan.unchanged
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _push(self, store: SnapshotStore, target: Path, report: BuildReport) -> None:
        moved = sync.push(store, target, self.settings.keep_snapshots)
        report.uploaded_files += moved.transferred
        report.uploaded_bytes += moved.transferred_bytes

    def _catch_up(self, store: SnapshotStore, report: BuildReport) -> None:
        """Before building, agree with a replicated store: push a local snapshot
        that a killed run published here but not there, or pull one that an
        indexer on another machine published since."""
        if not store.replicated:
            return
        local, remote = snapshot.current_name(self.index_dir), store.current()
        if (
            local
            and local != remote
            and (remote is None or local > remote)
            and store.manifest_text(local) is None
        ):
            logger.info("snapshot %s was published here but not to the store; pushing it", local)
            self._push(store, snapshot.snapshots_dir(self.index_dir) / local, report)
        elif remote and remote != local:
            logger.info("taking snapshot %s from the store before building", remote)
            sync.pull(store, self.index_dir)

    def _previous(self, full: bool) -> Path | None:
        name = snapshot.current_name(self.index_dir)
        path = snapshot.snapshots_dir(self.index_dir) / name if name else None
        if path is None or not (path / snapshot.MANIFEST).is_file():
            return None
        built_with = snapshot.read_manifest(path).get("model")
        if built_with != self.model and not full:
            raise ModelMismatchError(
                f"the index in {self.index_dir} was built with embedding model {built_with!r}, "
                f"but the configured model is {self.model!r}; vectors of different models "
                "cannot be mixed. Run `kb index --full` to rebuild with the configured model, "
                "or set embedding_model back."
            )
        return None if full else path

    def _plan(self, known: dict[str, tuple[str, str]], report: BuildReport, full: bool) -> _Plan:
        """What changed since the snapshot that holds `known` (id → hash, stat).

        The files and their problems come from the content scanner that `kb
        validate` uses; only files whose size, time and hash all differ from
        the indexed version are read."""
        departments, problems = scan_departments(self.content)
        report.warnings.extend(str(p) for p in problems)
        plan = _Plan(departments=departments)
        seen: set[str] = set()
        changed: list[FileEntry] = []
        self._defaults = {}
        for item in unique_entries(self.content):
            if isinstance(item, Problem):
                report.errors.append(str(item))
                continue
            seen.add(item.id)
            if full or not self._unchanged(item, known, plan):
                changed.append(item)
        options = self.settings.document_options
        tick = self._stage("reading", len(changed))
        with options.reader() as reader:
            for entry, article, found, raw in read_entries(
                self.content,
                changed,
                self.settings.max_file_bytes,
                options,
                reader=reader,
                render_seconds=self.settings.render_seconds,
            ):
                if tick is not None:
                    tick(1)
                if raw and article is not None:
                    self._originals.put(article.original, raw)
                self._plan_file(entry, article, found, entry.id in known, plan, report)
            report.documents_extracted = reader.stats.extracted
            report.documents_cached = reader.stats.cached
            report.extraction_seconds = round(reader.stats.seconds, 3)
        plan.removals.update(aid for aid in known if aid not in seen)
        return plan

    def _stamp(self, entry: FileEntry) -> str:
        """What tells an unchanged file without reading it (documents: with their
        sidecar and department defaults)."""
        if not is_document(entry.id) or "/" not in entry.id:
            return entry.stat_key
        return document_stamp(entry.size, entry.mtime_ns, Path(entry.path), self._department(entry))

    def _department(self, entry: FileEntry) -> DocumentDefaults:
        department = entry.id.split("/", 1)[0]
        if department not in self._defaults:
            self._defaults[department] = load_defaults(self.content / department)
        return self._defaults[department]

    def _content_hash(self, entry: FileEntry) -> str:
        """The hash an article of this file would have ('' when it cannot be read)."""
        if not is_document(entry.id) or "/" not in entry.id:
            return _sha256(Path(entry.path), self.settings.max_file_bytes)
        try:
            raw = read_document_file(Path(entry.path), self.settings.document_max_bytes, entry.id)
            _, sidecar_raw = read_sidecar(Path(entry.path), entry.id)
        except ContentError:
            return ""
        return document_key(raw, sidecar_raw, self._department(entry))

    def _unchanged(self, entry: FileEntry, known: dict[str, tuple[str, str]], plan: _Plan) -> bool:
        """Whether the indexed version of `entry` is current (by stat, then by hash)."""
        if entry.id not in known:
            return False
        indexed_hash, indexed_stat = known[entry.id]
        stamp = self._stamp(entry)
        if indexed_stat == stamp:
            plan.unchanged += 1
            return True
        if self._content_hash(entry) == indexed_hash:
            plan.unchanged += 1
            plan.restat[entry.id] = stamp
            return True
        return False

    def _plan_file(
        self,
        entry: FileEntry,
        article: Article | None,
        problems: list[Problem],
        indexed: bool,
        plan: _Plan,
        report: BuildReport,
    ) -> None:
        aid = entry.id
        if article is None:
            [problem] = problems
            if problem.severity is Severity.WARNING:
                # A document that cannot be read is reported, never fatal.
                report.warnings.append(str(problem))
                if indexed:
                    report.warnings.append(f"{aid}: the previously indexed version stays")
                    plan.unchanged += 1
            elif problem.kind == "redirect":
                report.warnings.append(str(problem))
                if indexed:
                    plan.removals.add(aid)
            elif indexed:
                report.errors.append(f"{problem}; the previously indexed version stays")
                plan.unchanged += 1
            else:
                report.errors.append(str(problem))
            return
        # An article may come with errors and still be indexed (a broken audience
        # restricts it): those are the report's errors, as kb validate's.
        for problem in problems:
            (report.errors if problem.severity is Severity.ERROR else report.warnings).append(
                str(problem)
            )
        if not article.is_searchable:
            if indexed:
                plan.removals.add(aid)
            return
        plan.upserts[aid] = (article, self._stamp(entry))
        if indexed:
            plan.updated += 1
            plan.removals.add(aid)
        else:
            plan.added += 1

    def _embed(self, chunks: list[Chunk], report: BuildReport) -> np.ndarray:
        if not chunks:
            return np.zeros((0, 0), dtype=np.float32)
        hashes = [c.text_hash for c in chunks]
        cache = self._cache(None)
        cached = cache.get_many(hashes) if cache else {}
        missing = sorted(
            {h: c for h, c in zip(hashes, chunks, strict=True) if h not in cached}.items()
        )
        if missing:
            embedder = self.embedder
            if cache is None:
                cache = self._cache(embedder.dim)
            tick = self.progress(len(missing)) if self.progress else None
            logger.info("embedding %d passages", len(missing))
            vecs = embedder.embed([c.embedding_text for _, c in missing], progress=tick)
            fresh = {h: v for (h, _), v in zip(missing, vecs, strict=True)}
            assert cache is not None
            cache.put_many(fresh)
            cached.update(fresh)
            report.embedded_passages = len(missing)
        if cache:
            cache.close()
        return np.stack([cached[h] for h in hashes]).astype(np.float32)

    def _cache(self, dim: int | None) -> EmbeddingCache | None:
        if dim is None:
            if self._embedder is None:
                dim = self._known_dim()
                if dim is None:
                    return None
            else:
                dim = self._embedder.dim
        return EmbeddingCache(self.index_dir / "embeddings.db", self.model, dim)

    def _known_dim(self) -> int | None:
        name = snapshot.current_name(self.index_dir)
        if name:
            manifest = snapshot.snapshots_dir(self.index_dir) / name
            try:
                data = snapshot.read_manifest(manifest)
            except FileNotFoundError:
                return None
            if data.get("model") == self.model:
                return int(data["dim"])
        return None

    def _write(self, target: Path, previous: Path | None, plan: _Plan, report: BuildReport) -> None:
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
        chunks_by_article: list[tuple[Article, str, list[tuple[int, Chunk]]]] = []
        all_new: list[tuple[int, Chunk]] = []
        for aid in sorted(plan.upserts):
            article, stat = plan.upserts[aid]
            chunks = chunk_article(
                article, words=self.settings.chunk_words, overlap=self.settings.chunk_overlap
            )
            numbered = [(next_pid + i, c) for i, c in enumerate(chunks)]
            next_pid += len(chunks)
            chunks_by_article.append((article, stat, numbered))
            all_new.extend(numbered)
        vectors = self._embed([c for _, c in all_new], report)
        tick = self._stage("metadata", len(chunks_by_article))
        for article, stat, numbered in chunks_by_article:
            metadata.add_article(db, article, numbered, stat)
            if tick is not None:
                tick(1)
        db.executemany(
            "UPDATE articles SET stat = ? WHERE id = ?",
            [(st, aid) for aid, st in plan.restat.items()],
        )
        metadata.write_departments(db, plan.departments.values())
        db.commit()
        digests = db.execute("SELECT original FROM articles WHERE original != ''").fetchall()
        originals.link_into(self.index_dir, target, previous, [d[0] for d in digests])
        report.articles, report.passages = metadata.counts(db)
        db.close()

        kw = (
            keyword_index.open_index(target / "keyword")
            if previous
            else keyword_index.create_index(target / "keyword", self.languages)
        )
        keyword_index.apply_changes(
            kw,
            sorted(plan.removals),
            all_new,
            self.languages,
            processes=keyword_index.writer_processes(self.settings.index_processes),
            tick=self._stage("keyword index", len(all_new)),
        )
        kw.close()

        ids = np.array([pid for pid, _ in all_new], dtype=np.int64)
        prev_manifest = snapshot.read_manifest(previous) if previous else {}
        if previous:
            vec = load_vector_index(previous / "vectors.faiss", prev_manifest["vector_kind"])
            vec.remove(np.array(removed_pids, dtype=np.int64))
        else:
            dim = vectors.shape[1] if len(vectors) else self.embedder.dim
            vec = create_vector_index(
                dim,
                len(all_new),
                self.settings.approximate_threshold,
                vectors if len(vectors) else None,
            )
        vec.add(ids, vectors)
        grown = grown_past(vec, self.settings.approximate_threshold)
        if grown is not None:
            logger.info("%d passages: the vector index becomes approximate (IVF)", grown.size)
            vec = grown
        vec.save(target / "vectors.faiss")
        snapshot.write_manifest(
            target,
            {
                "model": self.model,
                "dim": vec.dim,
                "vector_kind": vec.kind,
                "languages": list(self.languages),
                "articles": report.articles,
                "passages": report.passages,
                "vectors": vec.size,
                "next_pid": next_pid,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "content": str(self.content),
                HTML_STORED: True,
                snapshot.FILES: snapshot.checksum_files(target, previous),
            },
        )
