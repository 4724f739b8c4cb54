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
from typing import Any

import numpy as np

from indexer import manifest_signature, metadata, originals, recut, snapshot, snapshot_order
from indexer.chunking import CUTTER_VERSION
from indexer.embedding.base import Embedder
from indexer.embedding.cached import CachedEmbedding
from indexer.embedding.factory import create_embedder, model_name
from indexer.german_spelling import KEYWORD_ANALYSIS, analysed_by_older
from indexer.manifest_signature import signing_key
from indexer.plan import Plan, Planner, Stage
from indexer.report import BuildReport
from indexer.secondary import DIM_KEY, MODEL_KEY, load_secondary, secondary_model
from indexer.sequence_mark import SequenceMark, open_mark
from indexer.snapshot_store import SnapshotStore, create_snapshot_store, sync
from indexer.snapshot_store.lock import publisher_lock
from indexer.unreadable import write_unreadable
from indexer.write import (
    HTML_STORED,
    IMAGES_STORED,
    PICTURES_NAMED,
    TABLES_SCOPED,
    SnapshotWriter,
    VectorSide,
)
from kb.backup.recovery import finish_interrupted
from kb.errors import ModelMismatchError, SnapshotStoreError
from kb.records import Chunk, Department
from kb.settings import Settings

logger = logging.getLogger(__name__)


