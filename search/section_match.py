"""How close a passage's section is to the query: its heading path's cosine.

The answer score (`search.answering`) compares the query's vector with the
vector of each competing passage's heading path ("Access card > Lost or
stolen card"), embedded once at index time (`indexer.heading_vectors`), so a
question about a detail can prefer the section whose heading names it to
the article's overview even where no word is shared ("I lost my badge").
No embedding happens at query time: the query vector is the search's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from indexer.heading_vectors import heading_path
from indexer.metadata import Passage


def section_cosines(
    vectors: Callable[[list[str]], Mapping[str, np.ndarray]],
    passages: Mapping[int, Passage],
    query_vector: np.ndarray,
) -> dict[int, float]:
    """Passage id → the cosine between the query and its heading path, whose
    vector `vectors` looks up (none for a passage whose path has no vector:
    a snapshot written before them)."""
    paths = {pid: heading_path(p.title, p.headings) for pid, p in passages.items()}
    stored = vectors(sorted(set(paths.values())))
    found = [pid for pid, path in paths.items() if path in stored]
    if not found:
        return {}
    scores = np.stack([stored[paths[pid]] for pid in found]) @ query_vector
    return {pid: float(s) for pid, s in zip(found, scores, strict=True)}
