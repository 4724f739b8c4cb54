"""PDF pages laid out as newsletters, leaflets and reports are: bands of columns
of any widths, and text that runs from one page onto the next.

Written with reportlab's canvas, line by line, so that a test decides where each
line, column, band and page break falls.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

LEFT, WIDTH, LEADING, GUTTER = 56.0, 484.0, 13.0, 24.0


@dataclass(frozen=True)
class Band:
    """Columns side by side, `widths` their shares of the text's width (equal by
    default), below `title`: a line in bold across the page (none when empty)."""

    columns: tuple[str, ...]
    widths: tuple[float, ...] = ()
    title: str = ""


def write_bands_pdf(
    *bands: Band, gap: float = 2 * LEADING, rule: bool = False, width: float = WIDTH
) -> bytes:
    """A page of bands `width` points wide, one below the other, `gap` points
    apart (with `rule`, a line drawn across the page between them). Each band's columns are written
    row by row, a line of each column from left to right, as layout programs
    write them; a blank line in a column's text ("\\n\\n") parts its paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 780.0
    for number, band in enumerate(bands):
        if number:
            if rule:
                c.line(LEFT, y - gap / 2 + 4, LEFT + width, y - gap / 2 + 4)
            y -= gap
        y = _band(c, band, y, width)
    c.showPage()
    c.save()
    return buf.getvalue()


def _band(c: Any, band: Band, y: float, width: float) -> float:
    """Draws `band` from baseline `y` down; the baseline of its last line."""
    from reportlab.lib.utils import simpleSplit

    if band.title:
        c.setFont("Helvetica-Bold", 10)
        c.drawString(LEFT, y, band.title)
        y -= LEADING
    c.setFont("Helvetica", 10)
    shares = band.widths or (1.0,) * len(band.columns)
    free = width - GUTTER * (len(band.columns) - 1)
    widths = [free * share / sum(shares) for share in shares]
    placed: list[tuple[float, float, str]] = []  # baseline, x, text
    x = LEFT
    for text, column in zip(band.columns, widths, strict=True):
        top = y
        for paragraph in text.split("\n\n"):
            for line in simpleSplit(paragraph, "Helvetica", 10, column):
                placed.append((top, x, line))
                top -= LEADING
            top -= LEADING
        x += column + GUTTER
    for top, x, line in sorted(placed, key=lambda p: (-p[0], p[1])):
        c.drawString(x, top, line)
    return min((top for top, _, _ in placed), default=y)


def write_table_pdf(rows: list[list[str]], xs: tuple[float, ...], *, intro: str = "") -> bytes:
    """A page with `intro` and a table without rules, its columns' cells at the x
    positions `xs`, one line a row."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    y = 780.0
    if intro:
        c.drawString(LEFT, y, intro)
        y -= 2 * LEADING
    for row in rows:
        for x, cell in zip(xs, row, strict=True):
            c.drawString(x, y, cell)
        y -= LEADING + 1
    c.showPage()
    c.save()
    return buf.getvalue()


def write_pages_pdf(
    *pages: list[Any], head: str = "Nordlicht Werke - Staff guide", foot: str = ""
) -> bytes:
    """Pages of blocks, each page's from its top: a paragraph string (wrapped
    across the page's width, a blank line after it unless it is the page's
    last), `("heading", text)` in 14 points bold, `("list", items)` with bullets
    or `("table", rows)` of three columns, `("small", text)` in 8 points, or
    `("footnotes", notes)`: notes in 8 points at the page's foot, wherever in the
    page's blocks they are given (and so written). `head` (none when empty) runs
    atop every page in 8 points, "Page N of M" at its foot, and `foot` (written
    last) below that. A paragraph that runs on from one page onto
    the next is given as its two parts: the last block of one page and the first
    of the next."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for number, blocks in enumerate(pages, start=1):
        c.setFont("Helvetica", 8)
        if head:
            c.drawString(LEFT, 810, head)
        c.drawString(270, 30, f"Page {number} of {len(pages)}")
        y = 770.0
        for block in blocks:
            if isinstance(block, tuple) and block[0] == "footnotes":
                _footnotes(c, block[1])
            else:
                y = _block(c, block, y) - LEADING
        if foot:
            c.setFont("Helvetica", 8)
            c.drawString(LEFT, 20, foot)
        c.showPage()
    c.save()
    return buf.getvalue()


def _block(c: Any, block: Any, y: float) -> float:
    """Draws a block of `write_pages_pdf` from baseline `y` down; the baseline below it."""
    from reportlab.lib.utils import simpleSplit

    if isinstance(block, tuple) and block[0] == "heading":
        c.setFont("Helvetica-Bold", 14)
        c.drawString(LEFT, y, block[1])
        return y - 2 * LEADING
    if isinstance(block, tuple) and block[0] == "small":
        c.setFont("Helvetica", 8)
        for line in simpleSplit(block[1], "Helvetica", 8, WIDTH):
            c.drawString(LEFT, y, line)
            y -= 10
        return y
    c.setFont("Helvetica", 10)
    if isinstance(block, str):
        rows = [[line] for line in simpleSplit(block, "Helvetica", 10, WIDTH)]
    elif block[0] == "list":
        rows = [[f"\N{BULLET} {item}"] for item in block[1]]
    else:
        rows = block[1]
    for row in rows:
        for x, cell in zip((LEFT, 220.0, 400.0), row, strict=False):
            c.drawString(x, y, cell)
        y -= LEADING
    return y


def _footnotes(c: Any, notes: list[str]) -> None:
    """Draws `notes` in 8 points, wrapped, their last line just above the page number."""
    from reportlab.lib.utils import simpleSplit

    lines = [line for note in notes for line in simpleSplit(note, "Helvetica", 8, WIDTH)]
    c.setFont("Helvetica", 8)
    for number, line in enumerate(lines):
        c.drawString(LEFT, 50 + 10 * (len(lines) - 1 - number), line)
