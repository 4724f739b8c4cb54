"""The content root as the content-health page reads it, once a minute per process.

The first reading of a process starts from the published snapshot's articles
(`indexer.indexed_scan`): only the files changed since the last index, the
drafts, documents and articles with pictures are read, instead of every
article (511 articles: about 6 s on a loaded machine). Each later reading
starts from the one before and renders only the files changed since
(`scan_content(previous=...)`). `kb serve` also reads the content ahead when
a worker starts (`webapp.insights.schedule.read_content_ahead`).
"""

from __future__ import annotations

import threading
import time

from indexer.indexed_scan import indexed_scan
from kb.content import scanner
from kb.content.scanner import ContentScan
from webapp import services

_scan_cache: dict[str, tuple[float, ContentScan]] = {}
_scan_lock = threading.Lock()  # apart from the refresh's: a scan holds no other page up
SCAN_SECONDS = 60.0


def content_scan() -> ContentScan:
    """What the content root holds (articles and when their files changed),
    read at most once a minute per process, from the files that changed since
    the last reading or, in a process that has read none, since the last index."""
    settings = services.services().settings
    root = settings.content_path
    key = str(root)
    with _scan_lock:
        cached = _scan_cache.get(key)
        if cached is None or time.monotonic() - cached[0] > SCAN_SECONDS:
            previous = cached[1] if cached is not None else None
            if previous is None and root.is_dir():
                previous = indexed_scan(settings.index_path, root)
            scan = (
                scanner.scan_content(root, previous=previous)
                if root.is_dir()
                else ContentScan(root)
            )
            cached = _scan_cache[key] = (time.monotonic(), scan)
    return cached[1]
