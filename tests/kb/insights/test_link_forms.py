"""Content health reads every link the article page makes, as a rename does."""

from __future__ import annotations

import pytest

from kb.content.moved_links import retarget_links
from kb.insights.content import broken_links, restricted_links
from kb.records import Article, Section

# Each form of link the page makes that content health once missed, to
# `hr/on leave.md`: a target in `<>` may hold a space, the others not.
FORMS = {
    "angle-brackets": "See [leave](<on leave.md>).",
    "brackets-in-text": "See [leave [1]](on%20leave.md).",
    "reference": "See [leave][ref] now.\n\n[ref]: on%20leave.md",
    "title": 'See [leave](on%20leave.md "Leave").',
    "single-quoted-title": "See [leave](on%20leave.md 'Leave').",
}
TARGET = "hr/on leave.md"


def article(aid: str, body: str = "", audience: tuple[str, ...] = ("everyone",)) -> Article:
    body = body or f"All about {aid}."
    return Article(
        id=aid,
        department="hr",
        title=aid,
        body_markdown=body,
        sections=(Section(headings=(), text=body),),
        audience=audience,
    )


@pytest.mark.parametrize("body", FORMS.values(), ids=FORMS.keys())
def test_every_link_form_is_broken_when_its_target_is_missing(body: str) -> None:
    """`broken_link` read links by an expression of its own: a target in `<>` with
    a space, a reference, a single-quoted title and a name written with `%20`
    (the page reads it as a space) went unreported or named the wrong article,
    and a rename missed the first: content health, the editor and a rename read
    the same links now, those the page makes."""
    assert broken_links(article("hr/a.md", body), {"hr/a.md"}) == [TARGET]
    assert broken_links(article("hr/a.md", body), {"hr/a.md", TARGET}) == []
    assert retarget_links(body, "hr/a.md", TARGET, "hr/leave.md")[1] == 1


@pytest.mark.parametrize("body", FORMS.values(), ids=FORMS.keys())
def test_every_link_form_is_restricted_when_some_readers_may_not_open_it(body: str) -> None:
    closed = article(TARGET, audience=("managers",))
    a = article("hr/a.md", body)
    found = restricted_links(a, {"hr/a.md": a, TARGET: closed})
    assert [(f.kind, f.detail["target"]) for f in found] == [("restricted_link", TARGET)]


@pytest.mark.parametrize("body", FORMS.values(), ids=FORMS.keys())
def test_a_link_form_written_in_code_is_no_link(body: str) -> None:
    """The same words in a fenced code block are an example, shown as written."""
    code = f"How to write it:\n\n```\n{body}\n```\n"
    assert broken_links(article("hr/a.md", code), {"hr/a.md"}) == []
    closed = article(TARGET, audience=("managers",))
    a = article("hr/a.md", code)
    assert restricted_links(a, {"hr/a.md": a, TARGET: closed}) == []
    assert retarget_links(code, "hr/a.md", TARGET, "hr/leave.md")[1] == 0
