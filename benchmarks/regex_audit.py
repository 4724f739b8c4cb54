"""Regular expressions on hostile input: which ones take super-linear time.

    python -m benchmarks.regex_audit [--packages kb,indexer,search,webapp]
        [--only NAME] [--start N] [--quiet-seconds 60] [--json FILE]

Every pattern the product compiles at module level (found by importing each
module of the packages) and every `re.search(r"...")`-style call with a
literal pattern (found in the source) is run, in the ways its module calls it
(`search`, `match`, `fullmatch`, `finditer`, `sub`, `split`; every way where
the call style is not written out), on strings made of repeats of the
characters it loops over: each literal character of the pattern and one
character of each class it holds, alone and in pairs, each repeat bare or
followed by a character that makes a match fail. A string is screened at
about 300 and 1,200 characters; one whose time grows more than eight-fold
(linear: four-fold) is measured again at 1k, 4k and 16k characters (stopping
once one call takes a second), and the pattern is reported with the exponent
of that growth (1: linear, 2: quadratic). Each pattern is audited in a
process of its own, stopped when one piece takes more than `--quiet-seconds`
(an exponential pattern never finishes even at 300 characters): it is
reported as `n^inf` with that piece. Patterns built at run time from a
variable are listed for review by hand, and so are modules that cannot be
imported on their own (their literal `re.*` calls are still audited). What
the audit cannot see: a pattern's input may be bounded where it is called
(a setting's length, a word of at most 100 characters), and a function that
replaced a pattern is judged by its tests, not here. Processor time of one process; the
numbers are noisy on a loaded machine, the exponent much less so. This is a
benchmark, not a test.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import itertools
import json
import math
import multiprocessing
import pkgutil
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

STYLES = ("search", "match", "fullmatch", "finditer", "sub", "split")
BREAKERS = ("", "\x00", "\n")  # what may end a run: nothing, a stranger, a line break
GENERAL = "a1 .-"  # always tried, besides the pattern's own characters
SAMPLES = {  # one character each category stands for, and one outside it
    sre_constants.CATEGORY_DIGIT: "1",
    sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_SPACE: " \n",
    sre_constants.CATEGORY_NOT_SPACE: "a",
    sre_constants.CATEGORY_WORD: "a_",
    sre_constants.CATEGORY_NOT_WORD: " !",
    sre_constants.CATEGORY_LINEBREAK: "\n",
    sre_constants.CATEGORY_NOT_LINEBREAK: "a",
}


@dataclass
class Found:
    """One pattern: where it is, how it is called, and the worst growth seen."""

    where: str
    pattern: str
    flags: int
    styles: list[str] = field(default_factory=list)
    exponent: float = 0.0
    worst: str = ""
    seconds: dict[int, float] = field(default_factory=dict)


def _characters(tree: object, into: set[str]) -> None:
    """The characters a parsed pattern holds: literals, and samples of its classes."""
    for op, arg in tree:  # type: ignore[attr-defined]
        if op is sre_constants.LITERAL or op is sre_constants.NOT_LITERAL:
            into.add(chr(arg))
        elif op is sre_constants.IN:
            for item, value in arg:
                if item is sre_constants.LITERAL:
                    into.add(chr(value))
                elif item is sre_constants.RANGE:
                    into.update((chr(value[0]), chr(value[1])))
                elif item is sre_constants.CATEGORY:
                    into.update(SAMPLES.get(value, ""))
        elif op is sre_constants.CATEGORY:
            into.update(SAMPLES.get(arg, ""))
        elif op is sre_constants.ANY:
            into.add("a")
        elif op in (
            sre_constants.MAX_REPEAT,
            sre_constants.MIN_REPEAT,
            sre_constants.POSSESSIVE_REPEAT,
        ):
            _characters(arg[2], into)
        elif op is sre_constants.SUBPATTERN:
            _characters(arg[3], into)
        elif op is sre_constants.ATOMIC_GROUP:
            _characters(arg, into)
        elif op is sre_constants.BRANCH:
            for branch in arg[1]:
                _characters(branch, into)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _characters(arg[1], into)
        elif op is sre_constants.GROUPREF_EXISTS:
            for branch in arg[1:]:
                if branch is not None:
                    _characters(branch, into)


def units(pattern: re.Pattern[str]) -> list[str]:
    """The repeated pieces to try: the pattern's characters alone and in pairs."""
    chars: set[str] = set(GENERAL)
    with contextlib.suppress(Exception):  # a pattern it reads otherwise: the general set
        _characters(sre_parse.parse(pattern.pattern, pattern.flags), chars)
    ordered = sorted(chars)
    return ordered + [a + b for a, b in itertools.permutations(ordered, 2)]


