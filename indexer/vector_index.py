"""The vector side of the hybrid index: FAISS over normalised passage embeddings.

Inner product on unit vectors is cosine similarity. Collections up to
`approximate_threshold` passages use an exact flat index; larger ones use IVF,
which (unlike HNSW) supports removing vectors, so incremental updates stay
cheap. Passage ids are the int64 ids FAISS stores. A first or full build
chooses the kind by size; an incremental build that finds an exact index
grown past the threshold rebuilds it as IVF from its own vectors
(`grown_past`). An IVF index that shrinks stays IVF until the next full build.

Both numbers come from `benchmarks/vector_index.py` (docs/benchmarks.md): a
flat search costs about 0.11 ms per 1,000 passages on one core (11 ms at
100,000), IVF with 4·√N lists and `NPROBE` = 128 lists searched costs about
1 ms at 50,000–100,000 passages and finds 98% of the exact 100 nearest
passages (99.6% of the first 10). Above 50,000 passages the exact search
passes 5 ms, a tenth of a short query's latency budget, so IVF takes over.

The index builder trains the IVF lists on the passages everyone may read
only: lists trained on restricted passages too would follow them, and where
they crowd a query's neighbourhood a visitor's probed lists held few
readable passages (docs/security.md; `search.readable`). The size that
chooses the kind and the list count (N above) is the count of those same
passages: chosen on every passage, a collection of mostly restricted
passages became IVF with lists trained on a few points each (or on fewer
points than lists, which FAISS refuses), and whether a visitor's search was
exact, and how its lists were cut, followed passages they may not read. A
collection of many restricted passages and few public ones stays exact,
and its search costs what its size does (0.11 ms per 1,000 passages).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np

FLAT = "flat"
IVF = "ivf"
NPROBE = 128  # IVF lists searched per query (see the module docstring)
MIN_TRAINING = 1000  # fewer passages than this train no useful lists


class VectorIndex:
    def __init__(self, index: faiss.Index, kind: str, nprobe: int = NPROBE) -> None:
        # Any: FAISS's SWIG classes (IndexIDMap2, IndexIVF…) are not known to its stubs.
        self.index: Any = index
        self.kind = kind
        self.nprobe = nprobe
        self._direct_map = False
        if kind == IVF:
            faiss.extract_index_ivf(index).nprobe = nprobe

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )

    def remove(self, ids: np.ndarray) -> int:
        if not len(ids):
            return 0
        return int(self.index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def search(
        self, query: np.ndarray, k: int, selector: Any = None, widen: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores and passage ids of the k nearest passages (ids -1 pad short
        results); with a FAISS `selector`, of the k nearest it selects (FAISS
        skips the others while it searches). An IVF search probes `widen`
        times its `nprobe` lists (at most all of them): a selector `widen`
        times narrower than the searcher's readable passages leaves about as
        many selected passages in them as an unfiltered search finds."""
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        k = min(k, max(self.size, 1))
        if selector is None:
            scores, ids = self.index.search(q, k)
        else:
            scores, ids = self.index.search(q, k, params=self._params(selector, widen))
        return scores[0], ids[0]

    def _params(self, selector: Any, widen: float) -> Any:
        # The caller keeps `selector` alive (SWIG does not, through `sel`). An
        # IVF index reads nprobe from its parameters when given any (1 by default).
        params: Any = faiss.SearchParametersIVF() if self.kind == IVF else faiss.SearchParameters()
        params.sel = selector
        if self.kind == IVF:
            lists = int(faiss.extract_index_ivf(self.index).nlist)
            params.nprobe = min(lists, math.ceil(self.nprobe * max(widen, 1.0)))
        return params

    def vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of the given passage ids (unknown ids are left out).

        An IVF index needs a map from id to list entry for this; it is made on
        first use (8 bytes per passage)."""
        if self.kind == IVF and not self._direct_map:
            hashtable = faiss.DirectMap.Hashtable  # type: ignore[attr-defined]
            faiss.extract_index_ivf(self.index).set_direct_map_type(hashtable)
            self._direct_map = True
        out: dict[int, np.ndarray] = {}
        for pid in ids:
            try:
                out[pid] = self.index.reconstruct(int(pid))
            except RuntimeError:  # not in this index
                continue
        return out

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))


def create_vector_index(
    dim: int, threshold: int, training: np.ndarray | None = None
) -> VectorIndex:
    """An empty index of the right kind for a collection whose IVF lists would
    be trained on `training` (the passages everyone may read; None: none):
    exact up to `threshold` of them (or fewer than `MIN_TRAINING`), else IVF
    with 4·√len(training) lists, trained here."""
    trained = 0 if training is None else len(training)
    if training is None or trained <= threshold or trained < MIN_TRAINING:
        return VectorIndex(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), FLAT)
    nlist = max(16, int(4 * math.sqrt(trained)))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = training[np.random.default_rng(0).permutation(trained)[: nlist * 64]]
    ivf.train(np.ascontiguousarray(sample, dtype=np.float32))
    return VectorIndex(ivf, IVF)


def flat_ids(index: VectorIndex) -> np.ndarray:
    """The passage ids stored in an exact index, in storage order."""
    if index.kind != FLAT:
        raise ValueError("only an exact (flat) index can hand back its vectors")
    return faiss.vector_to_array(index.index.id_map).astype(np.int64)


def flat_contents(index: VectorIndex) -> tuple[np.ndarray, np.ndarray]:
    """(passage ids, vectors) stored in an exact index, in storage order."""
    ids = flat_ids(index)
    inner: Any = faiss.downcast_index(index.index.index)
    count, dim = index.size, index.dim
    vectors = faiss.rev_swig_ptr(inner.get_xb(), count * dim).reshape(count, dim).copy()
    return ids, np.ascontiguousarray(vectors, dtype=np.float32)


def grown_past(
    index: VectorIndex, threshold: int, trains: Callable[[np.ndarray], np.ndarray] | None = None
) -> VectorIndex | None:
    """An IVF index with the same passages when the passages of an exact one
    that `trains` marks (a boolean per id; None: all) have grown past
    `threshold` (an incremental build's collection outgrew its first kind),
    else None; its lists are trained on those passages. An approximate
    index that shrank stays approximate until the next full build."""
    if index.kind != FLAT or index.size <= threshold:
        return None
    ids = flat_ids(index)
    marked = np.ones(len(ids), dtype=bool) if trains is None else trains(ids)
    if int(np.count_nonzero(marked)) <= threshold:  # checked before copying every vector
        return None
    ids, vectors = flat_contents(index)
    grown = create_vector_index(index.dim, threshold, vectors[marked])
    if grown.kind == FLAT:
        return None
    grown.add(ids, vectors)
    return grown


def load_vector_index(path: Path, kind: str, mmap: bool = False) -> VectorIndex:
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
    return VectorIndex(faiss.read_index(str(path), flags), kind)
