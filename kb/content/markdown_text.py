"""Markdown to HTML and plain text for indexing, under a time budget.

The `markdown` package renders the body to HTML; a small HTML walker then collects text,
starting a new section at every heading so that the indexer can cut passages along them.
Template tags of static-site generators are removed first (`kb.content.template_tags`, in time
linear in the text), so `[Travel]({% page "/travel/" %})` becomes the link text `Travel`.

Rendering is not linear for every input: Python-Markdown's link parser takes
quadratic time in a run of unmatched `[` (1,000 took 0.37 s, 2,000 1.2 s,
4,000 4.9 s on the 2-core reference machine, load 9), so a 9 KB article took
17.6 s. Rendering therefore happens once, when indexing (never per page
view), and under a budget (setting `render_seconds`): past it `RenderTimeout`
is raised and the article is an error of `kb validate` and the indexer.

The budget is processor time of the rendering thread (`time.thread_time`),
not time on the clock: on a loaded machine a 435 KB article took 9 s on the
clock for far less of its own work, and was refused although nothing in it
was slow. The clock still has a limit, `WALL_FACTOR` times the budget, as a
backstop for a render that waits rather than works.

The budget interrupts the renderer with a timer signal where it can (the main
thread, where `kb index`, `kb index --watch` and `kb validate` render): the
timer fires when the budget could first be spent (processor time never runs
faster than the clock), looks at the processor time used, and is set again
for the rest. The signal is only turned into an exception in the renderer's
own code and the standard-library code it calls, never in code the
interpreter runs on its own on top of the renderer, where the exception would
be lost ("Exception ignored"): anything run during a garbage collection (which
`gc.callbacks` tell), finalisers (`__del__`) and the weak-reference callbacks
of the `weakref` module (`WeakSet`, `WeakValueDictionary`, `finalize`), which
also run when the renderer drops the last reference to an object. Elsewhere
(another library's code, the import machinery) it is tried again 10 ms later.

No signal reaches another thread: the web app's index worker, which indexes
files changed on disk after each browser edit, and gthread workers
(`kb serve --threads`) render there. A trace function of the rendering
thread alone (`sys.settrace`, function calls only) stops the render at the
first call past the budget instead (the sample articles rendered in a thread
took 1.3-2x as long traced, and the tracing counts as the thread's processor
time); a call into code the signal would not interrupt is let through, and the
next call into the renderer's code is stopped. Without it a run of unmatched
`[` in one department's file held the index worker, and so every department's
browser edits, for hours. Where a tracer already runs (a debugger, coverage),
the render runs to its end and is judged by how long it took.
"""

from __future__ import annotations

import _weakrefset
import gc
import os
import re
import signal
import sys
import sysconfig
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import FrameType

import markdown

