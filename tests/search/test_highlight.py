"""Snippets and answer sentences: marking, windows, and HTML escaping."""

from __future__ import annotations

import random
import re

from kb.line_wraps import unwrapped
from search import highlight
from search.highlight import Marker, answer_sentences, best_sentences, mark, sentences, snippet
from search.terms import negates, stems
from tests.support import within

MATCH = frozenset(stems("vacation") | stems("days"))


def test_marks_words_by_stem() -> None:
    assert (
        mark("Vacations: 30 days a year.", MATCH)
        == "<mark>Vacations</mark>: 30 <mark>days</mark> a year."
    )


def test_everything_else_is_escaped() -> None:
    hostile = "<script>alert(\"x\")</script> vacation & <b>days</b> 'quoted'"
    html = mark(hostile, MATCH)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&quot;" in html and "&#x27;" in html
    assert html.count("<mark>") == 2
    # The only tags left are the marks themselves.
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_hostile_markup_inside_words_cannot_escape_a_mark() -> None:
    html = mark('vacation"><img src=x onerror=alert(1)>', MATCH)
    assert html.startswith("<mark>vacation</mark>&quot;&gt;&lt;img")


def test_snippet_picks_the_window_with_the_matches() -> None:
    text = (
        " ".join(["filler"] * 100)
        + " your vacation days expire in March "
        + " ".join(["padding"] * 100)
    )
    html = snippet(text, MATCH, width=12)
    assert "<mark>vacation</mark> <mark>days</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html.split()) <= 16


def test_short_text_is_shown_whole_with_collapsed_whitespace() -> None:
    assert snippet("Book\n\nvacation   early.", MATCH) == "Book <mark>vacation</mark> early."


def test_sentences_split_on_ends_and_lines() -> None:
    assert sentences("One. Two? Three!\n- item: four\n\nFive") == [
        "One.",
        "Two?",
        "Three!",
        "- item: four",
        "Five",
    ]


def test_a_long_run_of_white_space_takes_linear_time() -> None:
    """A document's text with a long run of spaces (no line break) reached the
    sentence splitter on every search it answered: 40,000 spaces took 5 s.
    Checked by the sentences it gives (speed is for `benchmarks/`, not a clock)."""
    text = "Printers are upstairs." + " " * 40_000 + "X"
    assert sentences(text) == ["Printers are upstairs.", "X"]
    assert sentences("a" + " " * 40_000 + "b") == ["a" + " " * 40_000 + "b"]


def _lines_then_sentences(text: str) -> list[str]:
    """The splitting rule read line by line (the splitter reads each run of
    white space once): blank lines part paragraphs; a paragraph's lines are
    one text unless a line ends a sentence or clause or either line is a list
    item, cell or quote; then sentences end after . ! ? (not after a digit, not
    before a word in lower case)."""
    item = re.compile(r"[-*+•|>]|\d+[.)](?:\s|$)")
    out: list[str] = []
    for paragraph in re.split(r"\s*\n\s*\n\s*", text):
        lines = [line for line in re.split(r"\s*\n\s*", paragraph.strip()) if line]
        pieces: list[str] = []
        for before, line in zip([None, *lines], lines, strict=False):
            if before is None or before[-1] in ".!?:;" or item.match(before) or item.match(line):
                pieces.append(line)
            else:
                pieces[-1] += " " + line
        for piece in pieces:
            out += re.split(r"(?<=[^\d\s][.!?])\s+(?![\sa-z])", piece)
    return [s.strip() for s in out if s and s.strip()]


def test_sentences_split_as_the_rule_read_line_by_line_says() -> None:
    chance = random.Random(7)
    for _ in range(3000):
        text = "".join(chance.choice("ab1.!?:-| \n\t") for _ in range(chance.randint(0, 30)))
        assert sentences(text) == _lines_then_sentences(text), repr(text)


