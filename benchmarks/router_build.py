"""How long building the router takes with a department file of many keywords.

A router is built when the web app starts, for each new index snapshot and
whenever a department file changes (`search.live_routing`, inside the search
that notices it). Prints the processor time of a first build, of a rebuild
after another department's file changed, of a new snapshot's router with the
same files, and of a rebuild after the large department's own file changed.

    python -m benchmarks.router_build [--keywords 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import string
import time
from collections.abc import Callable

from kb.records import Department
from search.routing import Router


def _keywords(count: int, seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))

    return tuple(" ".join(word() for _ in range(rng.randint(1, 2))) for _ in range(count))


def _timed(label: str, build: Callable[[], Router]) -> Router:
    started = time.process_time()
    router = build()
    print(f"{label:<45} {time.process_time() - started:6.2f} s")
    return router


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=100_000)
    count = parser.parse_args().keywords
    large = Department("it", "IT", keywords=_keywords(count, 1))
    departments = {"it": large, "hr": Department("hr", "HR", keywords=("leave",))}
    print(f"{count:,} keywords; load average {os.getloadavg()[0]:.1f}")
    router = _timed("first build (start)", lambda: Router(departments, "triage", 0.35))
    changed = {**departments, "hr": Department("hr", "HR", keywords=("leave", "payslip"))}
    router = _timed("another department's file changed", lambda: router.with_departments(changed))
    _timed("a new snapshot, same files", lambda: Router(changed, "triage", 0.35))
    edited = {**changed, "it": Department("it", "IT", keywords=_keywords(count, 2))}
    _timed("the large department's own file changed", lambda: router.with_departments(edited))


if __name__ == "__main__":
    main()
