"""The vector side selects the passages a searcher may read inside FAISS (`search.readable`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import faiss
import numpy as np
import pytest

from indexer.build import IndexBuilder
from indexer.metadata import Owner
from indexer.snapshot import current_path
from indexer.vector_index import (
    FLAT,
    IVF,
    VectorIndex,
    create_vector_index,
    flat_contents,
    grown_past,
)
from indexer.write import public_passages
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.readable import ReadablePassages, ReadableSelector
from search.vector import VectorRetriever
from tests.search.conftest import build_fixture_index
from tests.support import HashingEmbedder

DIM = 16
PUBLIC, RESTRICTED = 1200, 5000  # more restricted neighbours than MAX_FETCH (4,096)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _crowded() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A query, public passages spread out, and restricted passages all nearer
    the query than any public one (ids: public first, then restricted)."""
    rng = np.random.default_rng(3)
    query = _unit(rng.normal(size=(1, DIM)))[0]
    public = _unit(rng.normal(size=(PUBLIC, DIM)))
    restricted = _unit(query + 0.05 * rng.normal(size=(RESTRICTED, DIM)))
    assert float((restricted @ query).min()) > float((public @ query).max())
    return query, public, restricted


def _visitor(readable: ReadableSelector | None = None) -> ReadableSelector:
    owners = {
        pid: Owner("a", "it", ("everyone",) if pid < PUBLIC else ("hr",), ())
        for pid in range(PUBLIC + RESTRICTED)
    }
    found = ReadablePassages(owners).for_groups(frozenset())
    assert found is not None and found.size == PUBLIC
    return found


@pytest.mark.parametrize("kind", [FLAT, IVF])
def test_a_visitor_gets_the_nearest_readable_passages_however_many_restricted_are_nearer(
    kind: str,
) -> None:
    # The filter ran after FAISS, over at most 4,096 neighbours: with 5,000
    # restricted passages nearer the query, a visitor got no vector candidate.
    query, public, restricted = _crowded()
    vectors = np.concatenate([public, restricted])
    threshold = 1000 if kind == IVF else len(vectors)
    index = create_vector_index(DIM, threshold, public)  # as the builder trains
    assert index.kind == kind
    index.add(np.arange(len(vectors)), vectors)
    readable = _visitor()
    found = VectorRetriever(index).search(query, 10, readable=readable)
    assert len(found) == 10 and all(pid < PUBLIC for pid, _ in found)
    if kind == FLAT:
        exact = np.argsort(-(public @ query))[:10]
        assert [pid for pid, _ in found] == [int(p) for p in exact]
    # The same index without the restricted passages answers alike: an IVF
    # search depends on its lists' centroids and the readable passages only.
    public_only = VectorIndex(faiss.clone_index(index.index), kind)
    public_only.remove(np.arange(PUBLIC, len(vectors)))
    assert VectorRetriever(public_only).search(query, 10) == found


def test_ivf_lists_trained_on_public_passages_leave_a_visitor_their_neighbours() -> None:
    # Lists trained on every passage follow the restricted ones: the lists
    # nearest the query held nothing a visitor may read, so they got fewer
    # (here no) vector candidates because of passages they may not read.
    query, public, restricted = _crowded()
    vectors = np.concatenate([public, restricted])
    flat = create_vector_index(DIM, len(vectors))
    flat.add(np.arange(len(vectors)), vectors)
    readable = _visitor()
    every = grown_past(flat, 1000)
    assert every is not None and len(VectorRetriever(every).search(query, 10, readable)) < 10
    grown = grown_past(flat, 1000, lambda ids: ids < PUBLIC)
    assert grown is not None and grown.kind == IVF
    found = VectorRetriever(grown).search(query, 10, readable)
    exact = np.argsort(-(public @ query))[:10]
    assert [pid for pid, _ in found] == [int(p) for p in exact]


def test_an_ivf_search_with_few_lists_probed_still_ignores_the_restricted_passages() -> None:
    query, public, restricted = _crowded()
    vectors = np.concatenate([public, restricted])
    index = create_vector_index(DIM, 1000, public)
    index.add(np.arange(len(vectors)), vectors)
    index.nprobe = 4  # far from exhaustive: what is found depends on the lists probed
    public_only = VectorIndex(faiss.clone_index(index.index), IVF, nprobe=4)
    public_only.remove(np.arange(PUBLIC, len(vectors)))
    readable = _visitor()
    for probe in (query, public[0], restricted[0]):
        found = VectorRetriever(index).search(probe, 20, readable=readable)
        assert found == VectorRetriever(public_only).search(probe, 20)


