"""A link written in code is shown as code, no link: the links an article's
check reads (`kb.content.dropped_links`) are the ones the renderer makes."""

from __future__ import annotations

import pytest

from kb.content.dropped_links import dropped_links
from kb.content.markdown_text import render_html
from kb.content.rendered_code import blank_code


@pytest.mark.parametrize(
    ("body", "dropped"),
    [
        ("`[a](x)`", []),
        ("See ``[a](x)`` and `[b](y)`.", []),
        ("```\n[a](x)\n```", []),
        ("~~~python\n[a](x)\n~~~\n\n[b](y)", ["y"]),
        ("````\n```\n[a](x)\n````", []),
        ("Text:\n\n    [a](x)\n\n\t[b](y)\n\nafter [c](z)", ["z"]),
        ("```\n[a](x)\n", ["x"]),
        ("- item\n\n    [a](x)\n", ["x"]),
        ("Text\n    [a](x)", ["x"]),
        ("`a` [b](x) `c`", ["x"]),
        ("\\`[a](x)`", ["x"]),
        ("[`code`](x)", ["x"]),
        ("``a` [b](x)", ["x"]),
        ("`a\n\n[b](x)`", ["x"]),
        ("`a\n[b](x)`", []),
    ],
    ids=[
        "span",
        "double-ticks",
        "fenced",
        "tildes-then-text",
        "longer-fence",
        "indented",
        "unclosed-fence",
        "list-continued",
        "paragraph-continued",
        "between-spans",
        "escaped-tick",
        "code-in-link-text",
        "shorter-closing",
        "span-across-paragraphs",
        "span-across-lines",
    ],
)
def test_a_link_in_code_is_no_link(body: str, dropped: list[str]) -> None:
    """`[a](x)` in a code span named a broken link `x` in content health and
    the editor, though the page shows code and no link."""
    assert ("<a " in render_html(body)) is bool(dropped)
    assert dropped_links(body, "it/page.md") == dropped


@pytest.mark.parametrize(
    ("body", "dropped"),
    [
        ("`[a](x)` " * 10_000, []),
        ("```a\n[b](x)\n" * 5_000, ["x"]),
        ("```\n[b](x)\n" * 5_000, ["x"]),
        ("```\n[b](x)\n```\n" * 5_000, []),
        ("\\" * 20_000 + "`[a](x)`", []),
        ("``a`" * 10_000 + " [b](x)", ["x"]),
        ("".join("`" * n + "a" for n in range(1, 200)) + " [b](x)", ["x"]),
    ],
    ids=[
        "spans",
        "unclosed-fences",
        "fences-between",
        "fences",
        "backslashes",
        "shorter-closings",
        "long-runs",
    ],
)
def test_code_is_found_in_linear_time(body: str, dropped: list[str]) -> None:
    """Hostile bodies, checked by what is found (speed is for `benchmarks/`)."""
    assert dropped_links(body, "it/page.md") == dropped
    assert len(blank_code(body)) == len(body)
