"""Cutting articles into passages: the word budget counts words of text, not a
Markdown table's pipes and header rule, and a window keeps its line breaks."""

from __future__ import annotations

import random
import re

from indexer import chunking
from indexer.chunking import chunk_article, word_count
from kb.content.documents import DocumentDefaults, document_article
from kb.extract.document import Block, BlockKind, DocumentSection, ExtractedDocument
from kb.passage_words import WORD_CHARS, passage_word_count, passage_words
from kb.records import Article, Chunk, Section
from tests.support import within


def _article(*sections: Section) -> Article:
    return Article(
        id="finance/t.md", department="finance", title="T", body_markdown="", sections=sections
    )


def _table(rows: int) -> str:
    lines = ["| Item | Cost | Limit |", "| --- | ---: | :---: |"]
    lines += [f"| item{n} | {n} EUR | cap{n} |" for n in range(rows)]
    return "\n".join(lines)


def _passages(*sections: Section) -> list[Chunk]:
    return chunk_article(_article(*sections), words=180, overlap=30)


def test_only_the_cells_words_count() -> None:
    assert word_count("| a | b |\n| --- | :---: |\n|---|---|\n- one\n| c d |") == 6
    # 41 rows of 4 words under a header of 3: 342 tokens with the pipes and
    # rule, which made two passages; 167 words of cells fit one.
    table = _table(41)
    assert word_count(table) == 3 + 41 * 4 and len(table.split()) == 342
    [passage] = _passages(Section(("Costs",), table))
    assert passage.text == table


def test_a_word_of_dashes_is_told_from_a_tables_rule_in_linear_time() -> None:
    """Whether a word is a table's markup was asked with an expression that
    tried every way of cutting its dashes, and its colons, into a rule's cells:
    a content owner's "-" * 60 + "x" took minutes to index, growing
    exponentially with the word (100 characters, the longest word, never
    ended). Checked by what comes back (speed is for `benchmarks/`, not a clock)."""
    for word in ("-" * 99 + "x", "---:" * 24 + "---x", "|:---" * 19 + "|x|", ":" + "-" * 98 + "::"):
        assert within(60, lambda word=word: word_count(word)) == 1
    text = "Printers " + ("-" * 99 + "x ") * 1_000 + ("|" + "-" * 99) * 1_000
    assert within(60, lambda: word_count(text)) == 1_001
    [*passages] = within(60, lambda: _passages(Section(("A",), text)))
    assert passages[0].text.startswith("Printers ---")


# The expression a table's markup was told with until a word of dashes took it
# exponential time: what it matched is matched.
_EARLIER_MARKUP = re.compile(r"\|+|(?:\|?:?-{3,}:?)+\|?")


def test_a_tables_markup_is_told_as_the_earlier_expression_told_it() -> None:
    rng = random.Random(558)
    pieces = [*"|:-x ", "---", "|---", "---:", ":---:", "|:---:|", "ü"]
    for _ in range(20_000):
        word = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert chunking.counts(word) == (_EARLIER_MARKUP.fullmatch(word) is None), repr(word)


def test_a_long_table_is_cut_on_its_cells_words_and_keeps_its_rows() -> None:
    table = _table(120)  # 483 words of cells
    passages = _passages(Section(("Costs",), table))
    assert len(passages) == 4  # windows of 180 counted words, 150 apart
    assert all(word_count(p.text) <= 180 for p in passages)
    assert word_count(passages[0].text) == 180
    # Each window keeps one row per line; only its first and last may be cut.
    for passage in passages:
        inner = [line for line in passage.text.splitlines()[1:-1] if "---" not in line]
        assert inner and all(line.startswith("| item") and line.endswith("|") for line in inner)
    # Every cell is in a passage, and each window repeats 30 words of the one before.
    cells = {w for w in table.split() if word_count(w)}
    assert cells <= {w for p in passages for w in p.text.split()}
    first, second = (p.text.split() for p in passages[:2])
    shared = [w for w in second if word_count(w)][:30]
    assert shared == [w for w in first if word_count(w)][-30:]


def test_plain_text_is_cut_as_before() -> None:
    words = [f"w{n}" for n in range(400)]
    passages = _passages(Section(("A",), " ".join(words)))
    assert [p.text.split() for p in passages] == [words[0:180], words[150:330], words[300:400]]


def test_a_short_table_section_folds_into_the_one_before() -> None:
    """Ten words of cells among 30 tokens: under the 25 words of a section that
    stands alone, so it joins the passage before."""
    table = "| Day | Rate |\n| --- | --- |\n| Mon | 10 |\n| Tue | 12 |\n| Wed | 14 |\n| Thu | 9 |"
    assert word_count(table) == 10 and len(table.split()) == 30
    [passage] = _passages(
        Section(("Rates",), "Daily rates apply."), Section(("Rates", "Table"), table)
    )
    assert passage.text.endswith(table)


def test_a_run_without_white_space_is_cut_into_passages_of_bounded_length() -> None:
    """A section of 400 KB of words joined by zero-width spaces (or one "word"
    of 400 KB) was one word, so one passage, read whole by every search it
    answered. Now a run counts a word per `WORD_CHARS` characters (the bound on
    every passage's length is what is checked; no clock)."""
    for text in ("vpn " + "a\u200b" * 200_000 + " password", "vpn " + "a" * 400_000):
        passages = _passages(Section(("A",), text))
        assert len(passages) > 20
        assert all(len(p.text) <= 180 * (WORD_CHARS + 1) for p in passages)
        assert passages[0].text.startswith("vpn ") and text.endswith(passages[-1].text)


def test_text_of_ordinary_words_is_counted_as_white_space_splits_it() -> None:
    rng = random.Random(486)
    for _ in range(300):
        text = "".join(
            rng.choice(["a", "ü", ".", "|", "-", "\u200b"]) * rng.randint(1, WORD_CHARS // 2)
            + rng.choice([" ", "\n", "\t", "  \n "])
            for _ in range(rng.randint(0, 30))
        )
        assert passage_words(text) == text.split()
        assert passage_word_count(text) == len(text.split())


def test_page_locators_count_the_words_the_cutter_counts() -> None:
    """A document's page breaks were positions in `text.split()` while passages
    are cut at these words: after a long run the pages named would drift."""
    long_page = " ".join("x" * 350 for _ in range(100))  # 400 words of the cutter
    document = ExtractedDocument(
        format="pdf",
        title="Long",
        sections=(
            DocumentSection(
                ("A",),
                (
                    Block(BlockKind.PARAGRAPH, long_page, page=1),
                    Block(BlockKind.PARAGRAPH, "vpn password", page=2),
                ),
            ),
        ),
    )
    article, _ = document_article("it/long.pdf", b"%PDF-", document, {}, b"", DocumentDefaults())
    passages = chunk_article(article, words=180, overlap=30)
    assert [p.locator for p in passages[:2]] == ["page 1", "page 1"]
    assert passages[-1].locator == "pages 1–2"
