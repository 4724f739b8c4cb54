"""The words of a Word paragraph around what is not plain text in it: entity and
character references, symbol runs, soft hyphens, tabs and field codes. Text
after an entity reference was lost, silently."""

from __future__ import annotations

import io
import re
import zipfile

from kb.extract import Limits, extract
from tests.kb.extract.test_word import _docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(inner: str) -> str:
    return f"<w:r>{inner}</w:r>"


def _t(text: str) -> str:
    return _run(f'<w:t xml:space="preserve">{text}</w:t>')


def _text(body: str, *, declared: str = "") -> str:
    """The text read from a document whose body is `body`, its document part
    declaring the entities `declared` (`<!ENTITY …>` lines) when given."""
    data = _docx(body)
    if declared:
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                part = source.read(item.filename)
                if item.filename == "word/document.xml":
                    part = re.sub(
                        rb"(<w:document\b)",
                        f"<!DOCTYPE w:document [{declared}]>\n".encode() + rb"\1",
                        part,
                        count=1,
                    )
                target.writestr(item, part)
        data = out.getvalue()
    return extract(data, "hr/handbook.docx", Limits()).text


def test_text_after_an_entity_reference_is_kept() -> None:
    body = f"<w:p>{_t('Ask &company; about leave, then book it.')}</w:p><w:p>{_t('Next.')}</w:p>"
    text = _text(body, declared='<!ENTITY company "ACME Corp">')
    assert "Ask ACME Corp about leave, then book it." in text
    assert "Next." in text


def test_an_entity_that_is_not_plain_text_is_not_expanded_and_the_rest_stays() -> None:
    """Entities that refer to entities are how a file makes one reference
    expand past any size: they are said as nothing."""
    declared = '<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;"><!ENTITY c "&b;&b;&b;">'
    text = _text(f"<w:p>{_t('One &c; two three')}</w:p>", declared=declared)
    assert "One two three" in text
    assert "ha" not in text


def test_character_references_are_their_characters() -> None:
    text = _text(f"<w:p>{_t('Costs &#x2013; up to &#8364;&#160;50 per night')}</w:p>")
    assert "Costs – up to €\u00a050 per night" in text or "Costs – up to € 50 per night" in text


def test_symbol_runs_keep_their_character_and_the_words_after_them() -> None:
    tick = _run('<w:sym w:font="Segoe UI Symbol" w:char="2713"/>')
    dingbat = _run('<w:sym w:font="Wingdings" w:char="F0FC"/>')
    bad = _run('<w:sym w:font="Symbol" w:char="D800"/>') + _run('<w:sym w:char="zz"/>')
    body = f"<w:p>{_t('Done ')}{tick}{_t(' then ')}{dingbat}{bad}{_t(' checked.')}</w:p>"
    assert "Done ✓ then checked." in _text(body)


def test_soft_hyphens_tabs_and_fields_keep_the_words_after_them() -> None:
    field = (
        _run('<w:fldChar w:fldCharType="begin"/>')
        + _run('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
        + _run('<w:fldChar w:fldCharType="separate"/>')
        + _t("3")
        + _run('<w:fldChar w:fldCharType="end"/>')
    )
    simple = f'<w:fldSimple w:instr=" DATE ">{_t("5 December")}</w:fldSimple>'
    body = (
        f"<w:p>{_run('<w:t>Kranken</w:t><w:softHyphen/><w:t>kasse</w:t><w:tab/><w:t>pays</w:t>')}"
        f"{_t(' see page ')}{field}{_t(' as of ')}{simple}{_t(' for all staff.')}</w:p>"
    )
    text = _text(body)
    assert "Krankenkasse pays see page 3 as of 5 December for all staff." in text
    assert "PAGE" not in text and "DATE" not in text
