"""A later reading of the content root: what it costs once a reading was made.

    python -m benchmarks.content_rereading --content content [--rounds 5]

The content-health page reads the content root once per published snapshot,
each reading starting from the one before (`scan_content(previous=...)`):
only files whose stamp changed are read again (`kb.content.scan_stamps`).
This reads the folder once, then `--rounds` more times each from the one
before, nothing changed, and reports the median wall and processor time of
those later readings (documents are extracted in a separate process, so
the wall time is the one a visitor waits). This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from kb.content.readers import is_document
from kb.content.scanner import scan_content


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, required=True, help="content folder")
    parser.add_argument("--rounds", type=int, default=5, help="later readings timed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    reading = scan_content(args.content)
    first_ms = (time.perf_counter() - started) * 1000
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(args.rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        reading = scan_content(args.content, previous=reading)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    documents = sum(1 for article_id in reading.articles if is_document(article_id))
    print(
        f"{len(reading.articles)} articles ({documents} documents), "
        f"load average {os.getloadavg()[0]:.2f}: first reading {first_ms:.0f} ms; "
        f"a later one, nothing changed: wall {statistics.median(walls):.0f} ms, "
        f"processor {statistics.median(cpus):.0f} ms (median of {args.rounds}), "
        f"{len(reading.stamps)} of {len(reading.articles)} stamped (taken over by the next)"
    )


if __name__ == "__main__":
    main()
