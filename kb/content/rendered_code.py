"""How the article page shows a place of a body's Markdown: as a link's
address, as code, as text, or not at all. Asked of the renderer itself.

Whether `[a](x.md)` is a link or an example of one written in code is
decided once, here, for every reader of links: content health and the
editor's warning (`kb.content.dropped_links`, `kb.insights.content`) and the
links a rename changes (`kb.content.moved_links`). A second, hand-written
reading of Markdown disagreed with the page at the edges (a fence never
closed, code in a list item or a quote, code right under a heading), so the
page's own renderer (`kb.content.markdown_text`, template tags removed first,
as the page renders) is asked instead: each place in question gets a mark
put in front of it, a word of letters and digits the body does not hold,
which no Markdown rule reads, so the marked body renders into the same
blocks, code and links. The marks are then looked for in the HTML: in an
`<a href>` the place is a link's address; in the text of `<code>` or `<pre>`
it is shown as code; in other text or another attribute (a picture's
address) it is shown, but not as a link; nowhere (a reference definition no
link uses, a comment, a `<script>` the sanitiser drops with its text) it is
shown to nobody.

One render answers every place of a body; callers ask only about the places
that matter to them (a link that would be reported or changed), so a body
without any renders not at all. Rendering has the page's budget
(`render_seconds`): past it `RenderError`, as for the article itself.

Which places of a body are links is kept for the bodies asked about lately
(`shown_as_links`, by a digest of the body and the places, up to
`KEPT_BYTES` answers): content health asks again about the same bodies on
every view, and one body with 20,000 links to missing articles took 1.8 s
of processor time to render each time. A render that failed is not kept.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from enum import Enum

from kb.content.html_parsing import ArticleHTMLParser
from kb.content.markdown_text import RenderError, render_html
from kb.content.sanitize import DROPPED_WITH_CONTENT
from kb.content.template_tags import strip_template_tags

# What the page shows of a `<code>` or `<pre>` element's text is code.
_CODE = frozenset({"code", "pre"})
# Text the sanitiser drops with its element, which no reader sees; void
# elements hold no text and have no end tag.
_UNSEEN = DROPPED_WITH_CONTENT - {"embed", "frame"}


class Shown(Enum):
    """How the page shows one place of the body."""

    LINK = "link"  # in a link's address
    CODE = "code"  # in the text of code
    TEXT = "text"  # in other text, or an attribute other than a link's address
    UNSEEN = "unseen"  # nowhere a reader sees


def shown_as(body: str, places: Sequence[int], seconds: float | None) -> list[Shown]:
    """How the page shows the place at each offset of `places` in `body` (the
    character there and what follows it); rendered once within `seconds`
    (None: no budget), `RenderError` past it."""
    if not places:
        return []
    prefix = _unused_prefix(body)
    order = sorted(set(places))
    parts, done = [], 0
    for number, at in enumerate(order):
        parts += [body[done:at], f"{prefix}{number}e"]
        done = at
    parts.append(body[done:])
    finder = _Marks(re.compile(re.escape(prefix) + r"(\d+)e"))
    finder.feed(render_html(strip_template_tags("".join(parts)), seconds))
    finder.close()
    found = {at: finder.shown.get(number, Shown.UNSEEN) for number, at in enumerate(order)}
    return [found[at] for at in places]


def _unused_prefix(body: str) -> str:
    """The start of every mark: letters and digits that the body does not hold."""
    while True:
        prefix = f"kb{secrets.token_hex(8)}m"
        if prefix not in body:
            return prefix


# When one mark is found in several places (it cannot be, but for a link used
# twice), a link wins: a link readers follow is never left out.
_RANK = {Shown.LINK: 3, Shown.CODE: 2, Shown.TEXT: 1, Shown.UNSEEN: 0}


class _Marks(ArticleHTMLParser):
    """The marks of rendered HTML, each with how the page shows it."""

    def __init__(self, mark: re.Pattern[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.mark = mark
        self.shown: dict[int, Shown] = {}
        self._code = 0
        self._unseen = 0

    def _note(self, text: str, how: Shown) -> None:
        for found in self.mark.finditer(text):
            number = int(found.group(1))
            if _RANK[how] > _RANK[self.shown.get(number, Shown.UNSEEN)]:
                self.shown[number] = how

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)
        self._code += tag in _CODE
        self._unseen += tag in _UNSEEN

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._unseen:
            return
        for name, value in attrs:
            link = tag == "a" and name == "href"
            self._note(value or "", Shown.LINK if link else Shown.TEXT)

    def handle_endtag(self, tag: str) -> None:
        if tag in _CODE:
            self._code = max(0, self._code - 1)
        if tag in _UNSEEN:
            self._unseen = max(0, self._unseen - 1)

    def handle_data(self, data: str) -> None:
        if not self._unseen:
            self._note(data, Shown.CODE if self._code else Shown.TEXT)


# The answers `shown_as_links` keeps, one byte per place, oldest dropped first.
KEPT_BYTES = 4_000_000


class _KeptAnswers:
    """Answers by digest, the least recently used dropped past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._answers: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, digest: bytes) -> bytes | None:
        with self._lock:
            answer = self._answers.get(digest)
            if answer is not None:
                self._answers.move_to_end(digest)
            return answer

    def put(self, digest: bytes, answer: bytes) -> None:
        with self._lock:
            if digest in self._answers:
                return
            self._answers[digest] = answer
            self._bytes += len(answer)
            while self._bytes > self.limit and len(self._answers) > 1:
                self._bytes -= len(self._answers.popitem(last=False)[1])

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._bytes = 0


_kept = _KeptAnswers(KEPT_BYTES)


def forget_kept() -> None:
    """Drop every kept answer (a test that changes how bodies render)."""
    _kept.clear()


def shown_as_links(body: str, places: Sequence[int], seconds: float | None) -> list[bool]:
    """Whether the page shows each place of `places` as a link's address (see
    `shown_as`); a body that does not render within `seconds` shows no page,
    and so no link. Answered again from what was kept (see the module)."""
    if not places:
        return []
    key = hashlib.sha256(body.encode("utf-8", "surrogatepass"))
    key.update(array("q", places).tobytes())
    key.update(repr(seconds).encode())
    digest = key.digest()
    if (kept := _kept.get(digest)) is not None:
        return [bool(link) for link in kept]
    try:
        links = [how is Shown.LINK for how in shown_as(body, places, seconds)]
    except RenderError:
        return [False] * len(places)
    _kept.put(digest, bytes(links))
    return links
