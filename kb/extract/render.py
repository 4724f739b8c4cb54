"""An extracted document as HTML: headings, paragraphs, lists and tables.

Every piece of text is escaped, so the result holds no markup from the file;
the web app still passes it through its sanitiser like any article body.
Headings start at `h2` (the page's own title is the `h1`), and each section's
page is noted for PDFs so a reader can find the place in the original.
"""

from __future__ import annotations

from html import escape

from kb.extract.document import Block, BlockKind, DocumentSection, ExtractedDocument


def _list_html(block: Block) -> str:
    """A list, each nested item in a list of its own inside the item before it."""
    tag = "ol" if block.ordered else "ul"
    out = [f"<{tag}>"]
    before = 0
    for number, (item, level) in enumerate(zip(block.items, block.item_levels(), strict=True)):
        if number and level > before:
            out.append(f"<{tag}>")  # levels go one deeper at a time
        elif number:
            out.append("</li>" + f"</{tag}></li>" * (before - level))
        out.append(f"<li>{escape(item)}")
        before = level
    out.append("</li>" + f"</{tag}></li>" * before + f"</{tag}>")
    return "".join(out)


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
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                for row in block.rows
            )
            out.append(f"<table><tbody>{rows}</tbody></table>")
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return out


def document_html(document: ExtractedDocument) -> str:
    """The body of `document` as escaped HTML, in reading order."""
    out: list[str] = []
    shown: tuple[str, ...] = ()
    page: int | None = None
    for section in document.sections:
        if document.pages and section.page and section.page != page:
            page = section.page
            out.append(f'<p class="page-mark"><small>Page {page}</small></p>')
        out.extend(_section_html(section, shown))
        if section.headings:
            shown = section.headings
    return "\n".join(out)
