"""Article HTML made safe to show: an allow-list sanitiser, applied when indexing.

Content is written by many people in many departments, so article HTML is
treated as hostile: the Markdown renderer keeps raw HTML, and everything it
produces goes through nh3 (the Rust `ammonia` sanitiser) with an allow-list
of tags and attributes. Scripts, styles, event handlers, `style` attributes,
iframes, forms and `javascript:` URLs never survive. Links between articles
(`../hr/sick-leave.md`) are kept as content-root paths and turned into the
app's article pages when shown; so are the pictures an article may show
(`kb.content.images`), which the page shows only from the snapshot's copies
(`webapp.articles.images`). Ids get a prefix so content cannot overwrite
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

from kb.content.images import is_remote, resolve_image
from kb.validators import without_bidi_controls

ID_PREFIX = "c-"
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# The values a table header cell's `scope` keeps (the renderer sets them,
# `kb.content.table_headers`); any other value is dropped.
HEADER_SCOPES = frozenset({"col", "row"})

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
# A picture's `src` as a page shows it, from its `src` as written or stored; None drops it.
ImageBuilder = Callable[[str], str | None]


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


def stored_image(article_id: str) -> ImageBuilder:
    """How the `src` of a picture is kept in stored HTML (None: dropped): a
    picture the article may show (`kb.content.images`) as its content-root
    path, a picture on another host as its address (the page links to it)."""

    def keep(url: str) -> str | None:
        target = resolve_image(url, article_id)
        if target is not None:
            return stored_link(target)
        return url if is_remote(url) and urlsplit(url).scheme else None

    return keep


def _link_filter(
    article_id: str, link_for: LinkBuilder, image_for: ImageBuilder | None
) -> Callable[[str, str, str], str | None]:
    image_for = image_for or stored_image(article_id)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "scope":
            return value if value in HEADER_SCOPES else None
        if attribute not in {"href", "src", "cite"}:
            return value
        url = value.strip()
        if tag == "img":
            return image_for(url)
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


def sanitize_article_html(
    html: str,
    article_id: str,
    link_for: LinkBuilder = stored_link,
    image_for: ImageBuilder | None = None,
) -> str:
    """Allow-list `html` (rendered from the article `article_id`).

    With the default `link_for`, links to other articles stay content-root
    paths (`/hr/sick-leave.md`): that is how the indexer stores an article's
    HTML in the snapshot. Sanitising that again with the web app's
    `link_for` turns them into its URLs; ids and fragments are prefixed once
    however often the HTML passes through. `image_for` gives a picture's
    `src` (None drops it); by default as stored (`stored_image`). The result
    holds no control that reorders the text after it (`&#x202e;` included),
    which would show a link's text or a heading reversed."""
    clean = nh3.clean(
        html,
        tags=set(ARTICLE_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ARTICLE_ATTRIBUTES.items()},
        attribute_filter=_link_filter(article_id, link_for, image_for),
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer",
        id_prefix=ID_PREFIX,
    )
    return without_bidi_controls(clean)
