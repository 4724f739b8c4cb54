"""How long a process takes to get the translation dictionary: parsed from the
Ding file, against read back from its cache (`search.dictionary_cache`), and
what its first German question then adds.

Each round is a new process's view (nothing kept in memory between the
steps): a cold parse with no cache, the first start that parses and writes
the cache, and a start that reads the cache back. After each, the first
question's extra cost is timed: the first `BilingualDictionary.knows` of a
word the dictionary lacks, which needs the words of its English terms (the
spelling corrector asks it for a short unknown word of a query). Prints
processor and wall seconds per step (the median over `--rounds`), the cache
file's size and the load average, as JSON (also written to `--out`).

    python -m benchmarks.dictionary_load [--dictionary /usr/share/trans/de-en] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from search import dictionary
from search.dictionary import DEBIAN_DICTIONARY, BilingualDictionary, load_dictionary
from search.dictionary_cache import cache_file

UNKNOWN = "wifii"  # a typo: no German key, no English word


def _timed(
    load: Callable[[], BilingualDictionary],
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(processor, wall) seconds of getting the dictionary, then of its first question."""
    dictionary._loaded.clear()  # as a new process would find it
    cpu, wall = time.process_time(), time.perf_counter()
    found = load()
    loaded = time.process_time(), time.perf_counter()
    found.knows(UNKNOWN)
    asked = time.process_time(), time.perf_counter()
    return (loaded[0] - cpu, loaded[1] - wall), (asked[0] - loaded[0], asked[1] - loaded[1])


def measure(path: Path, rounds: int) -> dict[str, object]:
    """The median seconds of each step over `rounds` rounds."""
    names = (
        "cold parse (no cache)",
        "first start (parse and write the cache)",
        "later start (read the cache)",
    )
    steps: dict[str, list[tuple[tuple[float, float], tuple[float, float]]]] = {n: [] for n in names}
    cache_bytes = german = 0
    cold, first, later = steps.values()
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            cache = Path(folder)
            cold.append(_timed(lambda: load_dictionary(path)))
            first.append(_timed(lambda: load_dictionary(path, cache)))  # noqa: B023
            later.append(_timed(lambda: load_dictionary(path, cache)))  # noqa: B023
            cache_bytes = cache_file(cache, path).stat().st_size
            german = len(load_dictionary(path, cache))
    return {
        "dictionary": str(path),
        "dictionary_bytes": path.stat().st_size,
        "german_words": german,
        "cache_bytes": cache_bytes,
        "rounds": rounds,
        "load_average": os.getloadavg()[0],
        "steps": {
            name: {
                "cpu_s": _median(t[0][0] for t in timing),
                "wall_s": _median(t[0][1] for t in timing),
                "first_question_cpu_s": _median(t[1][0] for t in timing),
                "first_question_wall_s": _median(t[1][1] for t in timing),
            }
            for name, timing in steps.items()
        },
    }


def _median(values: Iterable[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dictionary", type=Path, default=DEBIAN_DICTIONARY)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    if not args.dictionary.is_file():
        parser.error(f"{args.dictionary} is not a file (apt-get install trans-de-en)")
    result = measure(args.dictionary, args.rounds)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
