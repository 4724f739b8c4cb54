"""Resident memory of running processes, read from /proc (Linux).

`worker_rss_mb` gives the resident memory of each child of a `kb serve`
master (its web processes) as /proc/<pid>/status reports it (VmRSS), for
benchmarks that measure what one web process holds after it has served.
"""

from __future__ import annotations

from pathlib import Path

PROC = Path("/proc")


def resident_mb(pid: int) -> float:
    """VmRSS of process `pid` in MB (0 when it has gone or /proc lacks it)."""
    try:
        status = (PROC / str(pid) / "status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def children(pid: int) -> list[int]:
    """The process ids of `pid`'s children (its threads' children together)."""
    found: list[int] = []
    for task in sorted((PROC / str(pid) / "task").glob("*")):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


def worker_rss_mb(master: int) -> dict[int, float]:
    """Resident memory of each child of `master` (a `kb serve`'s web processes), in MB."""
    return {pid: resident_mb(pid) for pid in children(master)}
