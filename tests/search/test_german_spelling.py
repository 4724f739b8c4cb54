"""German questions spelled without umlauts find articles written with them,
and the other way round (`indexer.german_spelling`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.build import IndexBuilder
from kb.settings import Settings
from search.engine import SearchEngine
from search.filters import Filters
from search.synonyms import Glossary
from search.understanding import understand
from tests.support import HashingEmbedder

ARTICLES = {
    "hr/ueberweisung.md": ("Überweisung des Gehalts", "Die Überweisung des Gehalts erfolgt zum Monatsende."),
    "hr/urlaub.md": ("Urlaub", "Urlaubsantraege stellen Sie im Portal, Strasse und Hausnummer "
                     "stehen im Profil."),
}  # fmt: skip


@pytest.fixture(scope="module")
def engine(
    tmp_path_factory: pytest.TempPathFactory, hashing_embedder: HashingEmbedder
) -> Iterator[SearchEngine]:
    root = tmp_path_factory.mktemp("german-spelling")
    for relative, (title, text) in ARTICLES.items():
        path = root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {title}\nlang: de\n---\n{text}\n", encoding="utf-8")
    # Without the second model (secondary_model): these tests read the keyword
    # index and the titles alone, and loading it was most of their time.
    paths = {"content_dir": str(root / "content"), "index_dir": str(root / "index")}
    settings = Settings.load({**paths, "secondary_model": ""}, environ={})
    IndexBuilder(settings, embedder=hashing_embedder).run()
    opened = SearchEngine(settings, embedder=hashing_embedder)
    yield opened
    opened.close()


def _found(engine: SearchEngine, query: str) -> set[str]:
    prepared = engine.prepared()
    plan = understand(query, lang="de", glossary=Glossary(), corrector=None)
    pids = [hit.pid for hit in prepared.keyword.search(plan, Filters(), 10)]
    return {p.article_id for p in prepared.snapshot.passages(pids).values()}


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("Ueberweisung", "hr/ueberweisung.md"),  # typed without, written with umlauts
        ("Überweisung", "hr/ueberweisung.md"),
        ("Urlaubsanträge", "hr/urlaub.md"),  # typed with, written without
        ("Urlaubsantraege", "hr/urlaub.md"),
        ("Straße", "hr/urlaub.md"),
    ],
)
def test_either_spelling_finds_the_other(engine: SearchEngine, query: str, article: str) -> None:
    assert _found(engine, query) == {article}


def test_a_german_title_is_suggested_for_either_spelling(engine: SearchEngine) -> None:
    for typed in ("Ueberw", "Überw", "uberw"):
        assert engine.suggest(typed, limit=5, groups=None) == ["Überweisung des Gehalts"]
