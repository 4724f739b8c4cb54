"""Article HTML made safe to show: an allow-list sanitiser, applied when indexing.

Content is written by many people in many departments, so article HTML is
treated as hostile: the Markdown renderer keeps raw HTML, and everything it
produces goes through nh3 (the Rust `ammonia` sanitiser) with an allow-list
of tags and attributes. Scripts, styles, event handlers, `style` attributes,
iframes, forms and `javascript:` URLs never survive. Links between articles
(`../hr/sick-leave.md`) are kept as content-root paths and turned into the
app's article pages when shown; ids get a prefix so content cannot overwrite
the page's own element ids.

The indexer renders and sanitises each Markdown article once and stores the
result in the snapshot (`kb.content.markdown_article`); the web app only
sanitises that again to set its link URLs (`webapp.articles.sanitize`),
which takes time linear in the HTML, never Markdown's.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import quote, unquote, urlsplit

import nh3

ID_PREFIX = "c-"
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


def stored_link(article_id: str) -> str:
    """How a link to another article is kept in stored HTML: its content-root path."""
    return "/" + quote(article_id)


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


def _prefixed(fragment: str) -> str:
    return fragment if fragment.startswith(ID_PREFIX) else ID_PREFIX + fragment


def _link_filter(article_id: str, link_for: LinkBuilder) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in {"href", "src", "cite"}:
            return value
        url = value.strip()
        if url.startswith("#"):
            # Fragment links follow the prefixed ids (once: HTML sanitised at index
            # time is sanitised again for display, see `sanitize_article_html`).
            return "#" + _prefixed(url[1:]) if len(url) > 1 else None
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
        return link_for(target) + (f"#{_prefixed(fragment)}" if fragment else "")

    return keep


def sanitize_article_html(html: str, article_id: str, link_for: LinkBuilder = stored_link) -> str:
    """Allow-list `html` (rendered from the article `article_id`).

    With the default `link_for`, links to other articles stay content-root
    paths (`/hr/sick-leave.md`): that is how the indexer stores an article's
    HTML in the snapshot. Sanitising that again with the web app's
    `link_for` turns them into its URLs; ids and fragments are prefixed once
    however often the HTML passes through."""
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