def test_a_paragraphs_wrapped_lines_are_one_sentence() -> None:
    """Pages kept in version control are wrapped at about 80 characters and
    the indexer keeps their lines: each line was a "sentence", so the answer
    quoted "... for 18F and the partner agency to sign an"."""
    text = (
        "The next step in the process is for 18F and the partner agency to sign an\n"
        "IAA. The account manager\nsends it for signature.\n"
        "Before that:\n- draft the scope\n- agree the price\n| Step\n| Owner"
    )
    assert sentences(text) == [
        "The next step in the process is for 18F and the partner agency to sign an IAA.",
        "The account manager sends it for signature.",
        "Before that:",
        "- draft the scope",
        "- agree the price",
        "| Step",
        "| Owner",
    ]
    answer = best_sentences(text, frozenset(stems("sign") | stems("agreement") | stems("iaa")))
    assert answer.startswith("The next step") and answer.endswith("sign an IAA.")


def test_best_sentence_is_the_one_with_most_query_weight() -> None:
    text = "Welcome to HR. You get 30 vacation days per year. Ask your manager."
    assert best_sentences(text, MATCH) == "You get 30 vacation days per year."


def test_neighbour_joins_when_it_matches_too() -> None:
    text = "Intro text here. Vacation is booked in Workday. Unused days expire in March. Bye."
    assert (
        best_sentences(text, MATCH) == "Vacation is booked in Workday. Unused days expire in March."
    )


def test_the_score_function_decides_between_sentences() -> None:
    text = "Days are counted in hours. Vacation needs approval."
    weights = {"vacation": 5.0, "days": 1.0}

    def score(found):  # type: ignore[no-untyped-def]
        return sum(weights.get(w, 1.0) for w in found)

    assert best_sentences(text, MATCH, score) == "Vacation needs approval."
    assert answer_sentences(text, MATCH, score) == ("Vacation needs approval.", 5.0)


def test_a_word_in_lower_case_after_a_sentence_mark_continues_the_sentence() -> None:
    text = "BookIt! is what you use, e.g. to reserve a desk. Then check in."
    assert sentences(text) == ["BookIt! is what you use, e.g. to reserve a desk.", "Then check in."]
    assert sentences("It works. Fine! Done? Yes.") == ["It works.", "Fine!", "Done?", "Yes."]


def test_no_match_falls_back_to_the_first_sentence() -> None:
    assert best_sentences("First sentence. Second one.", frozenset({"zzz"})) == "First sentence."


def test_a_sentence_introducing_a_table_brings_it() -> None:
    text = "Please book vacation early:\n| Length\n| Notice\n| 1-3 days\n| 3 days before"
    assert (
        best_sentences(text, MATCH)
        == "Please book vacation early: | Length | Notice | 1-3 days | 3 days before"
    )


def test_a_short_fragment_brings_the_next_sentence() -> None:
    assert (
        best_sentences("Vacation days. You get 30 per year. Other text.", MATCH)
        == "Vacation days. You get 30 per year."
    )


def test_dates_do_not_end_sentences() -> None:
    assert sentences("Plan by 31. März please. Done.") == ["Plan by 31. März please.", "Done."]


def test_short_words_do_not_match_by_accident() -> None:
    # German stems "AED" to "a"; short stems are ignored, so "a" stays unmarked.
    assert mark("a AED", frozenset(stems("aed"))) == "a <mark>AED</mark>"


def test_a_step_of_a_list_brings_the_whole_list() -> None:
    text = (
        "Your account is managed in Okta.\n"
        "Forgotten password:\n"
        "Open the sign-in page on any device.\n"
        "Click Forgot password and enter your e-mail address.\n"
        "Confirm with a push notification.\n"
        "Choose a new password.\n"
        "On a Windows laptop you can also reset it on the sign-in screen, which many people "
        "find easier when they are in the office and have no phone with them at all."
    )
    steps = best_sentences(text, frozenset({"password", "reset"}) | {"new"})
    assert steps.startswith("Forgotten password: Open the sign-in page")
    assert steps.endswith("Choose a new password.")