ProgressFactory = Callable[[int], Callable[[int], None]]

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
        secondary_embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.stage_progress = stage_progress
        self._snapshot_store = snapshot_store
        # The cluster's highest sequence, open during a run with signed snapshots.
        self._mark: SequenceMark | None = None
        self.content = settings.content_path
        self.index_dir = settings.index_path
        self.languages = settings.language_list
        self.progress = progress
        self.model = embedder.name if embedder else model_name(settings.embedding_model)
        self.vectors = CachedEmbedding(
            self.index_dir, self.model, lambda: self._load(settings.embedding_model), progress,
            embedder,
        )  # fmt: skip
        # The second model's vectors (setting secondary_model), None when off.
        self.secondary: CachedEmbedding | None = None
        second = secondary_model(settings, self.model, secondary_embedder)
        if second is not None:
            self.secondary = CachedEmbedding(
                self.index_dir, second, lambda: load_secondary(settings, False), progress,
                secondary_embedder, (MODEL_KEY, DIM_KEY),
            )  # fmt: skip

    def _load(self, name: str) -> Embedder:
        return create_embedder(name, self.settings.device, self.settings.embed_batch_size)

    @property
    def _originals(self) -> originals.OriginalStore:
        return originals.OriginalStore(self.index_dir)

    @property
    def embedder(self) -> Embedder:
        return self.vectors.embedder

    def load_models(self) -> None:
        """Load the embedding models now (the first pass would otherwise wait for them)."""
        self.embedder  # noqa: B018 - loading it is the point
        if self.secondary is not None:
            self.secondary.embedder  # noqa: B018

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
            # A restore killed half-way is finished or undone first: indexing
            # its content folder half-switched would publish the mismatch.
            for note in finish_interrupted(self.settings):
                logger.warning("%s", note)
            self._mark = open_mark(self.settings) if store.replicated else None
            try:
                return self._run(full, store)
            finally:
                if self._mark is not None:
                    self._mark.close()
                self._mark = None

    def _run(self, full: bool, store: SnapshotStore) -> BuildReport:
        started = time.perf_counter()
        report = BuildReport()
        self._catch_up(store, report)
        removed = snapshot.collect_garbage(self.index_dir, self.settings.keep_snapshots)
        if removed:
            logger.info("removed %d old or incomplete snapshots", len(removed))
        previous = self._previous(full)
        prev_manifest = snapshot.read_manifest(previous) if previous else {}
        plan, prev_departments = self._plan(previous, prev_manifest, full, report)
        write_unreadable(self.index_dir, plan.unreadable)
        if (
            previous
            and not plan.upserts
            and not plan.removals
            and plan.departments == prev_departments
            and report.recut_from is None  # publish: the manifest records the new cutter
        ):
            report.articles = prev_manifest.get("articles", 0)
            report.passages = prev_manifest.get("passages", 0)
            report.unchanged = plan.unchanged
            report.snapshot = previous.name
            self._sign_again(store, previous, report)
            report.seconds = round(time.perf_counter() - started, 3)
            return report
        target = snapshot.new_snapshot_dir(self.index_dir)
        try:
            second = self._secondary_side()
            primary = VectorSide(self.model, self._embed, lambda: self.vectors.dim)
            writer = SnapshotWriter(
                self.settings,
                primary,
                self._stage,
                second,
                self.vectors.embed_queries,
                self._marked(),
                self.vectors.embed_windows,
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

    def _plan(
        self, previous: Path | None, manifest: dict[str, Any], full: bool, report: BuildReport
    ) -> tuple[Plan, dict[str, Department]]:
        """What changed since `previous` (its `manifest`), and its departments."""
        known, departments = self._indexed(previous)
        # Snapshots from before article HTML, the articles' pictures, the
        # pictures each names or their tables' header scopes were stored: read
        # every file again once (vectors still come from the cache), so no page
        # has to render Markdown, every page shows its pictures and scoped
        # table headers, and no picture upload renders an unchanged one.
        marks = (HTML_STORED, IMAGES_STORED, PICTURES_NAMED, TABLES_SCOPED)
        stored = all(manifest.get(key) for key in marks)
        older = recut.cut_by_older(manifest) if previous and stored else None
        if previous is None or older is None:
            return self.plan_changes(
                known, report, full or bool(previous and not stored)
            ), departments
        # Passages cut by an older cutter: every file is read and cut again.
        logger.info(
            "the index's passages were cut by an older passage cutter (version %d, now %d): "
            "every article is read and cut again",
            older,
            CUTTER_VERSION,
        )
        plan = self.plan_changes(known, report, True, self._shown_stage)
        report.recut_from = older
        tick = self._shown_stage("re-cutting", len(plan.upserts))
        report.recut_articles = recut.keep_alike(plan, known, previous, self.settings, tick)
        return plan, departments

    def _shown_stage(self, what: str, total: int) -> Callable[[int], None] | None:
        """A progress tick for a stage shown however small it is (None without
        a progress bar or with nothing to do)."""
        if self.stage_progress is None or not total:
            return None
        return self.stage_progress(what, total)

    @staticmethod
    def _indexed(
        previous: Path | None,
    ) -> tuple[dict[str, tuple[str, str]], dict[str, Department]]:
        """The previous snapshot's article hashes and departments (none without one)."""
        if not previous:
            return {}, {}
        db = metadata.open_readonly(previous / "meta.db")
        try:
            return metadata.article_hashes(db), metadata.load_departments(db)
        finally:
            db.close()

    def _push(self, store: SnapshotStore, target: Path, report: BuildReport) -> None:
        if store.replicated and not signing_key(self.settings):
            logger.warning(
                "snapshot %s goes to the snapshot store unsigned: secret_key is not set here, "
                "and nodes that have it refuse unsigned snapshots (docs/security.md)",
                target.name,
            )
        moved = sync.push(store, target, self.settings.keep_snapshots, self._mark)
        report.uploaded_files += moved.transferred
        report.uploaded_bytes += moved.transferred_bytes

    def _sign_again(self, store: SnapshotStore, current: Path, report: BuildReport) -> None:
        """With a shared store, publish the unchanged current snapshot again when
        it is not signed with this `secret_key` (the key changed, or it was built
        without one): the nodes refuse it meanwhile, and nothing else would
        publish a new one until the content changes. It was built or verified
        here, so it may be signed (`indexer.snapshot_order.reissue`)."""
        secret = signing_key(self.settings)
        if not (store.replicated and secret):
            return
        text = (current / snapshot.MANIFEST).read_text(encoding="utf-8")
        try:
            manifest_signature.check(text, secret, current.name)
            return
        except SnapshotStoreError:
            pass
        sequence = snapshot_order.next_sequence(
            snapshot_order.current_sequence(self.index_dir), self._marked()
        )
        target = snapshot_order.reissue(
            current, self.index_dir, sequence, secret, snapshot_order.RESIGNED_FROM
        )
        logger.warning(
            "snapshot %s is not signed with this secret_key (it changed, or the snapshot was "
            "built without one); published again as %s, signed",
            current.name,
            target.name,
        )
        report.published, report.snapshot = True, target.name
        self._push(store, target, report)

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
            sync.pull(store, self.index_dir, signing_key(self.settings), self._mark)

    def _marked(self) -> int:
        """The highest sequence the cluster recorded (0: none, or no mark)."""
        found = self._mark.highest() if self._mark is not None else None
        return found.sequence if found else 0

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
        older = analysed_by_older(snapshot.read_manifest(path))
        if older is not None and not full:
            # Its keyword index holds terms the current analysis would not
            # make (and its schema keeps analysing queries the old way): a full
            # build (vectors of unchanged passages still come from the cache).
            logger.info(
                "the index's keywords were analysed by an older keyword analysis "
                "(version %d, now %d): building it in full",
                older,
                KEYWORD_ANALYSIS,
            )
            return None
        if self.secondary is not None and not full:
            recorded = snapshot.read_manifest(path).get(MODEL_KEY)
            if recorded != self.secondary.model:
                # Every passage needs the second model's vector: a full build
                # (vectors of unchanged passages still come from the cache).
                logger.info(
                    "the index has no vectors of the second model %s (it has %r); "
                    "building it in full",
                    self.secondary.model,
                    recorded,
                )
                return None
        return None if full else path

    def plan_changes(
        self,
        known: dict[str, tuple[str, str]],
        report: BuildReport,
        full: bool,
        stage: Stage | None = None,
    ) -> Plan:
        """What changed since the snapshot that holds `known` (see `indexer.plan`);
        `stage`: the progress of its reading (default: shown from 1,000 files)."""
        planner = Planner(self.settings, stage or self._stage, self._originals)
        return planner.plan(known, report, full)

    def _embed(self, chunks: list[Chunk], report: BuildReport) -> np.ndarray:
        vectors, embedded = self.vectors.embed(chunks)
        report.embedded_passages += embedded
        return vectors

    def _secondary_side(self) -> VectorSide | None:
        second = self.secondary
        if second is None:
            return None
        return VectorSide(second.model, self._embed_secondary, lambda: second.dim)

    def _embed_secondary(self, chunks: list[Chunk], report: BuildReport) -> np.ndarray:
        assert self.secondary is not None
        vectors, embedded = self.secondary.embed(chunks)
        report.secondary_embedded_passages += embedded
        return vectors
