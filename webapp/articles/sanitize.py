"""Turning article Markdown and search snippets into HTML that is safe to show.

Content is written by many people in many departments, so article HTML is
treated as hostile: `kb.markdown_text.render_html` keeps raw HTML from the
Markdown, and everything it produces goes through nh3 (the Rust `ammonia`
sanitiser) with an allow-list of tags and attributes. Scripts, styles, event
handlers, `style` attributes, iframes, forms and `javascript:` URLs never
survive. Links between articles (`../hr/sick-leave.md`) are rewritten to the
app's article pages; ids get a prefix so content cannot overwrite the page's
own element ids.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

import nh3
from markupsafe import Markup, escape

from kb.content.markdown_text import render_html, strip_template_tags

ID_PREFIX = "c-"
PASSAGE_CHARS = 400  # about what an answer card shows before "Read the full article"
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

ARTICLE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
# Removed together with everything inside them (the rest keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "template",
        "noscript",
        "svg",
        "math",
        "textarea",
        "select",
        "frame",
        "frameset",
        "noembed",
        "applet",
    }
)
_HEADING_ATTRS = {"id"}
ARTICLE_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "q": {"cite"},
    **{f"h{n}": _HEADING_ATTRS for n in range(1, 7)},
}

LinkBuilder = Callable[[str], str]


def resolve_article_link(href: str, article_id: str) -> tuple[str, str] | None:
    """The article id and fragment a relative `.md` link points at, or None.

    `../hr/sick-leave.md#notice` written in `finance/x.md` gives
    `("hr/sick-leave.md", "notice")`; a leading `/` means the content root.
    Links that climb out of the content root are not articles.
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path.endswith(".md"):
        return None
    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/"))
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(article_id), path))
    if target.startswith("../") or target == ".." or target.startswith("/"):
        return None
    return target, parts.fragment


def _link_filter(article_id: str, link_for: LinkBuilder) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in {"href", "src", "cite"}:
            return value
        url = value.strip()
        if url.startswith("#"):
            # Fragment links follow the prefixed ids.
            return "#" + ID_PREFIX + url[1:] if len(url) > 1 else None
        parts = urlsplit(url)
        if parts.scheme:
            return url if parts.scheme.lower() in URL_SCHEMES else None
        if parts.netloc:  # protocol-relative //host/path
            return None
        article = resolve_article_link(url, article_id)
        if article is None:
            # Other relative URLs point at files the app does not serve.
            return None
        target, fragment = article
        return link_for(target) + (f"#{ID_PREFIX}{fragment}" if fragment else "")

    return keep


def sanitize_article_html(html: str, article_id: str, link_for: LinkBuilder) -> str:
    """Allow-list `html` (rendered from the article `article_id`) for display."""
    return nh3.clean(
        html,
        tags=set(ARTICLE_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ARTICLE_ATTRIBUTES.items()},
        attribute_filter=_link_filter(article_id, link_for),
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer",
        id_prefix=ID_PREFIX,
    )


def article_html(body_markdown: str, article_id: str, link_for: LinkBuilder) -> Markup:
    """An article body as safe HTML, ready for a template."""
    raw = render_html(strip_template_tags(body_markdown))
    return Markup(sanitize_article_html(raw, article_id, link_for))


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
