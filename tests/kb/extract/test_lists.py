"""Nested lists whose levels differ in type: a numbered list inside a bulleted one
(and the reverse) stays numbered at its level, in Word, in OpenDocument text, in a page Word saved as
HTML and in HTML, on the article page and in the passages the index keeps."""

from __future__ import annotations

import io

import docx
import pytest

from indexer.chunking import chunk_article
from kb.content.documents import DocumentDefaults, document_article
from kb.extract import Block, BlockKind, ExtractedDocument, Limits, document_html, extract
from kb.extract.document import DocumentSection
from tests.documents import write_docx_list, write_odt_list

# Bullets with numbered steps under the first item, and a bullet under a step.
ITEMS = [
    (0, False, "Laptop"),
    (1, True, "Unplug the charger"),
    (1, True, "Pack it in the bag"),
    (2, False, "the padded one"),
    (0, False, "Phone"),
]
NESTED_HTML = (
    "<ul><li>Laptop<ol><li>Unplug the charger</li><li>Pack it in the bag"
    "<ul><li>the padded one</li></ul></li></ol></li><li>Phone</li></ul>"
)
NESTED_TEXT = (
    "- Laptop\n  1. Unplug the charger\n  2. Pack it in the bag\n    - the padded one\n- Phone"
)


def _list(document: ExtractedDocument) -> Block:
    [block] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.LIST]
    return block


def _word_page(items: list[tuple[int, bool, str]]) -> bytes:
    """A page as Word's "Save as Web Page" writes a list: paragraphs naming list
    and level in their style, the mark drawn in a span Word tells others to ignore."""
    marks = {False: "·", True: "{n}."}
    paragraphs = []
    for number, (level, numbered, text) in enumerate(items, 1):
        mark = marks[numbered].format(n=number)
        paragraphs.append(
            f"<p class=MsoListParagraphCxSpMiddle style='mso-list:l0 level{level + 1} lfo1'>"
            f"<![if !supportLists]><span style='mso-list:Ignore'>{mark}<span>&nbsp; </span>"
            f"</span><![endif]>{text}</p>"
        )
    return (
        "<html><body><div class=WordSection1>" + "".join(paragraphs) + "</div></body></html>"
    ).encode()


def _html(items: list[tuple[int, bool, str]]) -> bytes:
    """The list as a browser nests it: each level a `ul` or `ol` in the item before."""
    out, open_tags = [], []
    for level, numbered, text in items:
        while len(open_tags) > level + 1:
            out.append(f"</li></{open_tags.pop()}>")
        if len(open_tags) == level + 1:
            out.append("</li>")
        else:
            open_tags.append("ol" if numbered else "ul")
            out.append(f"<{open_tags[-1]}>")
        out.append(f"<li>{text}")
    out.extend(f"</li></{tag}>" for tag in reversed(open_tags))
    return f"<html><body><main>{''.join(out)}</main></body></html>".encode()


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("list.docx", write_docx_list),
        ("list.odt", write_odt_list),
        ("list.htm", _word_page),
        ("list.html", _html),
    ],
)
def test_each_level_keeps_its_own_list_type(name: str, write: object) -> None:
    document = extract(write(ITEMS), f"it/{name}", Limits())  # type: ignore[operator]
    block = _list(document)
    assert block.items == tuple(text for _, _, text in ITEMS)
    assert block.levels == (0, 1, 1, 2, 0)
    assert not block.ordered
    assert block.item_numbered() == (False, True, True, False, False)
    assert NESTED_HTML in document_html(document)
    assert block.plain == NESTED_TEXT


def test_a_bulleted_list_inside_a_numbered_one_stays_bulleted() -> None:
    items = [(0, True, "Open the portal"), (1, False, "use the VPN"), (0, True, "Sign in")]
    for name, write in (
        ("steps.docx", write_docx_list),
        ("steps.odt", write_odt_list),
        ("steps.htm", _word_page),
        ("steps.html", _html),
    ):
        data = write(items)
        document = extract(data, f"it/{name}", Limits())
        block = _list(document)
        assert block.ordered and block.item_numbered() == (True, False, True), name
        assert (
            "<ol><li>Open the portal<ul><li>use the VPN</li></ul></li><li>Sign in</li></ol>"
            in document_html(document)
        ), name
        assert block.plain == "1. Open the portal\n  - use the VPN\n2. Sign in", name


