"""The glossary: loading, errors with file and line, and query expansion."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.errors import ConfigError
from search.synonyms import Glossary, GlossaryFile, glossary_path, load_glossary, parse_glossary

GROUPS = Glossary((("PTO", "vacation", "annual leave", "Urlaub"), ("sick leave", "illness")))


def test_expands_a_word_with_the_rest_of_its_group() -> None:
    [expansion] = GROUPS.expand("How much PTO do I have?")
    assert expansion.source == "pto"
    assert expansion.terms == ("vacation", "annual leave", "Urlaub")


def test_matches_by_stem_and_multi_word_terms_whole() -> None:
    [expansion] = GROUPS.expand("rules for annual leaves")
    assert expansion.source == "annual leaves"
    assert "annual leave" not in expansion.terms and "PTO" in expansion.terms
    assert GROUPS.expand("annual report") == []
    assert GROUPS.expand("vacations")[0].source == "vacations"


def test_longest_match_wins_and_each_group_expands_once() -> None:
    found = GROUPS.expand("sick leave and vacation and PTO")
    assert [e.source for e in found] == ["sick leave", "vacation"]
    assert found[0].terms == ("illness",)


def test_vocabulary_holds_every_word() -> None:
    assert {"pto", "annual", "leave", "urlaub", "illness"} <= set(GROUPS.vocabulary())


def test_parses_groups_or_a_bare_list() -> None:
    assert parse_glossary("groups:\n  - [a, b]\n", "g.yml").groups == (("a", "b"),)
    assert parse_glossary("- [a, b]\n- [c, 'd e']\n", "g.yml").groups == (("a", "b"), ("c", "d e"))
    assert len(parse_glossary("", "g.yml")) == 0


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("groups:\n  - [a, b\n  - [c, d]\n", 3, "not valid YAML"),
        ("groups:\n  - [a, b]\n  - just-a-word\n", 3, "must be a list of terms"),
        ("groups:\n  - [a, b]\n  - [alone]\n", 3, "at least two terms"),
        ("groups:\n  - [a, {x: 1}]\n", 2, "non-empty text"),
        ("synonyms:\n  - [a, b]\n", 1, "'groups' list"),
        ("groups: 12\n", 1, "list of lists"),
    ],
)
def test_a_broken_glossary_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_glossary(text, "content/_glossary.yml")
    assert info.value.message.startswith(f"content/_glossary.yml:{line}: ")
    assert message in info.value.message


def test_missing_file_means_no_expansion(tmp_path: Path) -> None:
    assert len(load_glossary(tmp_path / "_glossary.yml")) == 0


def test_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "_glossary.yml"
    path.write_bytes(b"groups:\n  - [Urlaub, \xfcber]\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_glossary(path)


def test_default_path_is_in_the_content_root(tmp_path: Path) -> None:
    assert glossary_path("", tmp_path) == tmp_path / "_glossary.yml"
    assert glossary_path("/etc/kb/glossary.yml", tmp_path) == Path("/etc/kb/glossary.yml")


def test_glossary_file_follows_changes(tmp_path: Path) -> None:
    path = tmp_path / "_glossary.yml"
    source = GlossaryFile(path)
    assert len(source.get()) == 0
    path.write_text("groups:\n  - [a, b]\n", encoding="utf-8")
    first = source.get()
    assert first.groups == (("a", "b"),)
    assert source.get() is first  # unchanged file: no re-read
    path.write_text("groups:\n  - [a, b]\n  - [c, d]\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert len(source.get()) == 2
    path.unlink()
    assert len(source.get()) == 0
