"""Tables named by the heading of their section, on sanitised HTML."""

from __future__ import annotations

from kb.content.table_names import named_tables

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
