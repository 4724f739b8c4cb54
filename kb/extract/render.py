"""An extracted document as HTML: headings, paragraphs, lists and tables.

Every piece of text is escaped, so the result holds no markup from the file;
the web app still passes it through its sanitiser like any article body.
Headings start at `h2` (the page's own title is the `h1`); the rows a table's
source marks as its header are header cells (`th scope="col"` in a `thead`);
and each section's page is noted for PDFs so a reader can find the place in
the original. A
document's first heading that says its title again (case and spacing aside),
as most documents open, is not shown a second time below the page's `h1`, and
the headings under it move up a level, as a Markdown article's leading
`# Title` is left out (`kb.content.outline`); the index keeps it.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from kb.extract.document import Block, BlockKind, DocumentSection, ExtractedDocument


def _list_html(block: Block) -> str:
    """A list, each nested item in a list of its own inside the item before it,
    each list `ol` or `ul` as its items are numbered or not."""
    out: list[str] = []
    open_tags: list[str] = []  # the lists open, outermost first
    for item, level, numbered in zip(
        block.items, block.item_levels(), block.item_numbered(), strict=True
    ):
        tag = "ol" if numbered else "ul"
        while len(open_tags) > level + 1:  # back out of deeper lists
            out.append(f"</li></{open_tags.pop()}>")
        if len(open_tags) == level + 1:
            # The next item of this list, or a list of the other type after it.
            out.append("</li>" if open_tags[-1] == tag else f"</li></{open_tags.pop()}>")
        if len(open_tags) == level:  # levels go one deeper at a time
            out.append(f"<{tag}>")
            open_tags.append(tag)
        out.append(f"<li>{escape(item)}")
    out.extend(f"</li></{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def _table_html(block: Block) -> str:
    """A table, the rows its source marks as its header in `thead` as header cells
    that say they head their column (`scope="col"`), for screen readers."""
    head, body = block.rows[: block.header_rows], block.rows[block.header_rows :]
    header = "".join(
        "<tr>" + "".join(f'<th scope="col">{escape(cell)}</th>' for cell in row) + "</tr>"
        for row in head
    )
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in body
    )
    return f"<table>{f'<thead>{header}</thead>' if header else ''}<tbody>{rows}</tbody></table>"


def _section_html(section: DocumentSection, shown: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    common = 0
    while (
        common < min(len(shown), len(section.headings))
        and shown[common] == section.headings[common]
    ):
        common += 1
    for depth in range(common, len(section.headings)):
        level = min(depth + 2, 6)
        out.append(f"<h{level}>{escape(section.headings[depth])}</h{level}>")
    for block in section.blocks:
        if block.kind is BlockKind.LIST:
            out.append(_list_html(block))
        elif block.kind is BlockKind.TABLE:
            out.append(_table_html(block))
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return out


def _same_words(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _without_title(sections: tuple[DocumentSection, ...], title: str) -> list[DocumentSection]:
    """`sections` without a leading heading that repeats `title` (any leading
    heading when no title is known), from the sections that open under it."""
    first = next((s for s in sections if s.headings), None)
    if first is None or (title and not _same_words(first.headings[0], title)):
        return list(sections)
    lead, out, under = first.headings[0], [], True
    for section in sections:
        under = under and (not section.headings or section.headings[0] == lead)
        out.append(replace(section, headings=section.headings[1:]) if under else section)
    return out


def document_html(document: ExtractedDocument, title: str | None = None) -> str:
    """The body of `document` as escaped HTML, in reading order, below the page's
    title (`title`, else the document's own)."""
    out: list[str] = []
    shown: tuple[str, ...] = ()
    page: int | None = None
    for section in _without_title(document.sections, document.title if title is None else title):
        if document.pages and section.page and section.page != page:
            page = section.page
            out.append(f'<p class="page-mark"><small>Page {page}</small></p>')
        out.extend(_section_html(section, shown))
        if section.headings:
            shown = section.headings
    return "\n".join(out)
