"""Article bodies and search snippets as HTML that is safe to show in a page.

Article bodies arrive from the snapshot already rendered and sanitised at
index time (`kb.content.sanitize`); here they are sanitised once more, which
turns links between articles into this app's URLs (and keeps any stored
HTML, old or new, inside the same allow-list); after that last pass, each
table is named by its section's heading (`kb.content.table_names`). Stored HTML nested deeper than
the indexer now allows (`kb.content.nesting`: an article indexed before that
limit, unchanged since) is never handed to the sanitiser, whose time grows
with tags times depth: its page shows the plain text instead, until the next
`kb index --full` renders it again and refuses it. Markdown is never rendered
while a page is served: its cost grows faster than its length for some
input, and one article must not stall every search. Snippets and answer
passages are plain text, escaped, with only `<mark>` added.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import nh3
from markupsafe import Markup, escape

from kb.content.markdown_text import render_html
from kb.content.nesting import MAX_DEPTH, nesting_depth
from kb.content.outline import under_title
from kb.content.sanitize import (
    ARTICLE_ATTRIBUTES,
    ARTICLE_TAGS,
    DROPPED_WITH_CONTENT,
    ID_PREFIX,
    URL_SCHEMES,
    ImageBuilder,
    LinkBuilder,
    resolve_article_link,
    sanitize_article_html,
)
from kb.content.table_names import named_tables
from kb.content.template_tags import strip_template_tags
from kb.i18n.hyphenation import hyphenated_headings
from kb.records import Article
from webapp.articles.images import pictures_as_shown, remote_only

__all__ = [
    "ARTICLE_ATTRIBUTES",
    "ARTICLE_TAGS",
    "DROPPED_WITH_CONTENT",
    "ID_PREFIX",
    "URL_SCHEMES",
    "article_body_html",
    "article_html",
    "passage_html",
    "resolve_article_link",
    "sanitize_article_html",
    "served_markdown",
    "snippet_html",
]

logger = logging.getLogger(__name__)

PASSAGE_CHARS = 400  # about what an answer card shows before "Read the full article"
# Markdown rendered while serving (previews of text not yet indexed) gets this long.
PREVIEW_SECONDS = 2.0


def article_body_html(
    article: Article, link_for: LinkBuilder, image_for: ImageBuilder = remote_only
) -> Markup:
    """An indexed article's body for its page, below the title's `<h1>`: the HTML
    stored at index time with its headings under the title
    (`kb.content.outline`), this app's links and the pictures `image_for`
    shows (`webapp.articles.images`), or its plain text: for a snapshot from
    before HTML was stored, and for stored HTML nested deeper than
    `kb.content.nesting.MAX_DEPTH` (indexed before that limit), which the
    sanitiser would take seconds to read on every view."""
    if article.body_html and nesting_depth(article.body_html, MAX_DEPTH) > MAX_DEPTH:
        logger.warning(
            "articles: the stored HTML of %s nests deeper than %d levels; showing its text"
            " (kb index --full refuses it, naming the problem)",
            article.id,
            MAX_DEPTH,
        )
    elif article.body_html:
        # German headings' long words break with a hyphen, on any browser.
        shown = hyphenated_headings(under_title(article.body_html, article.title), article.lang)
        clean = sanitize_article_html(shown, article.id, link_for, image_for)
        return Markup(named_tables(pictures_as_shown(clean), article.title))
    paragraphs = (escape(s.text) for s in article.sections if s.text)
    return Markup("\n").join(Markup("<p>{}</p>").format(p) for p in paragraphs)


def article_html(
    body_markdown: str,
    article_id: str,
    link_for: LinkBuilder,
    seconds: float = PREVIEW_SECONDS,
    *,
    title: str | None = None,
    image_for: ImageBuilder = remote_only,
    rendered: str | None = None,
    lang: str = "",
) -> Markup:
    """Markdown rendered while serving (a preview, a short section) as safe HTML,
    within `seconds` (`kb.content.markdown_text.RenderTimeout` beyond it). With
    a `title` ("" when none is known yet), the body as the article page shows it
    below that title (`kb.content.outline`); without, its headings as written.
    `rendered`: `served_markdown` of the body, made already by a caller that
    reads it too (the editor's preview and its warnings), not rendered again.
    `lang`: the text's language, whose headings' long words get the article
    page's soft hyphens (`kb.i18n.hyphenation`)."""
    raw = served_markdown(body_markdown, seconds) if rendered is None else rendered
    if title is not None:
        raw = under_title(raw, title)
    raw = hyphenated_headings(raw, lang) if lang else raw
    # Only pictures the index keeps can show (`image_for`); the others' alt text shows.
    clean = sanitize_article_html(raw, article_id, link_for, image_for)
    return Markup(named_tables(pictures_as_shown(clean), title or ""))


def served_markdown(body_markdown: str, seconds: float = PREVIEW_SECONDS) -> str:
    """Markdown rendered while serving, within `seconds`, not yet sanitised: the
    page's renderer, template tags removed first, as the indexer renders."""
    return render_html(strip_template_tags(body_markdown), seconds)


def snippet_html(snippet: str) -> Markup:
    """A search snippet (escaped text with <mark>) with nothing but <mark> left."""
    return Markup(nh3.clean(snippet, tags={"mark"}, attributes={}, strip_comments=True))


def _find_highlight(passage: str, highlight: str) -> tuple[int, int] | None:
    """Where `highlight` lies in `passage`, ignoring differences in white space."""
    words = highlight.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), passage)
    return (match.start(), match.end()) if match else None


