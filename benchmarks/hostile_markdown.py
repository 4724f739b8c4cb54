"""Memory and processor time of rendering hostile Markdown bodies of one size.

Each shape (nested quotes and lists, long lists, lazy continuation lines,
nested emphasis, long thematic breaks, definition lists, a plain body for
comparison) is filled to `--kb` kilobytes (the default is `max_file_bytes`'
default, 1 MB) and rendered by `kb.content.markdown_text.render_html` within
`--budget` seconds (the default `render_seconds`; 0: no budget), each in a
process of its own so that one shape's memory does not hide another's.

    python -m benchmarks.hostile_markdown [--kb 1000] [--budget 2] [--only NAME ...]

Prints one JSON object a shape: its size, the peak memory Python held while
rendering (tracemalloc, MB), the process's peak resident size (MB), the
processor time of the render (s) and how it ended (the HTML's length, or the
error), then the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable


def _filled(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _indented_items(size: int, deepest: int | None) -> str:
    """List items, each one level deeper than the one before (up to `deepest`)."""
    lines: list[str] = []
    total = 0
    while total < size:
        level = len(lines) if deepest is None else len(lines) % deepest
        lines.append("    " * level + "- x")
        total += len(lines[-1]) + 1
    return "\n".join(lines)


SHAPES: dict[str, Callable[[int], str]] = {
    "quotes_one_line": lambda n: _filled("> ", n),
    "quotes_99_each_line": lambda n: _filled("> " * 99 + "x\n", n),
    "quotes_50_each_line": lambda n: _filled(">" * 50 + " x\n", n),
    "items_indented_deeper": lambda n: _indented_items(n, None),
    "items_indented_99": lambda n: _indented_items(n, 99),
    "markers_99_each_line": lambda n: _filled("- " * 99 + "x\n", n),
    "quotes_and_markers": lambda n: _filled("> - " * 40 + "x\n", n),
    "many_items": lambda n: _filled("- a\n", n),
    "items_lazy_lines": lambda n: _filled("- a\nlazy\n", n),
    "one_item_lazy_lines": lambda n: "- a\n" + _filled("lazy continuation line\n", n - 4),
    "ordered_indented": lambda n: _filled("1. a\n    1. b\n        1. c\n            1. d\n", n),
    "emphasis_nested": lambda n: "*" * (n // 2) + "x" + "*" * (n // 2),
    "strong_open": lambda n: _filled("**a ", n),
    "emphasis_pairs": lambda n: _filled("*a* ", n),
    "break_one_line": lambda n: _filled("- ", n),
    "definitions": lambda n: _filled("t\n: d\n\n", n),
    "plain": lambda n: _filled("word ", n),
}


def measure(name: str, size: int, budget: float | None) -> dict[str, object]:
    """Render one shape in this process; what it cost."""
    from kb.content.markdown_text import RenderError, render_html

    body = SHAPES[name](size)
    render_html("warm *up*\n\n- a\n")  # the renderer built before measuring
    tracemalloc.start()
    started = time.thread_time()
    try:
        ended = f"HTML of {len(render_html(body, budget)):,} characters"
    except RenderError as exc:
        ended = f"{type(exc).__name__}: {exc}"
    cpu = time.thread_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "shape": name,
        "chars": len(body),
        "peak_mb": round(peak / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpu_s": round(cpu, 2),
        "ended": ended[:160],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=int, default=1000, help="size of each body, in KB")
    parser.add_argument("--budget", type=float, default=2.0, help="render_seconds (0: none)")
    parser.add_argument("--only", nargs="*", choices=sorted(SHAPES), help="these shapes only")
    parser.add_argument("--one", choices=sorted(SHAPES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    budget = args.budget or None
    if args.one:
        print(json.dumps(measure(args.one, args.kb * 1000, budget)))
        return
    for name in args.only or SHAPES:
        command = [sys.executable, "-m", "benchmarks.hostile_markdown", "--one", name]
        command += ["--kb", str(args.kb), "--budget", str(args.budget)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        print(done.stdout.strip() or done.stderr.strip()[-400:], flush=True)
    print(json.dumps({"load_average": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
