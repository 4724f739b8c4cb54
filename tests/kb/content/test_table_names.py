"""Tables named by the heading of their section, on sanitised HTML."""

from __future__ import annotations

from kb.content.table_names import MAX_LABEL_CHARS, named_tables
from tests.support import within

TABLE = "<table><tr><td>1</td></tr></table>"


def test_a_table_is_labelled_by_the_heading_before_it() -> None:
    html = f"<h2>Fees &amp; costs</h2><p>Per trip:</p>{TABLE}<h3>Rooms</h3>{TABLE}{TABLE}"
    assert named_tables(html) == (
        '<h2 id="body-h1">Fees &amp; costs</h2><p>Per trip:</p>'
        '<table aria-labelledby="body-h1"><tr><td>1</td></tr></table>'
        '<h3 id="body-h2">Rooms</h3>'
        '<table aria-labelledby="body-h2"><tr><td>1</td></tr></table>'
        '<table aria-labelledby="body-h2"><tr><td>1</td></tr></table>'
    )


def test_a_headings_own_id_is_used_and_a_new_one_taken_by_nothing_else() -> None:
    html = f'<h2 id="c-fees">Fees</h2>{TABLE}<p id="body-h1">x</p><h2>Rooms</h2>{TABLE}'
    named = named_tables(html)
    assert '<table aria-labelledby="c-fees">' in named
    assert '<h2 id="body-h2">Rooms</h2><table aria-labelledby="body-h2">' in named


def test_a_table_before_any_heading_takes_the_fallback_name() -> None:
    assert named_tables(TABLE, 'Travel "costs"').startswith(
        '<table aria-label="Travel &quot;costs&quot;">'
    )
    assert named_tables(TABLE) == TABLE  # no name known: left as it is


def test_a_caption_of_its_own_is_kept_and_html_without_tables_unchanged() -> None:
    captioned = "<h2>Fees</h2><table>\n<caption>Rates</caption><tr><td>1</td></tr></table>"
    assert named_tables(captioned) == captioned
    plain = "<h2>Fees</h2><p>No table.</p>"
    assert named_tables(plain) is plain


def test_a_heading_whose_id_holds_a_space_names_its_table_by_its_words() -> None:
    html = f'<h2 id="c-a b">Fees <em>and</em>\n costs</h2>{TABLE}'
    assert '<table aria-label="Fees and costs">' in named_tables(html)


def test_thousands_of_tables_are_named_in_linear_time() -> None:
    """Each table asked whether a `<caption>` opens it by copying every token
    after it: a content owner's article of 20,000 empty tables (320 KB) took 7 s
    of the first page view in each process, growing as the square of the count.
    Checked by what comes back from 100,000 tables, which took minutes (speed is
    for `benchmarks/`, not a clock)."""
    html = "<h2>Rates</h2>" + "<table></table>\n" * 100_000 + "<table><caption>c</caption></table>"
    named = within(60, lambda: named_tables(html))
    assert named.count('<table aria-labelledby="body-h1">') == 100_000
    assert named.endswith("<table><caption>c</caption></table>")


def test_a_long_heading_title_or_id_names_its_tables_in_a_few_words() -> None:
    """A table is named by its heading's words, or by the article's title, once
    per table: a heading of 100,000 characters before 4,000 tables made a page of
    400 MB (and a heading's own id of that length, repeated in each table's
    `aria-labelledby`, the same). A name is cut at a word to 200 characters."""
    words = "word " * 20_000
    for html, fallback in (
        (f'<h2 id="c-a b">{words}</h2>' + TABLE * 4_000, ""),
        (TABLE * 4_000, words),
        (f'<h2 id="c-{"a" * 100_000}">Rates</h2>' + TABLE * 4_000, ""),
    ):
        named = within(60, lambda html=html, fallback=fallback: named_tables(html, fallback))
        assert len(named) < len(html) + 4_000 * (MAX_LABEL_CHARS + 30) + len(fallback)
    label = named_tables(f'<h2 id="c-a b">{words}</h2>{TABLE}').split('aria-label="')[1]
    assert label.startswith("word word ") and label.index('"') <= MAX_LABEL_CHARS
    assert label[: label.index('"')].endswith("word…")
    long_id = named_tables(f'<h2 id="c-{"a" * 300}">Rates</h2>{TABLE}')
    assert '<table aria-label="Rates">' in long_id
