"""A table row whose cells say "none" with dashes stays a row, in every format
and in the Markdown a document's passages hold (`kb.extract.table_markdown`)."""

from __future__ import annotations

import pytest

from kb.content.sections import document_markdown
from kb.extract import BlockKind, Limits, extract
from kb.extract.table_markdown import cell_text, escape_cell, markdown_table, split_cells
from tests.documents import WRITERS, Outline

ROWS = [
    ["Expense", "Limit"],
    ["Hotel", "120 EUR"],
    ["Minibar", "-"],
    ["-", "--"],
    ["Laundry", "—"],
    ["Taxi", "40 EUR"],
]


def _outline() -> Outline:
    return Outline(
        title="Expense limits",
        sections=[(1, "Limits per item", ["What each item may cost per night.", ("table", ROWS)])],
    )


def _rules(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "---" in line]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "odt", "html", "txt"])
def test_a_row_of_dashes_stays_a_row_in_every_format(fmt: str) -> None:
    """A row of "-" and "--" was written as a second header rule: the answer card
    showed it as a rule or dropped it, and snippets lost it."""
    document = extract(WRITERS[fmt](_outline()), f"finance/limits.{fmt}", Limits())
    [table] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert table.rows == tuple(tuple(row) for row in ROWS)
    text = document.text
    assert _rules(text) == ["| --- | --- |"]
    assert "| Minibar | \\- |\n| \\- | \\-\\- |\n| Laundry | — |" in text
    markdown = document_markdown(text)
    assert markdown.count("| --- | --- |") == 1
    assert "| \\- | \\-\\- |" in markdown


def test_only_the_line_under_the_header_is_the_rule() -> None:
    table = markdown_table((("a", "b"), ("---", ":-:"), ("x", "-")))
    assert table.splitlines() == [
        "| a | b |",
        "| --- | --- |",
        "| \\-\\-\\- | :\\-: |",
        "| x | \\- |",
    ]
    assert [split_cells(line[2:-2]) for line in table.splitlines()[2:]] == [
        ["---", ":-:"],
        ["x", "-"],
    ]


@pytest.mark.parametrize("cell", ["-", "--", "---", ":-:", "—", "a-b", "x | y", "-1", ""])
def test_a_cell_reads_back_as_it_was(cell: str) -> None:
    assert cell_text(escape_cell(cell)) == cell


def test_a_row_of_dashes_from_an_older_passage_is_a_row_below_the_rule() -> None:
    """Passages cut before dashes were escaped hold "| - | - |": the answer card
    takes only the line under a table's first row as its rule."""
    markdown = document_markdown("| a | b |\n| --- | --- |\n| x | y |\n| --- | - |")
    assert markdown.splitlines() == [
        "| a | b |",
        "| --- | --- |",
        "| x | y |",
        "| \\-\\-\\- | \\- |",
    ]


def test_a_text_files_markdown_table_keeps_its_rows_and_loses_its_bars() -> None:
    text = "Limits\n======\n\n| Item | Cost |\n|---|:--:|\n| Taxi | - |\n| Hotel | 120 EUR |\n"
    document = extract(text.encode(), "finance/limits.txt", Limits())
    [table] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert table.rows == (("Item", "Cost"), ("Taxi", "-"), ("Hotel", "120 EUR"))
