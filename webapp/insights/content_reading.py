"""The content root as the content-health page reads it: once per published snapshot.

A reading is kept per content root and published snapshot (the name in the
index folder's `CURRENT`): a visit while that snapshot is the published one
reads nothing, not even the documents and the articles with pictures, which
every reading reads again (the first visit after each minute did: 261
articles, 160 to 196 ms of processor time and 2 to 5 s on a loaded machine,
against 39 to 48 ms now; docs/benchmarks.md). A
new snapshot is what an edit of a published article makes (`kb index`, the
index worker after a browser edit, `kb serve --watch`), so the next visit
reads again, starting from the reading before and rendering only the files
changed since (`scan_content(previous=...)`), documents and articles with
pictures included (`kb.content.scan_stamps`). What publishes no snapshot (a
draft saved, a file touched but not changed, an edit on disk where no
indexer runs) is seen with the next one. Without any published snapshot the
content root is read again once a minute (`SCAN_SECONDS`).

The first reading of a process starts from the published snapshot's
articles (`indexer.indexed_scan`): only the files changed since the last
index, the drafts, documents and articles with pictures are read, instead of
every article (511 articles: about 6 s on a loaded machine). `kb serve` also
reads the content ahead when a worker starts
(`webapp.insights.schedule.read_content_ahead`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from indexer import snapshot
from indexer.indexed_scan import indexed_scan
from kb.content import scanner
from kb.content.scanner import ContentScan
from webapp import services

SCAN_SECONDS = 60.0  # without a published snapshot, how long a reading serves
READINGS_KEPT = 4  # content roots whose latest reading is kept (one in `kb serve`)


@dataclass(frozen=True)
class Reading:
    """One reading of a content root, and the snapshot published when it began."""

    snapshot: str | None
    read_at: float
    scan: ContentScan


_readings: OrderedDict[str, Reading] = OrderedDict()  # by content root
_scan_lock = threading.Lock()  # apart from the refresh's: a scan holds no other page up


def content_scan() -> ContentScan:
    """What the content root holds (articles and when their files changed), read
    once per published snapshot: from the reading before, the files changed since
    it, or, in a process that has read none, those changed since the last index."""
    settings = services.services().settings
    root = settings.content_path
    # Read before the content: a snapshot published during the reading makes
    # the next visit read again rather than keep a reading older than its name.
    published = snapshot.current_name(settings.index_path)
    with _scan_lock:
        kept = _readings.get(str(root))
        if kept is not None and _current(kept, published):
            _readings.move_to_end(str(root))
            return kept.scan
        previous = kept.scan if kept is not None else None
        if previous is None and root.is_dir():
            previous = indexed_scan(settings.index_path, root)
        scan = scanner.scan_content(root, previous=previous) if root.is_dir() else ContentScan(root)
        _readings[str(root)] = Reading(published, time.monotonic(), scan)
        _readings.move_to_end(str(root))
        while len(_readings) > READINGS_KEPT:
            _readings.popitem(last=False)
    return scan


def _current(reading: Reading, published: str | None) -> bool:
    """Whether `reading` still stands for the content root."""
    if reading.snapshot != published:
        return False
    return published is not None or time.monotonic() - reading.read_at <= SCAN_SECONDS


def forget_readings() -> None:
    """Drop every reading kept (the next visit of each content root reads it again)."""
    with _scan_lock:
        _readings.clear()
