"""`kb index --watch`: keep the index current while content owners edit files.

File-system events (watchdog, inotify on Linux) wake the loop; a short quiet
period lets editors finish writing, then one incremental run publishes a new
snapshot. The model stays loaded between runs, so an edit is searchable within
seconds. A periodic rescan catches events the file system did not deliver.
When another pass holds the index folder (the web app's index worker, after a
browser edit), the run is tried again, so no change is dropped. While it
watches, it holds the index folder's in-use lock (`indexer.index_users`), so
`kb restore` is refused until it stops.

`kb serve` starts the same loop in a process of its own when the setting
`serve_watch` is on (`start_watch_process`): spawned, not forked, because
the gunicorn master must not load PyTorch (its thread pools do not survive
the fork of a worker), and a process, not a thread, because the keyword
index writer starts processes of its own. It stops with `kb serve`, or by
itself when the process that started it is gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from indexer.build import BuildReport, IndexBuilder
from indexer.cluster_users import InCluster
from indexer.index_users import InUse
from kb.content.images import IMAGE_SUFFIXES
from kb.content.readers import CONTENT_SUFFIXES
from kb.errors import IndexLockedError, KbError
from kb.settings import Settings

logger = logging.getLogger(__name__)

QUIET_SECONDS = 0.15
_CHANGES = {"created", "deleted", "moved", "modified", "closed"}
RESCAN_SECONDS = 300.0
LOCKED_RETRY_SECONDS = 0.5
STOP_TIMEOUT_S = 30.0


class _Changes(FileSystemEventHandler):
    def __init__(self) -> None:
        self.event = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Reading the tree (ours included) raises "opened"/"closed_no_write"
        # events; reacting to them would rebuild forever.
        if event.event_type not in _CHANGES:
            return
        if event.is_directory:
            if event.event_type != "modified":
                self.event.set()
            return
        paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
        # Content files of every readable type, department files, and pictures.
        relevant = (*CONTENT_SUFFIXES, *IMAGE_SUFFIXES, ".yml", ".yaml")
        if any(p.lower().endswith(relevant) and "/." not in p for p in paths):
            self.event.set()


def watch_content(
    builder: IndexBuilder,
    on_report: Callable[[BuildReport], None],
    stop: threading.Event | None = None,
    *,
    wait_lock: bool = False,
) -> None:
    """Run incremental builds on every change until `stop` is set (or Ctrl-C);
    `wait_lock` as for `IndexBuilder.run`."""
    in_use = InUse(builder.index_dir, "index watcher")  # `kb restore` refuses meanwhile
    with in_use, InCluster.of(builder.settings, "index watcher"):
        _watch(builder, on_report, stop or threading.Event(), wait_lock)


def _watch(
    builder: IndexBuilder,
    on_report: Callable[[BuildReport], None],
    stop: threading.Event,
    wait_lock: bool,
) -> None:
    builder.load_models()  # now, not on the first edit
    changes = _Changes()
    observer = Observer()
    observer.schedule(changes, str(builder.content), recursive=True)
    observer.start()
    logger.info("watching %s for changes", builder.content)
    last_scan = time.monotonic()
    try:
        while not stop.is_set():
            woke = changes.event.wait(timeout=0.5)
            due = time.monotonic() - last_scan > RESCAN_SECONDS
            if not woke and not due:
                continue
            if woke:
                # Wait until the burst of events (save = truncate + write + rename) ends.
                while changes.event.is_set():
                    changes.event.clear()
                    time.sleep(QUIET_SECONDS)
            last_scan = time.monotonic()
            try:
                report = builder.run(wait_lock=wait_lock)
            except IndexLockedError as exc:
                logger.info("the index is busy, trying again: %s", exc.message)
                time.sleep(LOCKED_RETRY_SECONDS)
                changes.event.set()
                continue
            except KbError as exc:
                logger.error("index update failed: %s", exc.message)
                continue
            if report.published or report.errors:
                on_report(report)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join(timeout=5)


def start_watch_process(
    settings: Settings, configure_logging: Callable[[], None] | None = None
) -> BaseProcess:
    """The watcher of `kb serve`, started in a spawned process; `configure_logging`
    (a module-level function) runs there first."""
    spawn = multiprocessing.get_context("spawn")
    process = spawn.Process(
        target=run_watcher,
        args=(settings, os.getpid(), configure_logging),
        name="kb-index-watch",
    )
    process.start()
    return process


def stop_watch_process(process: BaseProcess) -> None:
    """Ask the watcher to finish its pass and stop; kill it if it does not."""
    if process.is_alive():
        process.terminate()  # SIGTERM: `run_watcher` stops after the current pass
        process.join(STOP_TIMEOUT_S)
    if process.is_alive():
        process.kill()
        process.join(5)


def run_watcher(
    settings: Settings, parent_pid: int, configure_logging: Callable[[], None] | None
) -> None:
    """The body of the watcher process: one pass for edits made while nothing
    watched, then `watch_content` until SIGTERM or until `parent_pid` is gone."""
    if configure_logging is not None:
        configure_logging()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops kb serve, which stops this

    def stop_when_orphaned() -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent_pid:
                stop.set()

    threading.Thread(target=stop_when_orphaned, name="kb-watch-parent", daemon=True).start()
    builder = IndexBuilder(settings)
    try:
        _log_report(builder.run(wait_lock=True))
    except KbError as exc:
        logger.error("index update failed: %s", exc.message)
    watch_content(builder, _log_report, stop, wait_lock=True)


def _log_report(report: BuildReport) -> None:
    for line in report.errors:
        logger.error("index: %s", line)
    if report.published:
        logger.info(
            "index: snapshot %s published (%d added, %d updated, %d removed)",
            report.snapshot,
            report.added,
            report.updated,
            report.removed,
        )
