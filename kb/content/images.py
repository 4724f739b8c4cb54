"""The pictures an article names, and which of them its page may show.

An article shows a picture that lies in its own folder or a folder below it,
named by a relative path (`![Printer menu](pics/printer-menu.png)`) with the
extension of a PNG, JPEG, GIF or WebP file. Nothing else is ever loaded:
no `..`, no absolute path (it could name another department's folder), no
hidden file, no SVG (it can carry script), and no picture on another host
(the intranet page would tell that host who reads what; the page links to it
instead, `webapp.articles.images`). `image_references` reads the `<img>`
elements of a rendered body and judges each by its address alone; whether
the file is there, a picture of that type and small enough is read from the
folder by `kb.content.article_images`. Each picture that is not shown is a
warning with the line of the article that names it; the article itself is
published, its page showing the alt text.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from kb.content.html_parsing import ArticleHTMLParser
from kb.content.problem_texts import problem
from kb.records import CONTROL_CHARACTERS, ArticleImage, Problem

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
REMOTE_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True)
class ImageReference:
    """One `<img>` of an article: its address as written, the line that names
    it, and either the picture's path below the content root (`target`) with
    its path below the article's folder (`relative`), or why it is not shown
    (`problem`, a text of `kb.content.problem_texts`, with `scheme` for a
    `mailto:` address and the like)."""

    source: str
    line: int | None
    target: str = ""
    relative: str = ""
    problem: str = ""
    scheme: str = ""

    def warning(self, article_id: str, problem_key: str = "", **values: str) -> Problem:
        """The warning that this picture is not shown (`problem_key`: why, when
        the folder said so rather than the address, with its `values`)."""
        key = problem_key or self.problem
        if not problem_key and self.scheme:
            values = {"scheme": self.scheme}
        return warning_of(key, article_id, self.line, source=self.quoted, **values)

    @property
    def quoted(self) -> str:
        """The address as the warnings quote it."""
        return repr(self.source or "(no address)")


class _Images(ArticleHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")

    handle_startendtag = handle_starttag


def image_sources(html: str) -> list[str]:
    """The `src` of every image of rendered (not yet sanitised) HTML, in order."""
    parser = _Images()
    parser.feed(html)
    parser.close()
    return parser.sources


def is_remote(source: str) -> bool:
    """Whether `source` names a picture on another host (http, https, `//host`)."""
    parts = urlsplit(source.strip())
    return parts.scheme.lower() in REMOTE_SCHEMES or (not parts.scheme and bool(parts.netloc))


def warning_of(key: str, article_id: str, line: int | None, **values: Any) -> Problem:
    """The warning `key` (a text of `kb.content.problem_texts`) about a picture."""
    return problem(key, article_id, kind="image", line=line, **values)


def _refusal(source: str) -> tuple[str, str] | None:
    """Why the address `source` can never name a picture the page shows (the
    key of its text) with the address's scheme where that is why; None when it
    may (its file is judged when read)."""
    parts = urlsplit(source)
    path = unquote(parts.path)
    if not source:
        return "image_no_address", ""
    if is_remote(source):
        return "image_remote", ""
    if parts.scheme or parts.netloc:
        return "image_scheme", parts.scheme
    if path.startswith("/"):
        return "image_absolute", ""
    names = path.split("/")
    if ".." in names:
        return "image_outside", ""
    if (
        "\\" in path
        or CONTROL_CHARACTERS.search(path)
        or any(n.startswith(".") and n != "." for n in names)
    ):
        return "image_hidden", ""
    if not path.lower().endswith(IMAGE_SUFFIXES):
        return "image_suffix", ""
    return None


def resolve_image(source: str, article_id: str) -> str | None:
    """The path below the content root of the picture `source` names in the
    article `article_id`, or None when the page never shows it."""
    source = source.strip()
    if _refusal(source) is not None:
        return None
    relative = posixpath.normpath(unquote(urlsplit(source).path))
    return posixpath.join(posixpath.dirname(article_id), relative)


def _line_of(source: str, body: str, body_line: int, after: int) -> tuple[int | None, int]:
    at = body.find(source, after) if source else -1
    if at < 0:
        at = min(
            (i for i in (body.find("![", after), body.find("<img", after)) if i >= 0), default=-1
        )
    if at < 0:
        return None, after
    return body_line + body[:at].count("\n"), at + 1


def image_references(html: str, body: str, body_line: int, article_id: str) -> list[ImageReference]:
    """Every `<img>` of the rendered `html` of `body` (whose first line is line
    `body_line` of the file), in order, judged by its address."""
    found: list[ImageReference] = []
    after = 0
    for written in image_sources(html):
        source = written.strip()
        line, after = _line_of(unquote(source), body, body_line, after)
        if line is None:
            line, after = _line_of(source, body, body_line, after)
        refusal = _refusal(source)
        if refusal is not None:
            found.append(ImageReference(source, line, problem=refusal[0], scheme=refusal[1]))
            continue
        target = resolve_image(source, article_id) or ""
        relative = posixpath.normpath(unquote(urlsplit(source).path))
        found.append(ImageReference(source, line, target=target, relative=relative))
    return found


# Reads the pictures `image_references` found for an article (its id first)
# from its folder: those shown, and a warning for each that is not.
ImageReader = Callable[[str, list[ImageReference]], tuple[tuple[ArticleImage, ...], list[Problem]]]


def address_warnings(article_id: str, references: list[ImageReference]) -> list[Problem]:
    """The warnings of the pictures whose address alone keeps them off the page."""
    return [r.warning(article_id) for r in references if r.problem]
