"""Images in an article, which the article page does not show.

The sanitiser keeps an `<img>` only with an address the browser may load, and
the site's Content-Security-Policy loads images from the app itself alone,
which serves no files of the content folder: a picture in an article reaches
its readers as its alt text at most. `image_warnings` says so to the content
owner (`kb validate`, `kb index`, the editor), once per article, with the line
of the first image, so a step explained only by a screenshot is written out.
"""

from __future__ import annotations

from kb.content.html_parsing import ArticleHTMLParser
from kb.records import Problem, Severity


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


def _line_of(source: str, body: str, body_line: int) -> int | None:
    at = body.find(source) if source else -1
    if at < 0:
        at = min((i for i in (body.find("!["), body.find("<img")) if i >= 0), default=-1)
    return body_line + body[:at].count("\n") if at >= 0 else None


def image_warnings(html: str, body: str, body_line: int, article_id: str) -> list[Problem]:
    """One warning when the article holds images (none when it holds none)."""
    sources = image_sources(html)
    if not sources:
        return []
    first = sources[0] or "(no address)"
    more = f" and {len(sources) - 1} more" if len(sources) > 1 else ""
    return [
        Problem(
            article_id,
            f"image {first!r}{more} is not shown: article pages show no pictures, "
            "only their alt text",
            line=_line_of(sources[0], body, body_line),
            severity=Severity.WARNING,
            kind="image",
            hint="write the step the picture shows as text, or publish the picture "
            "inside a PDF or Word document",
        )
    ]
