"""Which texts of a body are links and which are code is asked of the page's
renderer, once, for every reader of links: content health and the editor
(`kb.content.dropped_links`, `kb.insights.content`) and a rename's changes
(`kb.content.moved_links`) agree with the page and with each other."""

from __future__ import annotations

import pytest

from kb.content.dropped_links import dropped_links
from kb.content.markdown_text import RenderTimeout, render_html
from kb.content.moved_links import retarget_links
from kb.content.rendered_code import Shown, forget_kept, shown_as, shown_as_links
from kb.insights.content import link_targets
from tests.kb.insights.test_content import article

LINK, CODE = Shown.LINK, Shown.CODE

# Each body holds one inline link whose target is `{t}`.
CASES = [
    ("```\n[a]({t})\n```\n", CODE),
    ("~~~python\n[a]({t})\n~~~\n\nafter", CODE),
    ("````\n```\n[a]({t})\n````", CODE),
    ("```\n[a]({t})\n", LINK),
    ("Text\n```\n[a]({t})\n", LINK),
    ("Text:\n\n    [a]({t})\n", CODE),
    ("\t[a]({t})", CODE),
    ("Text\n    [a]({t})", LINK),
    ("`[a]({t})`", CODE),
    ("``[a]({t}) ` x``", CODE),
    ("```[a]({t})```", CODE),
    ("`a` [b]({t}) `c`", LINK),
    ("``a` [b]({t})", LINK),
    ("\\`[a]({t})`", LINK),
    ("`a\n[b]({t})`", CODE),
    ("`a\n\n[b]({t})`", LINK),
    ("[`code`]({t})", LINK),
    ("- item\n\n        [a]({t})\n", CODE),
    ("- item\n\n    [a]({t})\n", LINK),
    ("- `[a]({t})`", CODE),
    ("1. item\n    ```\n    [a]({t})\n    ```\n", CODE),
    ("> quote\n>\n>     [a]({t})\n", CODE),
    ("> `[a]({t})`", CODE),
    ("> [a]({t})", LINK),
    ("# Heading\n    [a]({t})\n", CODE),
    ("## Heading\n[a]({t})\n", LINK),
]
IDS = [
    "fenced",
    "fenced-tildes",
    "longer-fence",
    "unclosed-fence",
    "unclosed-fence-in-paragraph",
    "indented",
    "indented-tab",
    "paragraph-continued",
    "span",
    "double-ticks-around-one",
    "triple-ticks-inline",
    "between-spans",
    "shorter-closing",
    "escaped-tick",
    "span-across-lines",
    "span-across-paragraphs",
    "code-in-link-text",
    "code-in-list-item",
    "list-continued",
    "span-in-list-item",
    "fence-in-list-item",
    "code-in-quote",
    "span-in-quote",
    "link-in-quote",
    "code-under-heading",
    "link-under-heading",
]


@pytest.mark.parametrize(("body", "shown"), CASES, ids=IDS)
def test_every_reader_of_links_agrees_with_the_page(body: str, shown: Shown) -> None:
    """A hand-written second parser read an unclosed fence as code to the end
    (a rename missed the links after it) and was cautious in lists, quotes and
    under a heading (content health reported code as broken links)."""
    linked = shown is LINK
    written = body.format(t="x")
    assert ("<a " in render_html(written)) is linked
    assert shown_as(written, [written.index("x)")], None) == [shown]
    assert dropped_links(written, "it/page.md") == (["x"] if linked else [])
    moved = body.format(t="vpn.md")
    changed = body.format(t="vpn-guide.md")
    expected = (changed, 1) if linked else (moved, 0)
    assert retarget_links(moved, "it/page.md", "it/vpn.md", "it/vpn-guide.md") == expected
    assert link_targets(article("it/page.md", moved)) == (["it/vpn.md"] if linked else [])


