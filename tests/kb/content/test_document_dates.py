"""A document's review date from its department's `review_months`: a date at
the calendar's end (a page or sidecar dated 9999, a very large
`review_months`) gives the document no review date, and never stops the scan
of every other department's files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kb.content.scanner import scan_content

PAGE = (
    "<html><head><title>Printers</title>"
    '<meta name="last-modified" content="{modified}"></head>'
    "<body><main><h1>Printers</h1><p>Printers are on every floor by the lifts.</p></main>"
    "</body></html>"
)


def _content(root: Path, months: int, modified: str, sidecar: str = "") -> Path:
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "it" / "_department.yml").write_text(
        f"name: IT\ndocuments:\n  review_months: {months}\n", "utf-8"
    )
    (root / "it" / "printers.html").write_text(PAGE.format(modified=modified), "utf-8")
    if sidecar:
        (root / "it" / "printers.html.yml").write_text(sidecar, "utf-8")
    (root / "hr" / "leave.md").write_text("# Annual leave\nYou get 30 days of leave.\n", "utf-8")
    return root


@pytest.mark.parametrize(
    ("months", "modified", "sidecar"),
    [
        (12, "9999-12-15", ""),  # the page's own date, a year before the calendar ends
        (12, "2026-01-10", "updated: 9999-06-01\n"),  # a sidecar's date
        (10**15, "2026-01-10", ""),  # a review period past any year
    ],
    ids=["page-dated-9999", "sidecar-dated-9999", "huge-review-months"],
)
def test_a_review_date_past_the_calendar_stops_no_scan(
    tmp_path: Path, months: int, modified: str, sidecar: str
) -> None:
    scan = scan_content(_content(tmp_path / "content", months, modified, sidecar))
    assert set(scan.articles) == {"it/printers.html", "hr/leave.md"}
    assert scan.articles["it/printers.html"].review_by is None
    assert not [p for p in scan.problems if p.severity.value == "error"]


def test_a_review_date_within_the_calendar_is_still_set(tmp_path: Path) -> None:
    scan = scan_content(_content(tmp_path / "content", 12, "2026-01-10"))
    assert scan.articles["it/printers.html"].review_by == date(2027, 1, 10)