def test_a_row_of_a_documents_table_brings_the_table_without_its_rule() -> None:
    """A document's table is kept as a Markdown table: its rows are the run of
    short lines, and the '| --- |' line under the header is no words to show."""
    text = (
        "Hotel costs are reimbursed up to the city limit per night:\n"
        "| City | Limit per night |\n| --- | --- |\n"
        "| Hamburg | 120 EUR |\n| London | 180 GBP |\n| Paris | 150 EUR |"
    )
    answer = best_sentences(text, frozenset({"hamburg"}))
    assert answer.startswith("Hotel costs are reimbursed") and "| Hamburg | 120 EUR |" in answer
    assert "---" not in answer


def test_a_negated_match_does_not_answer_an_affirmative_question() -> None:
    text = "Claim trains and hotels you paid. Costs that are not reimbursed include the minibar."
    match = Marker(frozenset(stems("reimbursed") | stems("hotels")))
    assert best_sentences(text, match) == "Claim trains and hotels you paid."
    only = Marker(frozenset(stems("reimbursed")))
    assert best_sentences(text, only) == "Claim trains and hotels you paid."  # no real match
    asked = Marker(frozenset(stems("reimbursed")), negated=True)  # "what is not reimbursed"
    assert best_sentences(text, asked) == "Costs that are not reimbursed include the minibar."
    german = "Die Minibar wird nicht erstattet. Hotels werden erstattet."
    assert best_sentences(german, Marker(frozenset(stems("erstattet")))) == (
        "Hotels werden erstattet."
    )


def test_a_query_that_negates_is_known_as_such() -> None:
    assert negates("what is not reimbursed") and negates("Was wird nicht erstattet?")
    assert not negates("what is reimbursed") and not negates("nothing to see")


TABLE_PASSAGE = (
    "Je Organisation gelten die folgenden Höchstbeträge.\n"
    "| Art der Spende | Höchstbetrag je Jahr |\n"
    "| --- | ---: |\n"
    "| Geldspende | 2.000 EUR |\n"
    "| Sachspende (Restwert) | 5.000 EUR |\n"
    "Mehr braucht die Zustimmung."
)


def test_a_snippet_reads_a_tables_rows_as_text() -> None:
    """A snippet of a table showed its pipes and the rule under its header."""
    shown = snippet(TABLE_PASSAGE, stems("Geldspende"))
    assert "|" not in shown and "---" not in shown
    assert (
        "Art der Spende · Höchstbetrag je Jahr; <mark>Geldspende</mark> · 2.000 EUR; "
        "Sachspende (Restwert) · 5.000 EUR Mehr braucht" in shown
    )


def test_a_snippet_of_a_row_cut_at_the_passages_edge_loses_its_pipes_too() -> None:
    shown = snippet("| 2.000 EUR |\n| Sachspende | | 5.000 EUR |\n| --- |", stems("Sachspende"))
    assert shown == "2.000 EUR; <mark>Sachspende</mark> · 5.000 EUR"


def test_a_snippet_keeps_a_pipe_within_a_sentence() -> None:
    text = "Choose yes | no in the form, then send it."
    assert snippet(text, stems("form")) == "Choose yes | no in the <mark>form</mark>, then send it."


