"""Which parts of an HTML page are its article, for `kb.extract.html_pages`.

Pages exported from an intranet (Confluence, SharePoint, a CMS) carry the
site around the text: navigation, a suite bar, breadcrumbs, search boxes,
page information, a generated table of contents, attachments and footers,
often marked by ARIA roles rather than HTML5 elements, plus text the page
hides. Only what a reader of the page sees as its article is read:

- the article is the `main` element, else the element with `role="main"`,
  else `article`, else the element with id `main-content` (Confluence's
  export and many sites' "skip to content" target), else the element with id
  `content` or `main` (what pages written before HTML5 called it), else the
  body;
- elements of the site's frame (`nav`, `header`, `footer`, `aside`, forms,
  scripts, embedded frames, and the landmark roles `navigation`, `banner`,
  `contentinfo`, `search`, `complementary`, and the elements an older page
  marks by id alone: `header`, `nav`, `navigation`, `sidebar`,
  `breadcrumb(s)`, `footer`; not `menu`, which may be a canteen's) are left
  out, and so is what the page hides (`hidden`, `aria-hidden="true"`,
  `display: none` or `visibility: hidden` in an inline style), and, in a page
  Word saved as HTML, its comments with their anchors and the bullet glyphs it draws;
- a list of links to places on the same page only is the page's table of
  contents: it repeats the headings and is left out;
- a Confluence export's title is the page's, without the space's name, and a
  title that is the page's first heading with the site's name before or after
  it ("Expense FAQ - Finance Intranet") is that heading;
- a table used to lay the page out (a heading or another table in a cell, or
  `role="presentation"`) is read as the blocks in its cells, not as one
  table row holding the whole page.
"""

from __future__ import annotations

import re

from lxml import etree

SKIPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "noscript",
        "template",
        "svg",
        "button",
        "select",
        "textarea",
        "iframe",
        "object",
    }
)
_FRAME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
# Ids pages written before HTML5 give their frame's parts (any letter case).
_FRAME_IDS = frozenset(
    {"header", "nav", "navigation", "sidebar", "breadcrumb", "breadcrumbs", "footer"}
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
# A page Word saved as HTML: its comments (and their "[AB1]" anchors in the
# text) and the bullet glyphs it draws before list items for other browsers.
_WORD_HIDDEN_STYLE = re.compile(r"mso-list\s*:\s*ignore|mso-element\s*:\s*comment-list", re.I)
_WORD_COMMENT_ANCHOR = "msocomanchor"
_LAYOUT_MARKS = frozenset({"table", "h1", "h2", "h3", "h4", "h5", "h6"})
_SPACE = re.compile(r"\s+")
# What parts a page's name from its site's in a `<title>`.
_TITLE_SEPARATORS = (" - ", " – ", " — ", " | ", " :: ", " · ", " : ")


def is_skipped(element: etree._Element) -> bool:
    """Whether `element` is the site's frame, hidden, or no element at all (a comment)."""
    if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
        return True
    get = element.get
    role = (get("role") or "").strip().lower()
    return (
        role in _FRAME_ROLES
        or (get("id") or "").strip().lower() in _FRAME_IDS
        or get("hidden") is not None
        or (get("aria-hidden") or "").strip().lower() == "true"
        or bool(_HIDDEN_STYLE.search(get("style") or ""))
        or bool(_WORD_HIDDEN_STYLE.search(get("style") or ""))
        or _WORD_COMMENT_ANCHOR in (get("class") or "").lower().split()
    )


def content_root(root: etree._Element) -> etree._Element:
    """The element holding the page's article (see the module's docstring)."""
    for path in (
        "//main",
        '//*[@role="main"]',
        "//article",
        '//*[@id="main-content"]',
        '//*[@id="content"]',
        '//*[@id="main"]',
    ):
        found = root.xpath(path)
        if found:
            element: etree._Element = found[0]
            return element
    body = root.find("body")
    return body if body is not None else root


def is_contents_list(listing: etree._Element) -> bool:
    """Whether a list holds nothing but links to places on this page."""
    links = list(listing.iter("a"))
    if len(links) < 2 or not all((a.get("href") or "").startswith("#") for a in links):
        return False
    linked = "".join(a.text_content() for a in links)
    return _SPACE.sub("", linked) == _SPACE.sub("", listing.text_content())


def is_layout_table(table: etree._Element) -> bool:
    """Whether a table lays out the page rather than holding data."""
    if (table.get("role") or "").lower() in {"presentation", "none"}:
        return True
    return any(
        isinstance(e.tag, str) and e.tag in _LAYOUT_MARKS
        for row in own_rows(table)
        for cell in row
        for e in cell.iterdescendants()
    )


def _row_elements(table: etree._Element) -> list[etree._Element]:
    """The rows (`tr`) of `table` itself, not of tables nested in it."""
    rows: list[etree._Element] = []
    for child in table:
        if child.tag in {"thead", "tbody", "tfoot"}:
            rows.extend(row for row in child if row.tag == "tr")
        elif child.tag == "tr":
            rows.append(child)
    return rows


def own_rows(table: etree._Element) -> list[list[etree._Element]]:
    """The cells of each row of `table` itself, not of tables nested in it."""
    return [[cell for cell in row if cell.tag in {"td", "th"}] for row in _row_elements(table)]


def header_rows(table: etree._Element) -> int:
    """How many of `table`'s first rows are its header: rows in its `thead`, or
    rows of header cells (`th`) only, as pages without a `thead` write one."""
    count = 0
    for row in _row_elements(table):
        cells = [cell for cell in row if cell.tag in {"td", "th"}]
        in_head = row.getparent() is not None and row.getparent().tag == "thead"
        if not cells or not (in_head or all(cell.tag == "th" for cell in cells)):
            break
        count += 1
    return count


def page_title(root: etree._Element, title: str, heading: str = "") -> str:
    """The page's `<title>`, without the space name a Confluence export puts
    before it ("IT : VPN setup" is the page "VPN setup" of the space "IT"), or
    its first `heading` where the title is that heading and the site's name
    ("Expense FAQ - Finance Intranet", "Intranet | Expense FAQ")."""
    if " : " in title and root.xpath('//*[@id="title-text"]'):
        return title.split(" : ", 1)[1].strip() or title
    if heading and heading != title:
        for separator in _TITLE_SEPARATORS:
            if title.startswith(heading + separator) or title.endswith(separator + heading):
                return heading
    return title
