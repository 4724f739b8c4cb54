"""The keyword index written by several processes equals the one written by one."""

from __future__ import annotations

from pathlib import Path

from indexer import keyword_index
from kb.records import Chunk

LANGS = ("en", "de")


def chunks(n: int) -> list[tuple[int, Chunk]]:
    words = ["leave", "vpn", "printer", "Urlaub", "parking", "laptop", "expenses", "badge"]
    return [
        (
            i,
            Chunk(
                article_id=f"hr/a{i // 3}.md",
                department="hr" if i % 2 else "it",
                ordinal=i % 3,
                title=f"Article {i // 3} {words[i % 8]}",
                headings=(words[(i + 1) % 8],),
                text=" ".join(words[(i + k) % 8] for k in range(i % 7 + 3)),
                lang="de" if words[i % 8] == "Urlaub" else "en",
            ),
        )
        for i in range(n)
    ]


def statistics(folder: Path) -> dict[tuple[str, str], tuple[int, float]]:
    index = keyword_index.open_index(folder)
    with index.reader() as reader:
        return {
            (field, term.decode() if isinstance(term, bytes) else term): (
                reader.doc_frequency(field, term),
                reader.frequency(field, term),
            )
            for field, term in reader.all_terms()
            if field != "pid"
        } | {("", "docs"): (reader.doc_count(), 0.0)}


def test_parallel_writers_index_the_same_terms(tmp_path: Path) -> None:
    added = chunks(600)
    one, two = tmp_path / "one", tmp_path / "two"
    ticks: list[int] = []
    keyword_index.apply_changes(keyword_index.create_index(one, LANGS), [], added, LANGS)
    keyword_index.apply_changes(
        keyword_index.create_index(two, LANGS),
        [],
        added,
        LANGS,
        processes=2,
        tick=ticks.append,
        parallel_from=100,
    )
    assert sum(ticks) == 600
    assert statistics(two) == statistics(one)
    assert len(keyword_index.open_index(two)._segments()) >= 2  # one per writer process
