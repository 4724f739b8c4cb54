"""One `kb index` run: detect what changed, update both indexes, publish.

`IndexBuilder` runs the steps: agree with a replicated snapshot store, plan
what changed (`indexer.plan`: unchanged files are recognised by size and time,
then by hash, and never parsed again), embed the new passages (cached by
content hash), write the new snapshot (`indexer.write`: only the passages of
added, changed and removed articles are touched) and publish it. A full
rebuild starts from empty indexes but still takes vectors from the cache.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer import metadata, originals, snapshot
from indexer.embedding.base import Embedder
from indexer.embedding.cache import EmbeddingCache
from indexer.embedding.factory import create_embedder, model_name
from indexer.plan import Plan, Planner
from indexer.report import BuildReport
from indexer.snapshot_store import SnapshotStore, create_snapshot_store, sync
from indexer.snapshot_store.lock import publisher_lock
from indexer.write import HTML_STORED, SnapshotWriter
from kb.errors import ModelMismatchError
from kb.records import Chunk, Department
from kb.settings import Settings

logger = logging.getLogger(__name__)


ProgressFactory = Callable[[int], Callable[[int], None]]
EMBED_CHECKPOINT = 256  # passages embedded between two writes to the embedding cache

# (stage name, total) -> tick: progress of the stages after embedding.
StageProgress = Callable[[str, int], Callable[[int], None]]
STAGE_PROGRESS_FROM = 1000


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
        plan = self.plan_changes(known, report, reread)
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
            writer = SnapshotWriter(
                self.settings, self.model, self._stage, self._embed, lambda: self.embedder.dim
            )
            writer.write(target, previous, plan, report)
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

    def plan_changes(
        self, known: dict[str, tuple[str, str]], report: BuildReport, full: bool
    ) -> Plan:
        """What changed since the snapshot that holds `known` (see `indexer.plan`)."""
        return Planner(self.settings, self._stage, self._originals).plan(known, report, full)

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
            assert cache is not None
            tick = self.progress(len(missing)) if self.progress else None
            logger.info("embedding %d passages", len(missing))
            # Stored as they come: a run stopped half-way (hours for a large
            # corpus with the multilingual model) keeps what it embedded.
            for start in range(0, len(missing), EMBED_CHECKPOINT):
                part = missing[start : start + EMBED_CHECKPOINT]
                vecs = embedder.embed([c.embedding_text for _, c in part], progress=tick)
                fresh = {h: v for (h, _), v in zip(part, vecs, strict=True)}
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
        """The model's vector length from the current snapshot or, without one
        (a cold build stopped half-way), from the embedding cache."""
        name = snapshot.current_name(self.index_dir)
        if name:
            manifest = snapshot.snapshots_dir(self.index_dir) / name
            try:
                data = snapshot.read_manifest(manifest)
            except FileNotFoundError:
                data = {}
            if data.get("model") == self.model:
                return int(data["dim"])
        return EmbeddingCache.stored_dim(self.index_dir / "embeddings.db", self.model)
