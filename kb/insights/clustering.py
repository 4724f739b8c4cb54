"""Group failed questions into topics by the meaning of their embeddings.

Two measured choices shape this module (benchmarks/insights.py, tuning part of
the labelled gap set: 230 questions over 23 topics, half German, half English,
one in five with a typo):

* **Per-language centering.** A multilingual model puts every German question
  a little closer to other German questions than to its English twin: the
  language is a direction of its own in the vector space. Subtracting each
  language's mean vector before comparing removes that direction. With
  multilingual-e5-small the adjusted Rand index went from 0.65 (one global
  mean) and 0.57 (no centering) to 0.78. The means come from the questions
  being clustered, pulled towards a prior (`LanguageMeans.fit`) so that a log
  of a handful of questions about one thing does not centre its own topic away.
* **Average linkage on a cosine threshold.** Topics are not counted in
  advance; two groups join while their questions are on average at least
  `threshold` similar. Average linkage beat complete linkage (0.65 against
  0.59 ARI on the same vectors). Large logs are first gathered greedily by
  the same criterion (`leader_groups`), so that the linkage runs on a few
  thousand groups (their vector sums and sizes) instead of every question.

Vectors are numpy float32 arrays, one unit-length row per distinct question.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

logger = logging.getLogger(__name__)

# Pseudo-count of the prior in a language's mean: with fewer questions than
# this in a language, the prior weighs more than the questions themselves.
PRIOR_WEIGHT = 20
# Largest k for the k x k similarity matrix of the linkage (64 MB of float32);
# larger logs are gathered into at most this many groups first.
MAX_LINKAGE_GROUPS = 4000
_BATCH = 2048


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


@dataclass(frozen=True)
class LanguageMeans:
    """The mean question vector of each language, and one for unknown languages."""

    means: Mapping[str, np.ndarray] = field(default_factory=dict)
    overall: np.ndarray | None = None

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        langs: Sequence[str],
        prior: Mapping[str, np.ndarray] | None = None,
        prior_weight: float = PRIOR_WEIGHT,
    ) -> LanguageMeans:
        """Means of `vectors` by language, each shrunk towards `prior[lang]`
        (or the prior's average) by `prior_weight` pseudo-questions."""
        if len(vectors) != len(langs):
            raise ValueError(f"{len(vectors)} vectors but {len(langs)} languages")
        prior = dict(prior or {})
        fallback = np.mean(list(prior.values()), axis=0) if prior else None
        codes = np.asarray([lang or "" for lang in langs])
        means: dict[str, np.ndarray] = {}
        for lang in sorted(set(codes.tolist())):
            rows = vectors[codes == lang]
            base = prior.get(lang, fallback)
            total = rows.sum(axis=0, dtype=np.float64)
            if base is None:
                means[lang] = (total / len(rows)).astype(np.float32)
            else:
                mixed = (total + prior_weight * base) / (len(rows) + prior_weight)
                means[lang] = mixed.astype(np.float32)
        if len(vectors):
            overall = vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
        else:
            overall = fallback
        return cls(means=means, overall=overall)

    def center(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """`vectors` minus their language's mean, back to unit length."""
        out = np.array(vectors, dtype=np.float32, copy=True)
        codes = np.asarray([lang or "" for lang in langs])
        for lang in set(codes.tolist()):
            mean = self.means.get(lang, self.overall)
            if mean is not None:
                out[codes == lang] -= mean
        return unit_rows(out)


def vector_languages(
    vectors: np.ndarray, langs: Sequence[str], prior: Mapping[str, np.ndarray] | None
) -> list[str]:
    """The language each row is written in, read from the vector: the
    language of the prior mean (`LanguageMeans.fit`'s prior: the knowledge
    base's titles and headings per language) it leans towards most, measured
    from the prior means' average. `langs` as given where the prior knows
    fewer than two languages.

    The language a question is stored with is the word-based detector's,
    which falls back to the searcher's page language when a text says too
    little: short German questions, case-folded and without a function word
    ("zugangskarte verloren", "betriebsrente"), came out English. Centred by
    the English mean, such questions kept the German direction and grouped
    with other German questions of different topics rather than with their
    own. The model's vectors carry the language whatever the text's length
    (it is the direction the centering removes), so the centering asks them.
    """
    names = sorted(lang for lang in (prior or {}) if lang)
    if len(names) < 2 or not len(vectors):
        return list(langs)
    assert prior is not None
    means = np.stack([np.asarray(prior[n], dtype=np.float32) for n in names])
    middle = means.mean(axis=0)
    leaning = (vectors - middle) @ (means - middle).T
    return [names[int(i)] for i in leaning.argmax(axis=1)]


def leader_groups(
    vectors: np.ndarray, threshold: float, order: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pass over the rows in `order` (most asked first, so that groups form
    around common wordings): each row joins the group whose members it is most
    similar to on average, when that average reaches `threshold`; otherwise it
    starts a group of its own. This is the average-linkage criterion applied
    greedily, so `average_linkage` can finish the job on the groups.

    Returns (group of each row, sum of each group's rows, size of each group).
    """
    n, dim = vectors.shape
    order = np.arange(n) if order is None else order
    labels = np.full(n, -1, dtype=np.int64)
    capacity = max(16, min(n, 1024))
    sums = np.zeros((capacity, dim), dtype=np.float32)
    sizes = np.zeros(capacity, dtype=np.float64)
    count = 0
    for start in range(0, n, _BATCH):
        idx = order[start : start + _BATCH]
        batch = vectors[idx]
        if count:
            means = sums[:count] / sizes[:count, None].astype(np.float32)
            sims = batch @ means.T
            best = sims.argmax(axis=1)
            hit = sims[np.arange(len(idx)), best] >= threshold
        else:
            best = np.zeros(len(idx), dtype=np.int64)
            hit = np.zeros(len(idx), dtype=bool)
        labels[idx[hit]] = best[hit]
        np.add.at(sums, best[hit], batch[hit])
        np.add.at(sizes, best[hit], 1.0)
        first_new = count
        for j in np.flatnonzero(~hit):
            row = batch[j]
            if count > first_new:
                local = (sums[first_new:count] @ row) / sizes[first_new:count]
                k = int(local.argmax())
                if local[k] >= threshold:
                    labels[idx[j]] = first_new + k
                    sums[first_new + k] += row
                    sizes[first_new + k] += 1.0
                    continue
            if count == len(sums):
                sums = np.concatenate([sums, np.zeros_like(sums)])
                sizes = np.concatenate([sizes, np.zeros_like(sizes)])
            labels[idx[j]] = count
            sums[count] = row
            sizes[count] = 1.0
            count += 1
    return labels, sums[:count], sizes[:count]


def average_linkage(sums: np.ndarray, sizes: np.ndarray, threshold: float) -> np.ndarray:
    """Average linkage (UPGMA) of groups given by their vector sums and sizes,
    stopping where the average similarity of two groups' members falls below
    `threshold`. Returns the cluster (0..k-1) of each group.

    Nearest-neighbour chain: average linkage is reducible, so merging mutual
    nearest neighbours in any order gives the same clusters as always merging
    the closest pair, in O(k^2) time and one k x k matrix.
    """
    k = len(sums)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    size = sizes.astype(np.float64).copy()
    sim = (sums @ sums.T).astype(np.float32) / np.outer(size, size).astype(np.float32)
    np.fill_diagonal(sim, -np.inf)
    active = np.ones(k, dtype=bool)
    parent = np.arange(k)
    chain: list[int] = []
    remaining = k
    while remaining > 1:
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        a = chain[-1]
        row = np.where(active, sim[a], -np.inf)
        row[a] = -np.inf
        b = int(row.argmax())
        if len(chain) > 1 and row[chain[-2]] >= row[b]:
            b = chain[-2]  # ties go to the chain, or it could cycle
        if row[b] < threshold:
            active[a] = False  # nothing is close enough to a, now or after later merges
            remaining -= 1
            chain.pop()
            continue
        if len(chain) > 1 and b == chain[-2]:
            chain.pop()
            chain.pop()
            merged = (size[a] * sim[a] + size[b] * sim[b]) / (size[a] + size[b])
            sim[a], sim[:, a] = merged, merged
            sim[a, a] = -np.inf
            size[a] += size[b]
            active[b] = False
            sim[b], sim[:, b] = -np.inf, -np.inf
            parent[b] = a
            remaining -= 1
        else:
            chain.append(b)
    roots = np.array([_root(parent, i) for i in range(k)])
    return np.unique(roots, return_inverse=True)[1].astype(np.int64)


def _root(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        i = int(parent[i])
    return i


def cluster_vectors(
    vectors: np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
    threshold: float = 0.19,
) -> np.ndarray:
    """Topic number (0..k-1) of each row of `vectors` (centred, unit length).

    Up to `MAX_LINKAGE_GROUPS` rows are clustered by exact average linkage;
    more are first gathered greedily (`leader_groups`) and the groups then
    linked. Numbers are given in order of the topics' total weight, largest first.
    """
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.lexsort((np.arange(n), -w))
    if n <= MAX_LINKAGE_GROUPS:
        groups, sums, sizes = np.arange(n), vectors, np.ones(n, dtype=np.float64)
    else:
        groups, sums, sizes = leader_groups(vectors, threshold, order)
        while len(sums) > MAX_LINKAGE_GROUPS:
            # Too many groups for one matrix: gather the groups themselves.
            logger.info("clustering: %d groups; gathering them once more", len(sums))
            outer, _, _ = leader_groups(unit_rows(sums), threshold)
            if outer.max() + 1 == len(sums):
                break
            sizes = np.bincount(outer, weights=sizes).astype(np.float64)
            sums = _summed(sums, outer, len(sizes))
            groups = outer[groups]
    topics = average_linkage(sums, sizes, threshold)[groups]
    totals = np.bincount(topics, weights=w)
    rank = np.empty(len(totals), dtype=np.int64)
    rank[np.lexsort((np.arange(len(totals)), -totals))] = np.arange(len(totals))
    return rank[topics]


def _summed(sums: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, sums.shape[1]), dtype=np.float32)
    np.add.at(out, groups, sums)
    return out


def assign(vectors: np.ndarray, centroids: np.ndarray, threshold: float) -> np.ndarray:
    """Index of the most similar centroid for each row, -1 where none reaches `threshold`."""
    if len(vectors) == 0 or len(centroids) == 0:
        return np.full(len(vectors), -1, dtype=np.int64)
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), _BATCH):
        sims = vectors[start : start + _BATCH] @ centroids.T
        best = sims.argmax(axis=1)
        ok = sims[np.arange(len(best)), best] >= threshold
        out[start : start + _BATCH] = np.where(ok, best, -1)
    return out


def centroids_of(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-length mean vector of each of the `k` topics."""
    sums = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, labels, vectors)
    return unit_rows(sums)
