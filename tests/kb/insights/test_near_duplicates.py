"""Near-duplicate pairs shared by the processes of a node through the index folder:
found once per set of texts, by whichever process comes first, and always the
pairs that process would have found itself."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.insights import near_duplicates as nd
from kb.insights.near_duplicates import SHARED_FILE, find_pairs, near_duplicates, shared_pairs
from kb.records import Article, Section

LONG = " ".join(f"word{i}" for i in range(80))


def article(aid: str, text: str) -> Article:
    return Article(
        id=aid,
        department=aid.split("/")[0],
        title=aid,
        body_markdown=text,
        sections=(Section(headings=(), text=text),),
    )


ARTICLES = [
    article("hr/a.md", LONG),
    article("it/b.md", LONG + " and a tail"),
    article("hr/c.md", "something else entirely " * 20),
]
TEXTS = tuple((a.id, a.plain_text) for a in ARTICLES)


@pytest.fixture(autouse=True)
def fresh_process() -> Iterator[None]:
    nd._pairs_once.cache_clear()
    yield
    nd._pairs_once.cache_clear()


@pytest.fixture
def found(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sets of texts this process shingled."""
    calls: list[int] = []
    real = nd.find_pairs

    def counted(texts: nd.Texts, threshold: float) -> tuple[nd.Pair, ...]:
        calls.append(len(texts))
        return real(texts, threshold)

    monkeypatch.setattr(nd, "find_pairs", counted)
    return calls


def test_a_second_process_reads_the_pairs_the_first_found(tmp_path: Path, found: list[int]) -> None:
    shared = tmp_path / "index" / "insights"
    shared.parent.mkdir()
    first = near_duplicates(ARTICLES, shared=shared)
    assert [(a, b) for a, b, _ in first] == [("hr/a.md", "it/b.md")]
    assert found == [3] and (shared / SHARED_FILE).is_file()
    nd._pairs_once.cache_clear()  # another process
    assert near_duplicates(ARTICLES, shared=shared) == first
    assert found == [3]  # read, not found again
    assert first == list(find_pairs(TEXTS, nd.DUPLICATE_JACCARD))  # as found unshared


def test_changed_texts_are_compared_again_and_replace_the_file(
    tmp_path: Path, found: list[int]
) -> None:
    shared = tmp_path / "insights"
    near_duplicates(ARTICLES, shared=shared)
    rewritten = [*ARTICLES[:1], article("it/b.md", "a text of its own " * 20), ARTICLES[2]]
    nd._pairs_once.cache_clear()
    assert near_duplicates(rewritten, shared=shared) == []
    assert found == [3, 3]
    assert json.loads((shared / SHARED_FILE).read_text())["pairs"] == []
    assert [p.name for p in shared.iterdir() if not p.name.startswith(".")] == [SHARED_FILE]


def test_workers_that_ask_at_once_find_the_pairs_once(tmp_path: Path, found: list[int]) -> None:
    start = threading.Barrier(4)
    answers: list[tuple[nd.Pair, ...]] = []

    def worker() -> None:
        start.wait(timeout=60)
        answers.append(shared_pairs(tmp_path, TEXTS, nd.DUPLICATE_JACCARD))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == 4 and len(set(answers)) == 1
    assert found == [3]


@pytest.mark.parametrize("damage", ["{not json", '{"texts": "%s", "pairs": [1]}'])
def test_a_damaged_file_is_found_again(tmp_path: Path, found: list[int], damage: str) -> None:
    digest = nd.texts_digest(TEXTS, nd.DUPLICATE_JACCARD)
    (tmp_path / SHARED_FILE).write_text(damage.replace("%s", digest))
    assert shared_pairs(tmp_path, TEXTS, nd.DUPLICATE_JACCARD) == find_pairs(
        TEXTS, nd.DUPLICATE_JACCARD
    )
    assert found == [3]
    assert json.loads((tmp_path / SHARED_FILE).read_text())["texts"] == digest


def test_without_an_index_folder_each_process_finds_its_own(
    tmp_path: Path, found: list[int]
) -> None:
    shared = tmp_path / "no-index" / "insights"
    assert len(near_duplicates(ARTICLES, shared=shared)) == 1
    assert found == [3] and not shared.parent.exists()  # no index folder made


def test_an_unwritable_folder_leaves_each_process_to_find_its_own(
    tmp_path: Path, found: list[int]
) -> None:
    shared = tmp_path / "insights"
    shared.write_text("a file where the folder would be")
    assert len(near_duplicates(ARTICLES, shared=shared)) == 1
    assert found == [3]