def _cut_back(text: str, at: int, budget: int) -> int:
    """A start at or before `at`, at most `budget` back, preferably after a line break."""
    low = max(0, at - budget)
    if low == 0:
        return 0
    brk = text.rfind("\n", low, at)
    if brk >= 0:
        return brk + 1
    space = text.find(" ", low, at)
    return space + 1 if space >= 0 else at


def _cut_forward(text: str, at: int, budget: int) -> int:
    """An end at or after `at`, at most `budget` on, preferably at a line break."""
    high = min(len(text), at + budget)
    if high == len(text):
        return high
    brk = text.rfind("\n", at, high)
    if brk >= 0:
        return brk
    space = text.rfind(" ", at, high)
    return space if space >= 0 else at


def passage_html(passage: str, highlight: str, limit: int = PASSAGE_CHARS) -> Markup:
    """A plain-text answer passage, escaped, with its best sentence(s) in <mark>.

    Long passages are cut to about `limit` characters around the highlight,
    with an ellipsis where text was left out."""
    # Blank lines between paragraphs would leave gaps in a small card.
    passage = re.sub(r"\n\s*\n", "\n", passage.strip())
    span = _find_highlight(passage, highlight.strip())
    if span is None:
        end = _cut_forward(passage, 0, limit) if len(passage) > limit else len(passage)
        text = escape(passage[:end]) + (Markup("…") if end < len(passage) else Markup(""))
        if highlight.strip():
            return Markup("<mark>{}</mark>\n{}").format(highlight.strip(), text)
        return text
    at, to = span
    room = max(0, limit - (to - at))
    first = _cut_back(passage, at, room // 3)
    last = _cut_forward(passage, to, room - (at - first))
    return Markup("{}{}<mark>{}</mark>{}{}").format(
        Markup("… ") if first > 0 else "",
        passage[first:at],
        passage[at:to],
        passage[to:last].rstrip(),
        Markup(" …") if last < len(passage) else "",
    )


FRAGMENT_WORDS = 4  # words at each end of a long highlight that find it


def text_fragment(highlight: str) -> str:
    """A URL fragment (`#:~:text=start,end`) that makes the browser scroll to the
    highlighted answer sentence(s) on the article page and mark them; browsers
    that do not know text fragments open the article at its top, as before."""
    words = highlight.split()
    if not words:
        return ""

    def encode(part: list[str]) -> str:
        # `-`, `,` and `&` have meanings in a text directive; quote() keeps `-`.
        return quote(" ".join(part), safe="").replace("-", "%2D")

    if len(words) <= 2 * FRAGMENT_WORDS:
        return "#:~:text=" + encode(words)
    return f"#:~:text={encode(words[:FRAGMENT_WORDS])},{encode(words[-FRAGMENT_WORDS:])}"