def test_each_searcher_gets_one_selector_of_what_they_may_read() -> None:
    owners = {
        0: Owner("pub", "it", ("everyone",), ()),
        3: Owner("hr", "hr", ("HR",), ()),
        9: Owner("both", "hr", ("hr", "managers"), ()),
        17: Owner("mgr", "hr", ("managers",), ()),
    }
    passages = ReadablePassages(owners)
    visitor = passages.for_groups(frozenset())
    assert visitor is not None and visitor.size == 1
    assert [pid for pid in range(20) if pid in visitor] == [0]
    assert passages.for_groups(frozenset({"it", "everyone", "nobody"})) is visitor
    hr = passages.for_groups(frozenset({"hr"}))
    assert hr is not None and [pid for pid in range(20) if pid in hr] == [0, 3, 9]
    assert passages.for_groups(frozenset({"hr", "managers"})) is None
    assert passages.for_groups(None) is None
    public = ReadablePassages({0: owners[0]})
    assert public.for_groups(frozenset()) is None


# -- through the engine ----------------------------------------------------

QUERY = "vpn client does not connect"
CROWD = """\
---
title: VPN client for HR laptops {i}
audience: [hr]
---
The VPN client does not connect: restart the VPN client and connect again ({i}).
"""


def _index(root: Path, embedder: HashingEmbedder, crowd: int) -> Settings:
    """The search fixture, with `crowd` HR-only articles near QUERY."""
    settings = build_fixture_index(root, embedder)
    folder = settings.content_path / "hr" / "vpn"
    folder.mkdir()
    for i in range(crowd):
        (folder / f"laptop-{i:02d}.md").write_text(CROWD.format(i=i), encoding="utf-8")
    IndexBuilder(settings, embedder=embedder).run()
    # Few candidates and neighbours, so that a small index shows what 4,096
    # neighbours hid in a large one.
    return settings.replace(candidates=5)


def _as_ivf(engine: SearchEngine) -> None:
    """The engine's vectors as an IVF index probing all of its lists (exact, so
    that two indexes with different lists compare)."""
    retriever = engine.prepared().vector
    ids, vectors = flat_contents(retriever.index)
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], 4)
    ivf.metric_type = faiss.METRIC_INNER_PRODUCT
    ivf.train(vectors)
    ivf.add_with_ids(vectors, ids)
    retriever.index = VectorIndex(ivf, IVF, nprobe=4)


def _candidates(engine: SearchEngine, query: Query) -> list[tuple[str, float]]:
    owners = engine.prepared().snapshot.owners
    return [(owners[p].article_id, round(s, 5)) for p, s in engine.retrieve(query).vector]


@pytest.mark.parametrize("kind", [FLAT, IVF])
def test_restricted_passages_crowding_a_query_never_change_what_a_visitor_sees(
    tmp_path: Path,
    hashing_embedder: HashingEmbedder,
    kind: str,
) -> None:
    without = SearchEngine(_index(tmp_path / "a", hashing_embedder, 0), embedder=hashing_embedder)
    crowded = SearchEngine(_index(tmp_path / "b", hashing_embedder, 30), embedder=hashing_embedder)
    try:
        if kind == IVF:
            _as_ivf(without)
            _as_ivf(crowded)
        for groups in (frozenset(), frozenset({"it", "finance"})):
            query = Query(QUERY, groups=groups)
            expected = _candidates(without, query)
            assert len(expected) == 5
            assert _candidates(crowded, query) == expected
            seen = [
                dataclasses.replace(e.search(query), latency_ms=0.0) for e in (without, crowded)
            ]
            assert seen[0] == seen[1] and seen[0].results
        # The HR staff's own neighbours are the restricted articles.
        hr = _candidates(crowded, Query(QUERY, groups=frozenset({"hr"})))
        assert all(article.startswith("hr/vpn/") for article, _ in hr)
        # The builder trains IVF lists on the passages everyone may read only.
        owners = crowded.prepared().snapshot.owners
        ids = np.array(sorted(owners))
        trains = public_passages(current_path(crowded.settings.index_path) / "meta.db")(ids)
        assert trains.any() and not trains.all()
        assert list(trains) == ["everyone" in owners[int(p)].audience for p in ids]
    finally:
        without.close()
        crowded.close()
