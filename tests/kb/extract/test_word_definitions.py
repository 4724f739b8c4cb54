"""Word styles and list numbering, looked up once per document: the answers
python-docx gives, in time linear in the document."""

from __future__ import annotations

import io
import random
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.styles import CT_Styles

from kb.extract import Limits, extract
from kb.extract.word_definitions import NumberingBook, StyleBook

_KINDS = ("paragraph", "character", "table", "numbering")


def _style(style_id: str, kind: str, based_on: str = "", default: bool = False) -> Any:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    marked = ' w:default="1"' if default else ""
    return parse_xml(
        f'<w:style {nsdecls("w")} w:type="{kind}" w:styleId="{style_id}"{marked}>'
        f'<w:name w:val="{style_id}"/>{based}</w:style>'
    )


def _earlier_chain(style: Any) -> list[Any]:
    """The chain as read before: python-docx's `base_style`, ten at most."""
    chain: list[Any] = []
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _elements(styles: Any) -> list[Any]:
    return [s.element for s in styles]


def test_styles_are_the_ones_python_docx_finds() -> None:
    """Random styles (ids used twice, several defaults of a type, base styles in
    loops or missing, ids of the wrong type) and paragraphs and runs naming
    them: each style and chain is the one python-docx's own lookups give."""
    rng = random.Random(486)
    for _ in range(15):
        document = docx.Document()
        ids = [f"s{i}" for i in range(12)] + ["Normal", "DefaultParagraphFont"]
        for _ in range(rng.randint(0, 20)):
            document.styles.element.append(
                _style(
                    rng.choice(ids),
                    rng.choice(_KINDS[:2]),
                    rng.choice([*ids, "missing", ""]),
                    rng.random() < 0.2,
                )
            )
        for _ in range(6):
            paragraph = document.add_paragraph()
            if rng.random() < 0.8:
                paragraph._p.get_or_add_pPr().style = rng.choice([*ids, "missing"])
            for _ in range(3):
                run = paragraph.add_run("x")
                if rng.random() < 0.7:
                    run._r.get_or_add_rPr().style = rng.choice([*ids, "missing"])
        book = StyleBook(document)
        for paragraph in document.paragraphs:
            found = book.paragraph_style(paragraph)
            assert _elements(book.chain(found)) == _elements(_earlier_chain(paragraph.style))
            for run in paragraph.runs:
                found = book.run_style(run)
                assert _elements(book.chain(found)) == _elements(_earlier_chain(run.style))


def _earlier_is_ordered(numbering: Any, num_id: str, ilvl: str) -> bool:
    """Whether a list level counts, as read before: every definition scanned."""
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) != num_id:
            continue
        abstract = num.find(qn("w:abstractNumId"))
        if abstract is None:
            return False
        for anum in numbering.findall(qn("w:abstractNum")):
            if anum.get(qn("w:abstractNumId")) != abstract.get(qn("w:val")):
                continue
            for lvl in anum.findall(qn("w:lvl")):
                if lvl.get(qn("w:ilvl")) == ilvl:
                    fmt = lvl.find(qn("w:numFmt"))
                    return fmt is not None and fmt.get(qn("w:val")) not in {"bullet", "none"}
    return False


def test_list_numbering_reads_as_every_definition_scanned() -> None:
    rng = random.Random(4860)
    formats = ["decimal", "bullet", "none", "lowerLetter", ""]
    for _ in range(20):
        document = docx.Document()
        document.add_paragraph("List", style="List Number")  # makes a numbering part
        numbering = document.part.numbering_part.element
        for child in list(numbering):
            numbering.remove(child)
        for _ in range(rng.randint(0, 6)):
            levels = "".join(
                f'<w:lvl w:ilvl="{rng.randint(0, 2)}">'
                + (f'<w:numFmt w:val="{fmt}"/>' if (fmt := rng.choice(formats)) else "")
                + "</w:lvl>"
                for _ in range(rng.randint(0, 3))
            )
            numbering.append(
                parse_xml(
                    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{rng.randint(0, 3)}">'
                    f"{levels}</w:abstractNum>"
                )
            )
        for _ in range(rng.randint(0, 6)):
            abstract = (
                f'<w:abstractNumId w:val="{rng.randint(0, 3)}"/>' if rng.random() < 0.8 else ""
            )
            numbering.append(
                parse_xml(f'<w:num {nsdecls("w")} w:numId="{rng.randint(1, 3)}">{abstract}</w:num>')
            )
        book = NumberingBook(document)
        for num_id in ("1", "2", "3", "4"):
            for ilvl in ("0", "1", "2"):
                expected = _earlier_is_ordered(numbering, num_id, ilvl)
                assert book.is_ordered(num_id, ilvl) == expected


def test_many_runs_and_styles_are_read_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run's and paragraph's style was found by scanning every style (and a
    paragraph's properties through all its runs): 3,000 runs in one paragraph of
    a file with 800 styles took 27 s (40,000 runs with Word's own template,
    three minutes), past `extract_seconds` at every index run. Now a lookup each:
    the scans through all styles are counted (not timed), and stay few."""
    document = docx.Document()
    for i in range(800):
        document.styles.element.append(_style(f"extra{i}", "paragraph"))
    paragraph = document.add_paragraph()
    for i in range(3000):
        paragraph.add_run(f"word{i} ")
    buffer = io.BytesIO()
    document.save(buffer)
    scans: list[str] = []
    for name in ("get_by_id", "default_for", "get_by_name"):
        scan = getattr(CT_Styles, name)

        def counted(styles: CT_Styles, key: Any, *, _name: str = name, _scan: Any = scan) -> Any:
            scans.append(_name)
            return _scan(styles, key)

        monkeypatch.setattr(CT_Styles, name, counted)
    found = extract(buffer.getvalue(), "it/runs.docx", Limits())
    assert "word2999" in found.sections[0].text
    assert len(scans) <= 10
    for run in paragraph.runs[:100]:
        assert run.style is not None
    assert len(scans) >= 100  # the count tells python-docx's lookup apart
