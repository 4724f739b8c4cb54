"""The sanitiser: hostile Markdown loses everything that could run or restyle the page.

Bodies go the way an article goes: rendered and sanitised when the file is
read (what the snapshot stores), then sanitised again with the app's links
when the page is shown."""

from __future__ import annotations

import re
from xml.etree import ElementTree as etree

import pytest

from kb.content.markdown_article import parse_article
from kb.content.table_headers import scope_header_cells
from webapp.articles.sanitize import (
    article_body_html,
    article_html,
    passage_html,
    resolve_article_link,
    sanitize_article_html,
    snippet_html,
)


def render(markdown: str, article_id: str = "finance/travel.md") -> str:
    article, _ = parse_article(f"# Title\n\n{markdown}\n".encode(), article_id)
    shown = str(article_body_html(article, lambda a: f"/articles/{a}"))
    # A preview of the same text (not yet indexed) below the same title comes out the same.
    preview = str(
        article_html(
            f"# Title\n\n{markdown}\n", article_id, lambda a: f"/articles/{a}", title=article.title
        )
    )
    assert shown == preview
    return shown


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        "<img src=x oNeRrOr=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        '<a href="javascript&colon;alert(1)">x</a>',
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<p onclick="alert(1)">x</p>',
        "<svg><script>alert(1)</script></svg>",
        '<svg onload="alert(1)"></svg>',
        "<math><mtext><script>alert(1)</script></mtext></math>",
        '<object data="evil.swf"></object><embed src="evil.swf">',
        '<form action="https://evil.example"><input name="pw"><button>go</button></form>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        "<style>body{display:none}</style>",
        '<details open ontoggle="alert(1)"><summary>x</summary></details>',
        "<!--<script>alert(1)</script>-->",
        "Title {: onclick='alert(1)' }\n=====",
        '<a href="https://ok.example" target="_blank" onfocus="alert(1)" autofocus>x</a>',
    ],
)
def test_hostile_markup_is_neutralised(hostile: str) -> None:
    html = render(f"Before.\n\n{hostile}\n\nAfter.").lower()
    for bad in (
        "<script",
        "javascript",
        "vbscript",
        "data:text",
        " on",
        "style",
        "<iframe",
        "<svg",
        "<math",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<base",
        "<meta",
        "<link",
        "autofocus",
        "target=",
    ):
        assert bad not in html, (bad, html)
    assert "after." in html


def test_ordinary_markdown_survives() -> None:
    html = render(
        "## Steps\n\n1. **Open** the `portal`\n2. Pick *travel*\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        "> quoted\n\n[web](https://intranet.example/x) [mail](mailto:a@b.example) "
        "![logo](https://intranet.example/logo.png)"
    )
    for good in (
        '<h2 id="body-h1">Steps</h2>',
        "<strong>Open</strong>",
        "<code>portal</code>",
        '<table aria-labelledby="body-h1">',  # named by its section (kb.content.table_names)
        "<blockquote>",
        'href="https://intranet.example/x"',
        'href="mailto:a@b.example"',
        # A picture on another host is never loaded: a link to it, named by its alt text.
        '<a class="remote-image" href="https://intranet.example/logo.png" '
        'rel="noopener noreferrer">logo</a>',
    ):
        assert good in html, good


def test_tables_are_named_by_their_sections_heading_and_never_by_the_content() -> None:
    """A screen reader announces each table with its section's heading; names an
    author writes in raw HTML are dropped by the sanitiser as before, and a
    table with its own caption keeps that."""
    html = render(
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        "## Fees {#fees}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        '<table aria-label="Pay here" aria-labelledby="nav" id="t"><tr><td>1</td></tr></table>\n\n'
        "## Rooms\n\n<table><caption>Own name</caption><tr><td>1</td></tr></table>\n"
    )
    tables = re.findall(r"<table[^>]*>", html)
    assert tables == [
        '<table aria-label="Title">',  # before any heading: the article's title
        '<table aria-labelledby="c-fees">',
        '<table aria-labelledby="c-fees">',
        "<table>",
    ]
    assert '<h2 id="c-fees">Fees</h2>' in html and "<h2>Rooms</h2>" in html
    assert "Pay here" not in html and '"nav"' not in html


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../hr/sick-leave.md", "/articles/hr/sick-leave.md"),
        ("per-diem.md", "/articles/finance/per-diem.md"),
        ("./per-diem.md#rates", "/articles/finance/per-diem.md#c-rates"),
        ("/it/vpn.md", "/articles/it/vpn.md"),
        ("../hr/Sick%20Leave.md", "/articles/hr/Sick Leave.md"),
    ],
)
def test_links_between_articles_become_article_urls(href: str, expected: str) -> None:
    html = render(f"[x]({href})")
    assert f'href="{expected}"' in html


