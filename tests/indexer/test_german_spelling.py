"""German words spelled without umlauts (`indexer.german_spelling`): read as
the words with them by the German fields only, and indexes analysed before
are built again."""

from __future__ import annotations

import pytest
from whoosh.analysis import LanguageAnalyzer

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.german_spelling import KEYWORD_ANALYSIS, KEYWORD_ANALYSIS_KEY, with_umlauts
from indexer.keyword_index import analyzer_for, build_schema, text_fields
from indexer.reader import SnapshotReader
from kb.settings import Settings
from search.terms import is_stopword, stem, stems
from tests.support import HashingEmbedder


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ueberweisung", "überweisung"),
        ("urlaubsantraege", "urlaubsanträge"),
        ("moeglich", "möglich"),
        ("strasse", "strasse"),
        ("straße", "strasse"),
        ("überweisung", "überweisung"),
        ("quelle", "quelle"),  # "qu" is no umlaut
        ("dauer", "dauer"),  # nor "ue" after a vowel: the stemmer's consonant "u"
        ("neue", "neue"),
    ],
)
def test_spelled_out_umlauts_are_read_as_umlauts(typed: str, read: str) -> None:
    assert with_umlauts(typed) == read


def _terms(lang: str, text: str) -> list[str]:
    return [t.text for t in analyzer_for(lang)(text)]


@pytest.mark.parametrize(
    ("spelled", "written"),
    [
        ("Ueberweisung", "Überweisung"),
        ("Urlaubsantraege", "Urlaubsanträge"),
        ("Strasse", "Straße"),
        ("Schluessel fuer das Buero", "Schlüssel für das Büro"),
    ],
)
def test_both_spellings_of_a_german_word_index_the_same_terms(spelled: str, written: str) -> None:
    assert _terms("de", spelled) == _terms("de", written) != []
    for word, same in zip(spelled.lower().split(), written.lower().split(), strict=True):
        assert stem(word, "de") == stem(same, "de")


def test_german_stop_words_are_stop_words_in_either_spelling() -> None:
    assert _terms("de", "fuer für dass daß ueber über") == []
    assert is_stopword("fuer") and is_stopword("ueber") and is_stopword("dass")


def test_english_fields_are_analysed_as_before() -> None:
    text = "The queue does hurt my toe; shoes, aerobics and Poe's canoe"
    assert _terms("en", text) == [t.text for t in LanguageAnalyzer("en")(text)]
    schema = build_schema(["en", "de"])
    for field in text_fields("en"):
        assert schema[field].analyzer == LanguageAnalyzer("en")
    assert [stem(w, "en") for w in ("queue", "does", "toe")] == ["queue", "doe", "toe"]
    assert "queue" in stems("queue")


def test_an_index_analysed_before_is_built_again_in_full(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    first = IndexBuilder(tiny_settings, embedder=hashing_embedder).run()
    path = SnapshotReader(tiny_settings.index_path).get().path
    manifest = snapshot.read_manifest(path)
    assert manifest[KEYWORD_ANALYSIS_KEY] == KEYWORD_ANALYSIS
    unchanged = IndexBuilder(tiny_settings, embedder=hashing_embedder).run()
    assert not unchanged.published

    del manifest[KEYWORD_ANALYSIS_KEY]  # as built before the version was recorded
    snapshot.write_manifest(path, manifest)
    with caplog.at_level("WARNING", logger="indexer.reader"):
        SnapshotReader(tiny_settings.index_path).get()
    assert "`kb index`" in caplog.text
    again = IndexBuilder(tiny_settings, embedder=hashing_embedder).run()
    assert again.published and again.added == first.added and again.embedded_passages == 0
    rebuilt = SnapshotReader(tiny_settings.index_path).get().path
    assert snapshot.read_manifest(rebuilt)[KEYWORD_ANALYSIS_KEY] == KEYWORD_ANALYSIS
