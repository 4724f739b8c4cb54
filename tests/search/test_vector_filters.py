"""Department and tag filters select passages inside FAISS too (`search.readable`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.build import IndexBuilder
from indexer.metadata import Owner
from indexer.vector_index import FLAT, IVF, create_vector_index
from kb.results import Query
from search.engine import SearchEngine
from search.filters import Filters
from search.readable import ReadablePassages
from search.vector import VectorRetriever
from tests.search.conftest import build_fixture_index
from tests.support import HashingEmbedder

DIM = 16
CROWD, LEGAL = 5000, 40  # more IT passages near the query than 4,096 neighbours
OLD_FETCH = 4096  # neighbours the filter after FAISS looked at, at most


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _far_department() -> tuple[np.ndarray, np.ndarray, dict[int, Owner]]:
    """A query, the vectors (IT passages round the query, then legal ones spread
    out, every other one HR-only) and their owners."""
    rng = np.random.default_rng(5)
    query = _unit(rng.normal(size=(1, DIM)))[0]
    crowd = _unit(query + 0.05 * rng.normal(size=(CROWD, DIM)))
    legal = _unit(rng.normal(size=(LEGAL, DIM)))
    assert float((crowd @ query).min()) > float((legal @ query).max())
    owners = {pid: Owner(f"it/{pid}", "it", ("everyone",), ("vpn",)) for pid in range(CROWD)}
    for i in range(LEGAL):
        audience = ("everyone",) if i % 2 == 0 else ("hr",)
        tags = ("contract", "signed") if i % 4 < 2 else ("contract",)
        owners[CROWD + i] = Owner(f"legal/{i}", "legal", audience, tags)
    return query, np.concatenate([crowd, legal]), owners


def _exact(query: np.ndarray, vectors: np.ndarray, pids: list[int], k: int) -> list[int]:
    return sorted(pids, key=lambda p: -float(vectors[p] @ query))[:k]


@pytest.mark.parametrize("kind", [FLAT, IVF])
def test_a_small_department_far_from_the_query_gets_its_nearest_passages(kind: str) -> None:
    query, vectors, owners = _far_department()
    # Before: the filter ran over the nearest 4,096 neighbours, all of them IT
    # passages, and a search filtered to legal got no vector candidate.
    nearest = np.argsort(-(vectors @ query))[:OLD_FETCH]
    assert not any(owners[int(p)].department == "legal" for p in nearest)
    threshold = 1000 if kind == IVF else len(vectors)
    index = create_vector_index(DIM, threshold, vectors)
    assert index.kind == kind
    index.add(np.arange(len(vectors)), vectors)
    if kind == IVF:
        index.nprobe = 4  # far from exhaustive: the filter's narrowness widens it
    retriever, passages = VectorRetriever(index), ReadablePassages(owners)
    legal = [p for p, o in owners.items() if o.department == "legal"]
    signed = [p for i, p in enumerate(legal) if i % 4 < 2]
    for filters, wanted in (
        (Filters(department="legal"), legal),
        (Filters(department="legal", groups=frozenset()), legal[::2]),
        (Filters(tags=("contract", "signed"), groups=frozenset({"hr"})), signed),
    ):
        selected = passages.for_filters(filters)
        assert selected is not None and selected.size == len(wanted)
        found = retriever.search(query, 10, selected)
        assert [p for p, _ in found] == _exact(query, vectors, wanted, 10)


def test_the_filters_select_what_the_keyword_side_keeps() -> None:
    _, _, owners = _far_department()
    passages = ReadablePassages(owners)
    for filters in (
        Filters(department="legal", groups=frozenset()),
        Filters(department="Legal"),  # departments compare as written, as the index keeps them
        Filters(tags=("signed",), groups=frozenset({"hr"})),
        Filters(department="it", tags=("contract",)),
        Filters(department="nowhere"),
    ):
        selected = passages.for_filters(filters)
        assert selected is not None
        assert [p for p in owners if p in selected] == [
            p for p, o in owners.items() if filters.allows(o)
        ]
    # Filters that narrow nothing leave the searcher's own selector, or none.
    assert passages.for_filters(Filters(tags=("vpn", "contract"))) is not None
    everyone = {0: owners[0], 1: owners[1]}
    assert ReadablePassages(everyone).for_filters(Filters(department="it")) is None
    visitor = passages.for_groups(frozenset())
    assert passages.for_filters(Filters(groups=frozenset())) is visitor


def test_an_empty_selection_finds_nothing() -> None:
    query, vectors, owners = _far_department()
    index = create_vector_index(DIM, len(vectors))
    index.add(np.arange(len(vectors)), vectors)
    selected = ReadablePassages(owners).for_filters(Filters(department="nowhere"))
    assert selected is not None and selected.size == 0
    assert VectorRetriever(index).search(query, 10, selected) == []


def test_selectors_are_kept_per_filters_and_the_least_recently_used_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, owners = _far_department()
    passages = ReadablePassages(owners)
    monkeypatch.setattr(passages, "MAX_CACHED", 3)
    legal = passages.for_filters(Filters(department="legal", groups=frozenset()))
    assert passages.for_filters(Filters(department="legal", groups=frozenset({"it"}))) is legal
    assert legal is not None and legal.widen == pytest.approx((CROWD + LEGAL / 2) / (LEGAL / 2))
    signed = passages.for_filters(Filters(tags=("signed",)))
    for department in ("it", "nowhere"):
        passages.for_filters(Filters(department=department))
        # used again, so kept
        assert passages.for_filters(Filters(tags=("signed",))) is signed
    rebuilt = passages.for_filters(Filters(department="legal", groups=frozenset()))
    assert rebuilt is not legal and rebuilt is not None and rebuilt.size == legal.size


# -- through the engine ----------------------------------------------------

QUERY = "vpn client does not connect"
IT_CROWD = """\
---
title: VPN client on laptops {i}
tags: [vpn]
---
The VPN client does not connect: restart the VPN client and connect again ({i}).
"""


def test_an_engine_search_filtered_to_a_far_department_keeps_its_candidates(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    folder = settings.content_path / "it" / "vpn-crowd"
    folder.mkdir()
    for i in range(30):
        (folder / f"laptop-{i:02d}.md").write_text(IT_CROWD.format(i=i), encoding="utf-8")
    IndexBuilder(settings, embedder=hashing_embedder).run()
    engine = SearchEngine(settings.replace(candidates=5), embedder=hashing_embedder)
    try:
        prepared = engine.prepared()
        owners = prepared.snapshot.owners
        for groups in (None, frozenset(), frozenset({"hr"})):
            query = Query(QUERY, department="hr", groups=groups)
            found = engine.retrieve(query)
            allowed = [p for p, o in owners.items() if Filters.of(query).allows(o)]
            exact = prepared.vector.rank(found.query_vector, allowed)[:5]
            assert found.vector == exact and exact
            assert all(owners[p].department == "hr" for p, _ in found.vector)
        restricted = {p for p, o in owners.items() if "everyone" not in o.audience}
        visitor = engine.retrieve(Query(QUERY, department="hr", groups=frozenset()))
        assert restricted and not restricted & {p for p, _ in visitor.vector}
    finally:
        engine.close()
