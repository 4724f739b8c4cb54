"""The page audit finds what it says it finds (`tests/webapp/page_audit.py`)."""

from __future__ import annotations

from tests.webapp.page_audit import problems

GOOD = """<!doctype html><html lang="en"><body>
<a class="skip-link" href="#main">Skip</a><header><nav><a href="/">Home</a></nav></header>
<main id="main"><h1>Title</h1><h2>Part</h2>
<form><label for="a">A</label><input id="a" name="a" aria-describedby="a-hint">
<p id="a-hint">Hint</p><label>B <select name="b"></select></label></form>
<table><caption>Figures</caption><tr><th scope="col">N</th></tr></table>
<svg class="chart" role="img" aria-labelledby="t"><title id="t">3 searches</title></svg>
<button type="button" hidden>Only with a script</button>
</main><footer></footer></body></html>"""


def test_a_good_page_has_no_problems() -> None:
    assert problems(GOOD, "en") == []


def test_each_kind_of_problem_is_found() -> None:
    bad = (
        GOOD.replace('lang="en"', 'lang="de"')
        .replace("<h2>Part</h2>", "<h1>Again</h1><h3>Deep</h3>")
        .replace('<label for="a">A</label>', "")
        .replace('aria-describedby="a-hint"', 'aria-describedby="gone" aria-invalid="true"')
        .replace("<caption>Figures</caption>", "")
        .replace('scope="col"', "")
        .replace(' role="img"', "")
        .replace(" hidden>", ">")
        .replace('<a href="/">', '<a href="javascript:go()" onclick="go()">')
    )
    found = "\n".join(problems(bad, "en"))
    for expected in (
        "html lang",
        "not one h1",
        "h3 'Deep' after h1",
        "field 'a' has no label",
        "names no element 'gone'",
        "has no caption",
        "without a scope",
        "a chart without",
        "only a script can use",
        "javascript:",
        "inline event handler",
    ):
        assert expected in found, expected
    assert "the first link is not the skip link" in "\n".join(
        problems(GOOD.replace('class="skip-link" ', ""), "en")
    )
