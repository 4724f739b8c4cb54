"""Controls that reorder the text after them (U+202A–U+202E, U+2066–U+2069) in
a content file: what it publishes is read without them, and `kb validate`
names the field and line where each is, so that the owner can delete it.
Right-to-left letters and the plain direction marks stay."""

from __future__ import annotations

import json
from pathlib import Path

from kb.content.scanner import scan_content
from kb.records import Section
from tests.support import run_kb

# "Pay \u202etxt.exe" shows as "Pay exe.txt"; the Hebrew and Arabic words with
# their right-to-left mark are legitimate right-to-left text.
PAY = """---
title: "Pay \\u202etxt.exe"
summary: "Read \u2066this\u2069 first"
tags: [billing, "in\\u202dvoice"]
---
# Invoices \u202eskrow

Send invoices to [the \u202elatot tnuocca](https://example.com/pay) desk, and &#x202E;this.

Shalom שלום\u200f and marhaba مرحبا stay as written.
"""

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _no_controls(text: str) -> bool:
    return not any(char in text for char in CONTROLS)


def test_an_article_publishes_its_texts_without_controls_and_keeps_right_to_left_letters(
    tiny_content: Path,
) -> None:
    (tiny_content / "it" / "pay.md").write_text(PAY, encoding="utf-8")
    article = scan_content(tiny_content).articles["it/pay.md"]
    assert article.title == "Pay txt.exe"
    assert article.summary == "Read this first"
    assert article.tags == ("billing", "invoice")
    shown = [article.body_html, article.body_markdown, *(s.text for s in article.sections)]
    shown += [h for s in article.sections for h in s.headings]
    assert all(_no_controls(text) for text in shown), shown
    assert "Invoices skrow" in article.sections[0].headings
    assert "the latot tnuocca</a>" in article.body_html
    assert "שלום\u200f" in article.body_html and "مرحبا" in article.plain_text


def test_kb_validate_names_the_field_and_line_of_each_control(tiny_content: Path) -> None:
    (tiny_content / "it" / "pay.md").write_text(PAY, encoding="utf-8")
    (tiny_content / "it" / "guide.html").write_text(
        "<html><head><title>Guide \u202eexe.fdp</title></head>"
        "<body><h1>Guide</h1><p>Read the guide.</p></body></html>",
        encoding="utf-8",
    )
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    assert result.exit_code == 0, result.output  # warnings: the articles publish
    found = {
        (p["path"], p["line"], p["message"].split(" holds")[0])
        for p in json.loads(result.output)["problems"]
        if p["kind"] == "bidi_control"
    }
    assert found == {
        ("it/pay.md", 2, "title"),
        ("it/pay.md", 3, "summary"),
        ("it/pay.md", 4, "tags"),
        ("it/pay.md", 6, "body"),
        ("it/guide.html", None, "title"),
    }
    text = run_kb({}, "validate", "--content", str(tiny_content)).output
    assert "it/pay.md:2: title holds a control that reorders" in text
    assert "U+202E" in text and "delete it" in text


def test_plain_direction_marks_and_right_to_left_text_are_no_warning(tiny_content: Path) -> None:
    (tiny_content / "it" / "hebrew.md").write_text(
        "---\ntitle: \u05e9\u05dc\u05d5\u05dd\u200f VPN\n---\nמרחבא \u200e(VPN)\u200f.\n",
        encoding="utf-8",
    )
    scan = scan_content(tiny_content)
    assert scan.articles["it/hebrew.md"].title == "\u05e9\u05dc\u05d5\u05dd\u200f VPN"
    assert not [p for p in scan.warnings if p.kind == "bidi_control"]


def test_a_title_of_controls_alone_is_no_title() -> None:
    from kb.records import Article

    article = Article(
        id="it/pay.md", department="it", title="\u202e\u2066", body_markdown="", sections=()
    )
    assert article.title == "pay.md"


def test_page_breaks_count_the_words_left_once_controls_are_dropped() -> None:
    # Page 2 starts at "b" (word 2), page 3 at "c" (word 4); the lone control was a word.
    section = Section(("H",), "a \u202e b x c", page=1, page_breaks=(2, 4))
    assert section.text == "a  b x c"
    assert section.page_breaks == (1, 3)
    assert section.locator(3, 4) == "page 3"


def test_a_department_s_names_are_read_without_controls(tiny_content: Path) -> None:
    (tiny_content / "it" / "_department.yml").write_text(
        'name: "\\u202e"\ndisplay_names: {de: "IT \\u202esnimda"}\n', encoding="utf-8"
    )
    hr = tiny_content / "hr" / "_department.yml"
    hr.write_text(
        hr.read_text(encoding="utf-8").replace(
            "name: Human Resources", 'name: "Human \\u2066Resources\\u2069"'
        ),
        encoding="utf-8",
    )
    departments = scan_content(tiny_content).departments
    assert departments["hr"].name == "Human Resources"
    assert departments["it"].name == "IT"  # controls alone name nothing: the folder's name
    assert departments["it"].shown_name("de") == "IT snimda"


def test_kb_validate_names_the_field_and_line_of_a_control_in_a_department_file(
    tiny_content: Path,
) -> None:
    """A department's name "IT \\u202ekseD" read as "IT Desk" was dropped for
    readers, but validate did not say where it was, as it does for articles."""
    (tiny_content / "it" / "_department.yml").write_text(
        'keywords: [vpn]\nname: "IT \\u202ekseD"\ndescription: Laptops \u2066and\u2069 VPN\n',
        encoding="utf-8",
    )
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    assert result.exit_code == 0, result.output  # warnings: the department is read
    found = {
        (p["path"], p["line"], p["message"].split(" holds")[0])
        for p in json.loads(result.output)["problems"]
        if p["kind"] == "bidi_control"
    }
    assert found == {("it/_department.yml", 2, "name"), ("it/_department.yml", 3, "description")}