def test_a_long_run_of_tabs_in_a_sentence_is_read_in_linear_time() -> None:
    """A sentence's wrapped lines are joined with an expression that read a run
    of spaces and tabs again from each of them: 16,000 tabs inside a sentence
    of an article took 0.2 s for every search that quoted it, growing as the
    square of the run. Checked by what comes back from 400,000 of them, which
    took it minutes (speed is for `benchmarks/`, not a clock)."""
    for blank in ("\t", " \t"):
        run = blank * (400_000 // len(blank))
        text = f"Printers{run}are on floor two\n  {run}and three."
        said = within(60, lambda text=text: sentences(text))
        assert said == [f"Printers{run}are on floor two and three."]


def test_wrapped_lines_are_joined_as_the_earlier_expression_joined_them() -> None:
    rng = random.Random(558)
    pieces = [*" \t\na\r\u00a0\x0b", "  ", "\n\n", "\t\n "]
    texts = ["".join(rng.choices(pieces, k=rng.randint(0, 14))) for _ in range(20_000)]
    earlier = re.compile(r"[ \t]*\n[ \t]*")
    assert [unwrapped(t) for t in texts] == [earlier.sub(" ", t) for t in texts]


def test_a_long_line_of_dashes_is_read_in_linear_time() -> None:
    """Every hit's snippet asks of each line of its passage whether it is a
    table's rule: a line of 16,000 dashes and a digit in an article (one
    passage: a run counts a word per 100 characters) took 5 s, on every search
    that listed the article, growing as the square of the line. Checked by
    what comes back from 200,000 dashes, which took the earlier expression
    many minutes (speed is for `benchmarks/`, not a clock)."""
    line = "-" * 200_000 + "1"
    text = f"Printers are on floor two.\n{line}\n| a | b |"
    shown = snippet(text, Marker({"printer"}))
    assert "Printers</mark> are on floor two." in shown and "1" in shown
    assert highlight.readable_rows(f"{line}\n|---|") == line


def test_a_rule_is_told_as_the_earlier_expression_told_it() -> None:
    earlier = re.compile(r"^[\s|:]*-{3,}[\s|:-]*$")
    rng = random.Random(551)
    for _ in range(5_000):
        line = "".join(rng.choice("-|: \t1a") for _ in range(rng.randint(0, 14)))
        assert bool(highlight._RULE_PART.match(line)) == bool(earlier.match(line)), line


def test_a_snippet_keeps_a_row_of_cells_that_say_none() -> None:
    """A document's row of "-" or "---" cells (escaped in the passage) was left out
    of the snippet as a header rule, or shown as one."""
    from kb.extract.table_markdown import markdown_table

    table = markdown_table(
        (("Expense", "Limit"), ("Minibar", "---"), ("-", "--"), ("Taxi", "40 EUR"))
    )
    shown = snippet(f"Limits per night:\n{table}", stems("minibar"))
    assert "\\" not in shown and "|" not in shown
    assert "Expense · Limit; <mark>Minibar</mark> · ---; - · --; Taxi · 40 EUR" in shown


def test_a_german_word_typed_without_umlauts_marks_the_word_with_them() -> None:
    typed = frozenset(stems("ueberweisung") | stems("strasse"))
    assert (
        mark("Die Überweisung geht an die Straße.", typed)
        == "Die <mark>Überweisung</mark> geht an die <mark>Straße</mark>."
    )


# An article's Markdown table as the index keeps it: each cell on a line of its
# own, a blank line after each row.
DEADLINES = """Deadlines for the review round:

| Date | Step |
| --- | --- |
| 3 March | Managers receive the guidance for this year's reviews by e-mail. |
| 31 March | Review due date: managers must close every open review in the HR system. |
| 7 April | Feedback survey |
"""


def _article_text(markdown: str) -> str:
    from kb.content.markdown_text import html_sections, render_html

    return html_sections(render_html(markdown))[0].text


def test_a_cell_of_an_articles_table_brings_its_row() -> None:
    """The matching cell alone ("Review due date: …") left out the date its row
    gives, which is what "when is the review due" asks."""
    text = _article_text(DEADLINES)
    answer = best_sentences(text, frozenset(stems("review") | stems("due")))
    assert answer == (
        "| 31 March | Review due date: managers must close every open review in the HR system."
    )


def test_a_cell_does_not_bring_a_cell_of_the_next_row() -> None:
    text = _article_text(
        "| Site | Description |\n| --- | --- |\n"
        "| Portal | Site where learning plans are created |\n"
        "| Learning plan guide | Common goals |\n"
    )
    answer = best_sentences(text, frozenset(stems("learning") | stems("plans")))
    assert answer == "| Portal | Site where learning plans are created"


def test_a_snippet_reads_an_articles_table_cells_as_rows() -> None:
    """Each cell on a line of its own read as a row of its own: the ';' fell
    between a row's cells and none between its rows ("3 March; Managers … e-mail.
    31 March; …")."""
    shown = snippet(_article_text(DEADLINES), stems("survey"))
    assert "|" not in shown
    assert "Date · Step; 3 March · Managers receive" in shown
    assert "by e-mail.; 31 March · Review due date" in shown
    assert "HR system.; 7 April · Feedback <mark>survey</mark>" in shown