def test_a_place_shown_otherwise_is_no_link() -> None:
    body = "![pic](a.png) [b](b.md <!-- [c](c.md) --> [d][r] [e](e.md)\n\n[r]: r.md\n[u]: u.md\n"
    places = [body.index(name) for name in ("a.png", "b.md", "c.md", "r.md", "u.md", "e.md")]
    assert shown_as(body, places, None) == [
        Shown.TEXT,  # a picture's address
        Shown.TEXT,  # `[b](` never closed
        Shown.UNSEEN,  # in a comment
        Shown.LINK,  # a reference definition a link uses
        Shown.UNSEEN,  # one no link uses
        Shown.LINK,
    ]
    assert shown_as(body, [], None) == []


def test_a_mark_never_changes_what_the_page_shows() -> None:
    """Marks are put where every link of a body starts: the page's code and
    links stay what they were, whatever the body already holds."""
    body = "`a` [b](kb1m0e.md) and ``c`` <a href='d.md'>d</a>\n\n    [e](e.md)\n"
    places = [body.rindex(name) for name in ("kb1m0e.md", "d.md", "e.md")]
    assert shown_as(body, places, None) == [Shown.LINK, Shown.LINK, Shown.CODE]
    assert shown_as(body, places[::-1] + places, None) == [
        Shown.CODE, Shown.LINK, Shown.LINK, Shown.LINK, Shown.LINK, Shown.CODE,
    ]  # fmt: skip


def test_template_tags_are_taken_out_as_the_page_takes_them_out() -> None:
    body = "{% raw %}`[a](x)`{% endraw %} {# [b](y) #} [c](z)"
    places = [body.index(name) for name in ("x)", "y)", "z)")]
    assert shown_as(body, places, None) == [Shown.CODE, Shown.UNSEEN, Shown.LINK]


def test_a_body_past_the_render_budget_shows_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page of a body that does not render in time shows nothing: its
    links are not reported, and a rename does not change them blindly."""

    def too_slow(body: str, seconds: float | None = None) -> str:
        raise RenderTimeout(3.0, 2.0)

    forget_kept()  # what an earlier test rendered in time
    monkeypatch.setattr("kb.content.rendered_code.render_html", too_slow)
    assert shown_as_links("[a](x)", [4], 2.0) == [False]
    assert dropped_links("[a](x)", "it/page.md") == []
    with pytest.raises(Exception, match="takes too long to render"):
        retarget_links("[a](vpn.md)", "it/page.md", "it/vpn.md", "it/vpn-guide.md")
    assert retarget_links("[a](x.md)", "it/page.md", "it/vpn.md", "it/vpn-guide.md") == (
        "[a](x.md)",
        0,
    )


def test_a_body_asked_about_again_is_not_rendered_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Content health asks about the same bodies on every view: one with 20,000
    links to missing articles took 1.8 s of processor time each time."""
    forget_kept()
    body = " ".join(f"[g](gone-{i}.md)" for i in range(300)) + " `[c](code.md)`"
    places = [body.index(f"gone-{i}.md") for i in range(300)] + [body.index("code.md")]
    first = shown_as_links(body, places, 2.0)
    assert first == [True] * 300 + [False]
    renders: list[str] = []

    def counted(text: str, seconds: float | None = None) -> str:
        renders.append(text)
        return render_html(text, seconds)

    monkeypatch.setattr("kb.content.rendered_code.render_html", counted)
    assert shown_as_links(body, places, 2.0) == first
    assert renders == []
    assert shown_as_links(body, places[:5], 2.0) == first[:5]  # other places: asked anew
    assert shown_as_links(body + " [h](here.md)", places, 2.0) == first  # another body
    assert len(renders) == 2


@pytest.mark.parametrize(
    ("body", "dropped"),
    [
        ("`[a](x)` " * 2_000, []),
        ("```\n[b](x)\n```\n" * 1_000, []),
        ("\\" * 20_000 + "`[a](x)`", []),
        ("``a`" * 500 + " [b](x)", ["x"]),
        ("".join("`" * n + "a" for n in range(1, 200)) + " [b](x)", ["x"]),
    ],
    ids=["spans", "fences", "backslashes", "shorter-closings", "long-runs"],
)
def test_many_code_spans_and_blocks_are_read_as_the_page_reads_them(
    body: str, dropped: list[str]
) -> None:
    """Bodies of many runs of backticks, checked by what is found (speed is
    for `benchmarks/`)."""
    assert dropped_links(body, "it/page.md") == dropped
