"""Composing an article's file text from the editor's fields."""

from __future__ import annotations

from datetime import date

from kb.authoring.markdown_file import compose_text, split_text
from kb.authoring.records import ArticleFields


def test_the_front_matter_is_one_field_a_line_as_people_write_it() -> None:
    fields = ArticleFields(title='Overtime: "rules" #1', body="Ask HR.", summary="When it pays.")
    text = compose_text(fields, {"source_request": 12}, date(2026, 12, 1), "hr/overtime.md")
    assert text.splitlines()[:7] == [
        "---",
        "title: 'Overtime: \"rules\" #1'",
        "summary: When it pays.",
        "status: draft",
        "audience: everyone",
        "updated: 2026-12-01",
        "source_request: 12",
    ]
    tagged = ArticleFields(title="VPN", body="Connect.", tags=("vpn", "remote"))
    assert "\ntags: [vpn, remote]\n" in compose_text(tagged, {}, date(2026, 12, 1), "it/vpn.md")
    assert split_text(text, "hr/overtime.md")[0].title == 'Overtime: "rules" #1'