def test_word_nests_by_the_list_style_level() -> None:
    """A document made with the "List Bullet" and "List Number 2" styles: the
    style names the level, and each style's numbering its type."""
    document = docx.Document()
    document.add_paragraph("Laptop", style="List Bullet")
    document.add_paragraph("Unplug the charger", style="List Number 2")
    document.add_paragraph("Phone", style="List Bullet")
    buf = io.BytesIO()
    document.save(buf)
    block = _list(extract(buf.getvalue(), "it/kit.docx", Limits()))
    assert block.levels == (0, 1, 0)
    assert block.item_numbered() == (False, True, False)


def test_a_list_of_one_type_throughout_records_no_types() -> None:
    items = [(0, True, "One"), (1, True, "One a"), (0, True, "Two")]
    block = _list(extract(write_docx_list(items), "it/one.docx", Limits()))
    assert block.ordered and block.numbered == ()
    assert block.plain == "1. One\n  1. One a\n2. Two"  # each level counts from 1
    assert Block.from_dict(block.to_dict()) == block


def test_the_types_travel_through_the_cache_and_are_checked() -> None:
    block = _list(extract(write_docx_list(ITEMS), "it/list.docx", Limits()))
    assert block.to_dict()["numbered"] == [False, True, True, False, False]
    assert Block.from_dict(block.to_dict()) == block
    with pytest.raises(ValueError, match="2 list types for 3 items"):
        Block(BlockKind.LIST, items=("a", "b", "c"), numbered=(False, True))
    with pytest.raises(ValueError, match="first item's type"):
        Block(BlockKind.LIST, items=("a", "b"), ordered=True, numbered=(False, True))


def test_a_list_that_changes_type_at_the_top_is_two_lists_on_the_page() -> None:
    block = Block(BlockKind.LIST, items=("Badge", "Open", "Sign"), numbered=(False, True, True))
    document = ExtractedDocument("html", sections=(DocumentSection((), (block,)),))
    assert document_html(document) == ("<ul><li>Badge</li></ul><ol><li>Open</li><li>Sign</li></ol>")
    assert block.plain == "- Badge\n1. Open\n2. Sign"


def test_the_search_passages_keep_each_level_s_marks() -> None:
    raw = write_docx_list(ITEMS, before="What to bring on a business trip:")
    document = extract(raw, "it/trip.docx", Limits())
    article, _ = document_article(
        "it/trip.docx", raw, document, {"title": "Trip"}, b"", DocumentDefaults()
    )
    [passage] = chunk_article(article)
    assert NESTED_TEXT in passage.text
    assert NESTED_HTML in article.body_html


def test_an_odt_list_without_a_style_in_the_document_is_read_by_its_name() -> None:
    """A list whose style the file does not define (a hand-made or trimmed file)
    is numbered when its style's name says so, at every level, as before."""
    from odfdo import Document, Element

    document = Document("text")
    document.body.append(
        Element.from_tag(
            '<text:list text:style-name="Numbering_20_123"><text:list-item>'
            "<text:p>One</text:p><text:list><text:list-item><text:p>One a</text:p>"
            "</text:list-item></text:list></text:list-item></text:list>"
        )
    )
    buf = io.BytesIO()
    document.save(buf)
    block = _list(extract(buf.getvalue(), "it/plain.odt", Limits()))
    assert block.levels == (0, 1) and block.ordered and block.numbered == ()
    assert block.plain == "1. One\n  1. One a"


def test_deeply_nested_lists_are_indented_nine_levels_at_most() -> None:
    """Two spaces a level for every item made an HTML page of lists nested 120
    deep (2 MB) read as 13 MB of text, mostly spaces: growing as the square of
    the page. Indentation stops at Word's nine levels; the nesting is kept."""
    levels = tuple(range(120))
    block = Block(BlockKind.LIST, items=tuple(f"item {n}" for n in levels), levels=levels)
    lines = block.plain.splitlines()
    assert lines[8] == " " * 16 + "- item 8"
    assert lines[119] == " " * 16 + "- item 119"
    body = ("<ul>" + "<li>vpn password</li>" * 200 + "<li>x") * 120 + ("</li></ul>") * 120
    page = f"<html><body>{body}</body></html>".encode()
    text = extract(page, "it/deep.html", Limits()).text
    assert len(text) < 2 * len(page)