@pytest.mark.parametrize(
    "href",
    ["../../etc/passwd.md", "../../../x.md", "picture.png", "//evil.example/x.md", "folder/"],
)
def test_other_relative_links_lose_their_target(href: str) -> None:
    html = render(f"[x]({href})")
    assert "href" not in html


def test_fragment_links_follow_prefixed_ids() -> None:
    html = render('Jump to [notes](#notes).\n\n<h2 id="notes">Notes</h2>')
    assert 'href="#c-notes"' in html
    assert 'id="c-notes"' in html


def test_resolve_article_link() -> None:
    assert resolve_article_link("../hr/a.md#x", "finance/b.md") == ("hr/a.md", "x")
    assert resolve_article_link("https://x.example/a.md", "finance/b.md") is None
    assert resolve_article_link("../../a.md", "finance/b.md") is None


def test_template_tags_are_removed_like_the_indexer_does() -> None:
    html = render('See [Travel]({% page "/travel/" %}) and {{ variable }}.')
    assert "{%" not in html and "{{" not in html


def test_sanitize_keeps_external_links_safe() -> None:
    html = sanitize_article_html('<a href="https://x.example">x</a>', "a/b.md", str)
    assert 'rel="noopener noreferrer"' in html


def test_snippets_keep_only_mark() -> None:
    snippet = "use <mark>VPN</mark> &lt;script&gt; <b>bold</b> <img src=x onerror=alert(1)>"
    html = str(snippet_html(snippet))
    assert html == "use <mark>VPN</mark> &lt;script&gt; bold "


def test_passage_is_escaped_and_highlighted() -> None:
    html = str(passage_html("First <b>. Second sentence. Third.", "Second sentence."))
    assert html == "First &lt;b&gt;. <mark>Second sentence.</mark> Third."
    assert str(passage_html("Plain <i>", "")) == "Plain &lt;i&gt;"
    assert str(passage_html("Passage.", "Elsewhere <x>")) == (
        "<mark>Elsewhere &lt;x&gt;</mark>\nPassage."
    )


def test_highlight_is_found_across_line_breaks() -> None:
    html = str(
        passage_html("Open Workday.\n\nSelect the dates. Done.", "Open Workday. Select the dates.")
    )
    assert html == "<mark>Open Workday.\nSelect the dates.</mark> Done."


def test_long_passages_are_cut_around_the_highlight() -> None:
    passage = "before " * 200 + "The answer is here. " + "after " * 200
    html = str(passage_html(passage, "The answer is here.", limit=200))
    assert html.startswith("… before") and html.endswith("after …")
    assert "<mark>The answer is here.</mark>" in html
    assert len(html) < 260


def test_a_markdown_tables_header_cells_head_their_columns() -> None:
    """Screen readers (and the page audit) need to know what a header cell heads."""
    html = render("| City | Limit |\n|---|---|\n| Berlin | 120 |")
    assert '<th scope="col">City</th>' in html
    assert '<th scope="col">Limit</th>' in html
    assert "<td>Berlin</td>" in html
    assert 'scope="col"' not in html.split("<tbody>")[1]


def test_a_header_cell_opening_a_body_row_heads_that_row() -> None:
    root = etree.fromstring(
        "<div><table><thead><tr><th>Who</th><th>Days</th></tr></thead>"
        "<tbody><tr><th>Ada</th><td>3</td><th>odd</th></tr></tbody></table></div>"
    )
    scope_header_cells(root)
    assert [th.get("scope") for th in root.iter("th")] == ["col", "col", "row", None]


@pytest.mark.parametrize(
    "written",
    [
        '<th scope="javascript:alert(1)">x</th>',
        '<th scope="colgroup onclick">x</th>',
        '<th scope="COL">x</th>',
        '<td scope="col">x</td>',
    ],
)
def test_an_authors_scope_survives_only_as_col_or_row_on_a_header_cell(written: str) -> None:
    cell = written.replace(">x", ' onclick="go()" abbr="a">x')
    html = render(f"<table><tr>{cell}</tr></table>")
    assert "scope" not in html
    assert "onclick" not in html and "abbr" not in html
    kept = render('<table><tr><th scope="row" style="color:red">x</th></tr></table>')
    assert '<th scope="row">x</th>' in kept