def _call(pattern: re.Pattern[str], style: str) -> Callable[[str], object]:
    if style == "finditer":
        return lambda text: sum(1 for _ in pattern.finditer(text))
    if style == "sub":
        return lambda text: pattern.sub(" ", text)
    return getattr(pattern, style)


def _seconds(call: Callable[[str], object], text: str, repeat: int = 3) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.process_time()
        call(text)
        best = min(best, time.process_time() - start)
        if best > 0.05:
            break
    return best


def _text(unit: str, breaker: str, length: int) -> str:
    return unit * max(1, length // len(unit)) + breaker


def growth(
    call: Callable[[str], object], unit: str, breaker: str
) -> tuple[float, dict[int, float]]:
    """The exponent of time over length from 1k to 16k characters (or to a second)."""
    seconds: dict[int, float] = {}
    for length in (1_000, 4_000, 16_000):
        seconds[length] = _seconds(call, _text(unit, breaker, length))
        if seconds[length] > 1.0:
            break
    lengths = sorted(seconds)
    a, b = lengths[-2], lengths[-1]
    ratio = max(seconds[b], 1e-6) / max(seconds[a], 1e-6)
    return math.log(ratio) / math.log(b / a), seconds


def audit(found: Found, pattern: re.Pattern[str], progress: Callable[[str], None] = print) -> None:
    """Screen every piece in every style; measure the suspects; keep the worst."""
    for style in found.styles or STYLES:
        call = _call(pattern, style)
        suspect = 8.0  # a screen's growth that is measured further
        for unit, breaker in itertools.product(units(pattern), BREAKERS):
            progress(f"{style}: {unit!r} * n + {breaker!r}")
            small = _seconds(call, _text(unit, breaker, 300), repeat=1)
            large = _seconds(call, _text(unit, breaker, 1_200), repeat=1)
            if large >= 3e-4 and large >= 8 * small:  # noise, or a suspect: again
                small = _seconds(call, _text(unit, breaker, 300))
                large = _seconds(call, _text(unit, breaker, 1_200))
            if large < 3e-4 or large < suspect * small:
                continue
            exponent, seconds = growth(call, unit, breaker)
            if exponent > 1.5:  # found: only a steeper screen is measured again
                suspect = max(suspect, 1.5 * large / max(small, 1e-6))
            if exponent > found.exponent:
                found.exponent, found.seconds = exponent, seconds
                found.worst = f"{style}: {unit!r} * n + {breaker!r}"


def _audit_in(conn: Connection, found: Found, pattern: re.Pattern[str]) -> None:
    audit(found, pattern, conn.send)
    conn.send(found)


def guarded(found: Found, pattern: re.Pattern[str], quiet_seconds: float) -> Found:
    """`audit` in a process of its own, stopped when one piece takes longer than
    `quiet_seconds` (a regular expression cannot be interrupted): such a
    pattern is reported with the piece it was stuck on, as exponential."""
    parent, child = multiprocessing.get_context("fork").Pipe()
    worker = multiprocessing.get_context("fork").Process(
        target=_audit_in, args=(child, found, pattern)
    )
    worker.start()
    last = ""
    try:
        while parent.poll(quiet_seconds):
            message = parent.recv()
            if isinstance(message, Found):
                return message
            last = message
        found.exponent, found.worst = math.inf, f"{last} (no answer in {quiet_seconds:.0f} s)"
        return found
    finally:
        worker.kill()
        worker.join()


def modules(packages: list[str]) -> Iterator[str]:
    for package in packages:
        yield package
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if not info.name.endswith(".__main__"):  # importing one runs a command
                yield info.name


def _patterns_in(value: object, name: str) -> Iterator[tuple[str, re.Pattern[str]]]:
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        yield name, value
    elif isinstance(value, tuple | list | frozenset | set):
        for i, item in enumerate(value):
            yield from _patterns_in(item, f"{name}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _patterns_in(item, f"{name}[{key!r}]")


def _styles_of(tree: ast.AST | None, name: str) -> list[str]:
    """How a module calls its pattern `name` (empty: not written out)."""
    called = [
        node.func.attr
        for node in (ast.walk(tree) if tree else ())
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    ]
    styles = {("finditer" if s in ("findall", "finditer") else s) for s in called}
    return sorted(styles & set(STYLES) | ({"sub"} if "subn" in called else set()))


def collect(packages: list[str]) -> tuple[list[tuple[Found, re.Pattern[str]]], list[str]]:
    """Module-level patterns, literal patterns of `re.*` calls, and the dynamic ones."""
    found: list[tuple[Found, re.Pattern[str]]] = []
    dynamic: list[str] = []
    seen: set[tuple[str, int]] = set()
    for name in modules(packages):
        try:
            module = importlib.import_module(name)
            namespace = vars(module)
        except Exception as exc:  # a module only its tool imports: its source alone
            dynamic.append(f"{name}: not imported ({type(exc).__name__}); literal calls only")
            namespace = {}
        spec = importlib.util.find_spec(name)
        path = Path(spec.origin if spec and spec.origin else "")
        source = path.read_text(encoding="utf-8") if path.suffix == ".py" else ""
        tree = ast.parse(source) if source else None
        for attr, value in namespace.items():
            for label, pattern in _patterns_in(value, attr):
                if not re.search(rf"^{re.escape(attr)}\b", source, re.M):
                    continue  # imported from another module: audited there
                key = (pattern.pattern, pattern.flags)
                if key in seen:
                    continue
                seen.add(key)
                styles = _styles_of(tree, attr.split("[")[0])
                found.append(
                    (Found(f"{name}.{label}", pattern.pattern, pattern.flags, styles), pattern)
                )
        for node in ast.walk(tree) if tree else ():
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
            ):
                continue
            style = node.func.attr
            first = node.args[0]
            where = f"{name}:{node.lineno}"
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                dynamic.append(f"{where} re.{style}({ast.unparse(first)})")
                continue
            if style == "compile" and node.col_offset == 0:
                continue  # a module-level pattern, imported above
            flags = 0
            for extra in [*node.args[1:], *(k.value for k in node.keywords if k.arg == "flags")]:
                with contextlib.suppress(Exception):
                    flags |= int(eval(ast.unparse(extra), {"re": re}))  # noqa: S307
            pattern = re.compile(first.value, flags)
            key = (pattern.pattern, pattern.flags)
            if key in seen:
                continue
            seen.add(key)
            styles = [] if style == "compile" else [{"findall": "finditer"}.get(style, style)]
            found.append(
                (Found(where, first.value, flags, [s for s in styles if s in STYLES]), pattern)
            )
    return found, dynamic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", default="kb,indexer,search,webapp")
    parser.add_argument("--only", default="", help="audit only patterns whose place holds this")
    parser.add_argument("--start", type=int, default=1, help="the first pattern to audit")
    parser.add_argument("--quiet-seconds", type=float, default=60.0, help="longest piece")
    parser.add_argument("--json", type=Path, help="write every pattern's result here")
    args = parser.parse_args()
    found, dynamic = collect(args.packages.split(","))
    results = []
    for number, (item, pattern) in enumerate(found, 1):
        if args.only and args.only not in item.where or number < args.start:
            continue
        start = time.monotonic()
        item = guarded(item, pattern, args.quiet_seconds)
        took = time.monotonic() - start
        print(f"[{number}/{len(found)}] {item.where} {took:.1f} s", file=sys.stderr, flush=True)
        results.append(item)
        mark = "SUPER-LINEAR" if item.exponent > 1.5 else "linear"
        if item.exponent > 1.5:
            times = ", ".join(f"{n}: {s:.3f} s" for n, s in item.seconds.items())
            print(f"{mark:12} n^{item.exponent:.1f} {item.where} {item.pattern!r}")  # inf: stuck
            print(f"{'':17} {item.worst} ({times})", flush=True)
    print(
        f"\n{len(results)} patterns audited, {sum(r.exponent > 1.5 for r in results)} super-linear"
    )
    print("Built at run time (review by hand):")
    for line in dynamic:
        print("  " + line)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
