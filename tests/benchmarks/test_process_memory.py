"""Resident memory read from /proc for the benchmarks (`benchmarks.process_memory`)."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.process_memory import children, resident_mb, worker_rss_mb


def test_a_running_childs_memory_is_read_and_a_gone_process_has_none() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "up\n"
        assert child.pid in children(os.getpid())
        assert worker_rss_mb(os.getpid())[child.pid] > 1
        assert resident_mb(os.getpid()) > resident_mb(child.pid) > 1
    finally:
        child.kill()
        child.communicate()
    assert resident_mb(child.pid) == 0.0
    assert child.pid not in children(os.getpid())
