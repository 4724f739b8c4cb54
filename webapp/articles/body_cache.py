"""Article bodies as their page shows them, sanitised once per process.

The page and `GET /api/articles/<id>` sanitise an article's stored HTML again
on every view, to set this app's links (`webapp.articles.sanitize`). For a
flat article of a megabyte that took 0.35 to 0.9 s per view
(`benchmarks/article_view.py`), and the same article is read again and again.
So each process keeps the bodies it made, least recently used first out,
within `MAX_CACHED_CHARS` characters in all.

A body is looked up by everything that makes it: the article's id (its links
are resolved from where it lies), its title (headings are placed below it),
the SHA-256 of its stored HTML, of its indexed text (which a page shows
when there is no HTML to show) and of the pictures the snapshot keeps for it
(their paths and digests, which their addresses name: a new snapshot, or the
stored version of an article published in the browser, brings a new key), and the
address this app gives an article (the links and picture addresses written
into the body). The
sanitiser and its allow-list are those of the running code, the same for
every entry of one process. Nothing of the viewer is in the key, and need not
be: a body holds nothing but the article's own HTML, the same for everyone
who may read it. The caller decides first who may read the article
(`webapp.articles.presenters.visible_article`); the cache is asked only then.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app
from markupsafe import Markup

from kb.content.sanitize import ImageBuilder, LinkBuilder
from kb.records import Article
from webapp.articles.sanitize import article_body_html

# Per process: four workers keep at most about 4 × 32 M characters (ASCII
# text takes a byte a character) of bodies; the sample knowledge base needs
# under 1 M in all.
MAX_CACHED_CHARS = 32 * 1024 * 1024
# A body larger than this is made on each view rather than evicting most others.
MAX_ENTRY_CHARS = MAX_CACHED_CHARS // 4
_EXTENSION = "kb_article_bodies"
# Any article id: its address, as the app makes it, names the app's prefix.
_PROBE_ID = "department/article.md"

Key = tuple[str, str, str, str]


class BodyCache:
    """Bodies by key, within `max_chars` characters in all; safe across threads."""

    def __init__(self, max_chars: int = MAX_CACHED_CHARS) -> None:
        self.max_chars = max_chars
        self._bodies: OrderedDict[Key, Markup] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: Key, make: Callable[[], Markup]) -> Markup:
        """The body under `key`, made by `make()` (outside the lock) when missing."""
        with self._lock:
            found = self._bodies.get(key)
            if found is not None:
                self._bodies.move_to_end(key)
                return found
        body = make()
        if len(body) <= min(MAX_ENTRY_CHARS, self.max_chars):
            self._keep(key, body)
        return body

    def _keep(self, key: Key, body: Markup) -> None:
        with self._lock:
            if key in self._bodies:
                return  # another thread made it meanwhile
            self._bodies[key] = body
            self._chars += len(body)
            while self._chars > self.max_chars:
                _, dropped = self._bodies.popitem(last=False)
                self._chars -= len(dropped)

    def __len__(self) -> int:
        return len(self._bodies)


def body_key(article: Article, link_for: LinkBuilder) -> Key:
    """What the body of `article` depends on (see the module docstring)."""
    digest = hashlib.sha256()
    pictures = (f"{image.path}\0{image.digest}" for image in article.images)
    texts = (article.body_html, *(section.text for section in article.sections), *pictures)
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")  # no two splits of the same characters hash alike
    return (article.id, article.title, digest.hexdigest(), link_for(_PROBE_ID))


def cached_body_html(article: Article, link_for: LinkBuilder, image_for: ImageBuilder) -> Markup:
    """`webapp.articles.sanitize.article_body_html`, made once per process for
    each article's stored HTML and pictures (`image_for` must name them by the
    article's pictures alone, as `webapp.articles.images.shown_images` does).
    Call it only for an article the viewer may read."""
    cache = current_app.extensions.get(_EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(_EXTENSION, BodyCache())
    key = body_key(article, link_for)
    return cache.get(key, lambda: article_body_html(article, link_for, image_for))
