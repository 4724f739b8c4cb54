"""How much of a passage's title and heading path the embedding models read
(`kb.passage_words.model_heading`): a content owner's long title once filled
every passage of its article to the models' longest input."""

from __future__ import annotations

import hashlib

from indexer.chunking import chunk_article
from indexer.heading_vectors import heading_path
from kb.content.scanner import scan_content
from kb.passage_words import MAX_HEAD_CHARS, MAX_HEAD_WORDS, passage_word_count
from kb.records import Article, Chunk, Section
from tests.conftest import SAMPLE_CONTENT


def _passages(title: str, *headings: str) -> list[Chunk]:
    section = Section(headings, " ".join(f"w{n}" for n in range(400)))
    article = Article(
        id="it/t.md", department="it", title=title, body_markdown="", sections=(section,)
    )
    return chunk_article(article)


def test_a_long_title_is_cut_to_what_the_models_read() -> None:
    title = " ".join(f"t{n}" for n in range(5_000))
    passages = _passages(title, "Travel", "Costs")
    assert len(passages) == 3
    for passage in passages:
        head, text = passage.embedding_text.split("\n", 1)
        assert text == passage.text  # the passage's own text is read whole
        assert passage_word_count(head) == MAX_HEAD_WORDS
        assert title.startswith(head)
        assert head == heading_path(passage.title, passage.headings)  # the same for both roles
        assert passage.title == title  # the page and the lexical index keep it whole


def test_a_long_heading_path_is_cut_by_its_characters_too() -> None:
    """Words of up to 100 characters each (`WORD_CHARS`): `MAX_HEAD_WORDS` of them
    are too many word pieces, so the characters are bounded as well."""
    [passage, *_] = _passages("x" * 1_000_000, "y" * 500)
    head = passage.embedding_text.split("\n", 1)[0]
    assert head == "x" * MAX_HEAD_CHARS
    assert heading_path("Access card", ["z" * 5_000]) == "Access card > " + "z" * 466


def test_the_heading_paths_of_the_sample_content_are_read_whole() -> None:
    """No passage of ordinary content reads otherwise, so neither its embedding
    cache key nor its heading vector's key changes."""
    scan = scan_content(SAMPLE_CONTENT)
    passages = [c for a in scan.articles.values() for c in chunk_article(a)]
    assert len(passages) > 400
    for passage in passages:
        whole = " > ".join((passage.title, *passage.headings))
        text = f"{whole}\n{passage.text}"
        assert passage.text_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert heading_path(passage.title, passage.headings) == whole
