"""`kb index --watch`: keep the index current while content owners edit files.

File-system events (watchdog, inotify on Linux) wake the loop; a short quiet
period lets editors finish writing, then one incremental run publishes a new
snapshot. The model stays loaded between runs, so an edit is searchable within
seconds. A periodic rescan catches events the file system did not deliver.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from indexer.build import BuildReport, IndexBuilder
from kb.content.readers import CONTENT_SUFFIXES
from kb.errors import KbError

logger = logging.getLogger(__name__)

QUIET_SECONDS = 0.15
_CHANGES = {"created", "deleted", "moved", "modified", "closed"}
RESCAN_SECONDS = 300.0


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
        # Content files of every readable type, and department files.
        relevant = (*CONTENT_SUFFIXES, ".yml", ".yaml")
        if any(p.lower().endswith(relevant) and "/." not in p for p in paths):
            self.event.set()


def watch_content(
    builder: IndexBuilder,
    on_report: Callable[[BuildReport], None],
    stop: threading.Event | None = None,
) -> None:
    """Run incremental builds on every change until `stop` is set (or Ctrl-C)."""
    builder.embedder  # noqa: B018 - load the model now, not on the first edit
    changes = _Changes()
    observer = Observer()
    observer.schedule(changes, str(builder.content), recursive=True)
    observer.start()
    stop = stop or threading.Event()
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
                report = builder.run()
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
