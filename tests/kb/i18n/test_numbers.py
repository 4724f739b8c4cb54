"""Numbers an English text writes with separators ("1,048,576", "20.0 MB") read
as the page's language writes them, in problems and errors alike."""

from __future__ import annotations

import pytest

from kb.errors import ValidationError
from kb.i18n.catalog import number_as_written


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("1,048,576", "1.048.576"),
        ("20.0 MB", "20,0 MB"),
        ("12.5 %", "12,5 %"),
        ("1.5 h", "1,5 h"),
        ("0.5", "0,5"),
        # Left as they are: no separators, a date, a quoted value, an address.
        ("7", "7"),
        ("2026-01-01", "2026-01-01"),
        ("'1.5'", "'1.5'"),
        ("10.0.0.1", "10.0.0.1"),
    ],
)
def test_a_number_is_written_as_the_language_writes_it(english: str, german: str) -> None:
    assert number_as_written("de", english) == german
    assert number_as_written("en", english) == english


def test_an_error_names_its_limit_with_the_page_s_separators_and_quotes_input_as_typed() -> None:
    too_big = ValidationError(
        "body is over the 1,048,576-byte limit of an article",
        details={"field": "body"},
        key="too_many_bytes",
        values={"limit": "1,048,576"},
    )
    assert "1.048.576 Bytes" in too_big.message_in("de")
    assert "1,048,576-byte" in too_big.message_in("en")
    typed = ValidationError("x", key="not_date", values={"value": "1.5"})
    assert "1.5" in typed.message_in("de")
