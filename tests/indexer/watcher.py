"""The content watcher (`indexer.watch.watch_content`) in a thread, for tests of
what it picks up: a change written before it watches the folder would go
unseen until its rescan minutes later, so the tests start writing only once
it says it watches."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from indexer.build import BuildReport, IndexBuilder
from indexer.watch import watch_content

START_SECONDS = 60.0  # loading the embedder and the first scan, on a loaded machine


@contextmanager
def watching(
    builder: IndexBuilder, caplog: pytest.LogCaptureFixture, **options: Any
) -> Iterator[list[BuildReport]]:
    """Run the watcher on `builder`'s content from the moment it watches until
    the block ends; yields the reports of its passes."""
    caplog.set_level(logging.INFO, logger="indexer.watch")
    stop = threading.Event()
    reports: list[BuildReport] = []
    thread = threading.Thread(
        target=watch_content, args=(builder, reports.append, stop), kwargs=options
    )
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _says_it_watches(caplog):
            assert thread.is_alive(), "the watcher stopped before it watched"
            assert time.monotonic() < deadline, f"not watching after {START_SECONDS} s"
            time.sleep(0.05)
        yield reports
    finally:
        stop.set()
        thread.join(timeout=30)


def _says_it_watches(caplog: pytest.LogCaptureFixture) -> bool:
    return any(
        r.name == "indexer.watch" and r.getMessage().startswith("watching ") for r in caplog.records
    )
