"""A run's and a paragraph's text as python-docx reads them, in time linear in
their children."""

from __future__ import annotations

import io
import random

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement

from kb.extract import Limits, extract
from kb.extract.word_text import direct_text, run_text

_PIECES = (
    "<w:t>vpn</w:t>",
    '<w:t xml:space="preserve"> a b </w:t>',
    "<w:t/>",
    "<w:br/>",
    '<w:br w:type="page"/>',
    "<w:cr/>",
    "<w:tab/>",
    '<w:ptab w:relativeTo="margin" w:alignment="left" w:leader="none"/>',
    "<w:noBreakHyphen/>",
    "<w:softHyphen/>",
    "<w:sym/>",
    "<w:rPr><w:b/></w:rPr>",
)


def _run(rng: random.Random) -> str:
    return "<w:r>" + "".join(rng.choices(_PIECES, k=rng.randint(0, 6))) + "</w:r>"


def test_text_reads_as_python_docx_reads_it() -> None:
    rng = random.Random(486)
    for _ in range(300):
        children = []
        for _ in range(rng.randint(0, 5)):
            kind = rng.random()
            if kind < 0.6:
                children.append(_run(rng))
            elif kind < 0.8:
                runs = "".join(_run(rng) for _ in range(rng.randint(0, 3)))
                children.append(f'<w:hyperlink w:anchor="x">{runs}</w:hyperlink>')
            else:
                children.append('<w:bookmarkStart w:id="1" w:name="b"/>')
        p = parse_xml(f"<w:p {nsdecls('w')}>{''.join(children)}</w:p>")
        paragraph = docx.text.paragraph.Paragraph(p, None)
        assert direct_text(p) == paragraph.text
        for run in paragraph.runs:
            assert run_text(run._r) == run.text


def test_a_run_of_many_lines_is_read_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx reads a run's text with an XPath union, merged in time
    quadratic in the run's children: one paragraph of 60,000 lines (a `w:t` and
    a `w:br` each, 2 MB) took 21 s to read. Now its children are read once: no
    run's text is asked of such a union (counted, not timed)."""
    document = docx.Document()
    lines = "<w:t>vpn password</w:t><w:br/>" * 60_000
    document.element.body.insert(0, parse_xml(f"<w:p {nsdecls('w')}><w:r>{lines}</w:r></w:p>"))
    buffer = io.BytesIO()
    document.save(buffer)
    unions: list[str] = []
    xpath = BaseOxmlElement.xpath

    def counted(element: BaseOxmlElement, expression: str) -> object:
        if "|" in expression and element.tag == qn("w:r"):
            unions.append(expression)
        return xpath(element, expression)

    monkeypatch.setattr(BaseOxmlElement, "xpath", counted)
    found = extract(buffer.getvalue(), "it/lines.docx", Limits())
    assert found.sections[0].text.startswith("vpn password")
    assert unions == []
    assert document.paragraphs[0].runs[0].text.startswith("vpn password")
    assert len(unions) == 1  # the count tells python-docx's reading apart