from kb.content.block_nesting import NestedTooDeep
from kb.content.html_parsing import ArticleHTMLParser
from kb.content.html_size import HtmlTooLarge, bounded_markdown, html_too_large
from kb.content.nesting import MAX_DEPTH, nesting_depth
from kb.content.sanitize import DROPPED_WITH_CONTENT
from kb.content.table_headers import TableHeaderScopes
from kb.extract.table_markdown import escape_rule_cell, is_rule_cell
from kb.records import Section

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "tr", "pre", "blockquote", "div", "br", "table", "dd", "dt"}
# Elements whose text the page never shows: the sanitiser drops them with their
# content (`kb.content.sanitize`), so their text is not indexed either, or a file
# could plant words that search finds and answer cards quote, but no reader or
# reviewer sees on the article. Void elements (`embed`, `frame`) hold no text and
# have no end tag to close the skip.
_SKIP = DROPPED_WITH_CONTENT - {"embed", "frame"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_CELLS = {"td", "th"}
_EXTENSIONS: list[str | markdown.Extension] = ["extra", "sane_lists", TableHeaderScopes()]


_local = threading.local()


class RenderError(Exception):
    """One body cannot be rendered: too slow, nested too deeply, or too large."""


class RenderTimeout(RenderError):
    """Rendering one body took more processor time than its budget, or more time
    on the clock than the backstop (`wall`)."""

    def __init__(self, seconds: float, budget: float, *, wall: bool = False) -> None:
        if wall:
            text = (
                f"rendering took {seconds:.1f} s on the clock, over the {budget * WALL_FACTOR:g} s "
                f"limit ({WALL_FACTOR} times the {budget:g} s budget)"
            )
        else:
            text = f"rendering took {seconds:.1f} s of processor time, over the {budget:g} s budget"
        super().__init__(text)
        self.seconds = seconds
        self.budget = budget
        self.wall = wall


RETRY_SECONDS = 0.01
# The clock's limit on one render, in budgets: a backstop well above what a busy
# machine adds to a render's own processor time (9 s on the clock for 1-2 s of
# work, load 12 on 2 cores), for a render that waits rather than works.
WALL_FACTOR = 10


class _Budget:
    """The processor time of this thread and the time on the clock one render may
    take, from now."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.cpu_start, self.wall_start = time.thread_time(), time.monotonic()

    def spent(self) -> RenderTimeout | None:
        """The timeout to raise once either limit is passed (None before)."""
        cpu = time.thread_time() - self.cpu_start
        wall = time.monotonic() - self.wall_start
        if cpu > self.seconds:
            return RenderTimeout(cpu, self.seconds)
        if wall > self.seconds * WALL_FACTOR:
            return RenderTimeout(wall, self.seconds, wall=True)
        return None

    def left(self) -> float:
        """Seconds on the clock before either limit can be passed: processor time
        never runs faster than the clock."""
        cpu_left = self.seconds - (time.thread_time() - self.cpu_start)
        wall_left = self.seconds * WALL_FACTOR - (time.monotonic() - self.wall_start)
        return max(RETRY_SECONDS, min(cpu_left, wall_left))


_MARKDOWN = os.path.dirname(markdown.__file__) + os.sep
_PATHS = sysconfig.get_paths()
_STDLIB = _PATHS["stdlib"] + os.sep
_PACKAGES = (_PATHS["purelib"] + os.sep, _PATHS["platlib"] + os.sep)
# Where the standard library's weak-reference callbacks live: CPython calls them
# when a referent dies and only reports what they raise ("Exception ignored").
_WEAKREF_CALLBACKS = frozenset({weakref.__file__, _weakrefset.__file__})

# The threads running a garbage collection now. Every finaliser and weak-reference
# callback it runs, whoever wrote it, runs on top of the code that happened to
# allocate (the renderer's too), and what they raise is lost.
_collecting: set[int] = set()


def _note_collection(phase: str, _info: dict[str, int]) -> None:
    if phase == "start":
        _collecting.add(threading.get_ident())
    else:
        _collecting.discard(threading.get_ident())


# First in the list: the collection is known before other callbacks' code runs.
gc.callbacks.insert(0, _note_collection)


def _renders(frame: FrameType | None) -> bool:
    """Whether `frame`, the frame running now, runs for the renderer: the
    `markdown` package's code or standard-library code it called. Not the
    caller's own code around the render, nor another library's code that runs on
    top of the renderer without its asking (an unraisable-exception hook), nor
    what the interpreter runs on its own (during a garbage collection, a
    finaliser, a weak-reference callback): the exception would be lost there.
    Nor the import machinery, where an exception can leave a module's lock half
    released."""
    if threading.get_ident() in _collecting:
        return False
    while frame is not None:
        code = frame.f_code
        name = code.co_filename
        if code.co_name == "__del__" or name in _WEAKREF_CALLBACKS:
            return False
        if name.startswith(_MARKDOWN):
            return True
        if name.startswith("<frozen importlib") or not _standard(name):
            return False
        frame = frame.f_back
    return False


def _standard(name: str) -> bool:
    return name.startswith(_STDLIB) and not name.startswith(_PACKAGES)


@contextmanager
def _deadline(seconds: float | None) -> Iterator[_Budget | None]:
    """Interrupt the block with `RenderTimeout` after `seconds`: by a timer signal
    in the main thread (no other timer running), by a trace function elsewhere
    (no other tracer running). Yields the budget (None without `seconds`), by
    which a block that could not be interrupted is judged afterwards."""
    if seconds is None:
        yield None
        return
    budget = _Budget(seconds)
    if threading.current_thread() is not threading.main_thread():
        with _traced_deadline(budget):
            yield budget
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] != 0:
        yield budget
        return
    done = False

    def stop(_signum: int, frame: FrameType | None) -> None:
        if done:
            return
        timeout = budget.spent()
        if timeout is None:  # the machine was busy elsewhere: look again when it can be
            signal.setitimer(signal.ITIMER_REAL, budget.left())
            return
        # Ask again a moment later: the renderer is not running (code around it
        # is, or code the interpreter runs on its own, where the exception would
        # be lost), or the exception raised below is caught on its way out (by
        # code in between that catches every exception).
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        if _renders(frame):
            raise timeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield budget
    finally:
        done = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _traced_deadline(budget: _Budget) -> Iterator[None]:
    """Interrupt the block with `RenderTimeout` at the first function call in the
    renderer's code past `budget`, through a trace function of this thread."""
    if sys.gettrace() is not None:
        yield  # another tracer's thread: judged afterwards
        return

    def check(frame: FrameType, event: str, arg: object) -> None:
        timeout = budget.spent()
        if timeout is not None and _renders(frame):
            sys.settrace(None)
            raise timeout

    sys.settrace(check)
    try:
        yield
    finally:
        sys.settrace(None)


class RenderTooDeep(RenderError):
    """Lists or quotes nested past what the renderer recurses or `kb.content.block_nesting`
    allows (`line`: where, when known), or HTML past `kb.content.nesting`'s limit."""

    def __init__(self, elements: bool = False, detail: str = "", line: int | None = None) -> None:
        deep = f"lists, quotes or HTML elements are nested too deeply: more than {MAX_DEPTH} levels"
        shallow = "lists or quotes are nested too deeply to render"
        super().__init__(detail or (deep if elements else shallow))
        self.line = line


class RenderTooLarge(RenderError):
    """More than `MAX_HTML_CHARS` characters of HTML (`kb.content.html_size`)."""


@cache
def escaped_characters() -> frozenset[str]:
    """What a backslash escapes in a link's target as the page renders it (`\\.`: a `.`)."""
    return frozenset(markdown.Markdown(extensions=_EXTENSIONS).ESCAPED_CHARS)


def render_html(body: str, seconds: float | None = None) -> str:
    """Markdown to (unsanitised) HTML within `seconds` (None: no budget); callers
    that show it must sanitise it (`kb.content.sanitize`)."""
    # Building a Markdown instance loads every extension; reuse one per thread.
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = bounded_markdown(_EXTENSIONS)
    try:
        with _deadline(seconds) as budget:
            html: str = md.reset().convert(body)
    except (RecursionError, RenderTimeout, HtmlTooLarge, NestedTooDeep) as exc:
        # Interrupted half way: the instance's state cannot be trusted any more.
        _local.md = bounded_markdown(_EXTENSIONS)
        if isinstance(exc, RenderTimeout):
            raise
        if isinstance(exc, NestedTooDeep):
            raise RenderTooDeep(detail=str(exc), line=exc.line_in(body)) from None
        raise RenderTooDeep() if isinstance(exc, RecursionError) else RenderTooLarge(exc) from None
    timeout = budget.spent() if budget is not None else None
    if timeout is not None:  # not stopped (another timer or tracer ran): judged after
        raise timeout
    if (too_large := html_too_large(html)) is not None:
        raise RenderTooLarge(too_large)  # before anything reads it again
    if nesting_depth(html, stop_at=MAX_DEPTH) > MAX_DEPTH:
        raise RenderTooDeep(elements=True)  # before the sanitiser reads it
    return html


class _SectionCollector(ArticleHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[list[tuple[int, str]], list[str]]] = [([], [])]
        self._path: list[tuple[int, str]] = []
        self._heading_level = 0
        self._heading_text: list[str] = []
        self._skip = 0
        # The open table cell: the text parts it goes to and where it starts.
        self._cell: tuple[list[str], int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _HEADINGS:
            self._heading_level = int(tag[1])
            self._heading_text = []
        elif tag in _BLOCKS:
            self._text().append("\n")
        elif tag in _CELLS:
            self._text().append(" | ")
            self._cell = (self._text(), len(self._text()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _CELLS:
            self._close_cell()
        elif tag in _HEADINGS and self._heading_level:
            title = _SPACES.sub(" ", "".join(self._heading_text)).strip()
            level = self._heading_level
            self._heading_level = 0
            if title:
                self._path = [(lv, t) for lv, t in self._path if lv < level] + [(level, title)]
                self.sections.append((list(self._path), []))
        elif tag in _BLOCKS:
            self._text().append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._heading_level:
            self._heading_text.append(data)
        else:
            self._text().append(data)

    def _text(self) -> list[str]:
        return self.sections[-1][1]

    def _close_cell(self) -> None:
        """A cell that is only dashes ("-" for "none") is kept escaped, as a
        document's is (`kb.extract.table_markdown`): a line of it is no rule."""
        if self._cell is not None:
            parts, start = self._cell
            text = "".join(parts[start:]).strip()
            if is_rule_cell(text):
                parts[start:] = [escape_rule_cell(text)]
        self._cell = None


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def html_sections(html: str) -> tuple[Section, ...]:
    """Plain-text sections of rendered HTML, each with its heading path."""
    collector = _SectionCollector()
    collector.feed(html)
    collector.close()
    sections = []
    for path, parts in collector.sections:
        headings = tuple(t for _, t in path)
        text = _tidy("".join(parts))
        if text or headings:
            sections.append(Section(headings=headings, text=text))
    return tuple(sections)


def first_heading(sections: tuple[Section, ...]) -> str:
    for section in sections:
        if section.headings:
            return section.headings[0]
    return ""
