"""Which department's content a question resembles, learned from the passages.

The article votes (`search.routing`) follow the best few articles, so a
question whose best match sits in a neighbouring department follows it. A
linear classifier over the passage vectors adds what each department's
content looks like as a whole: fitted when a snapshot is prepared, from the
content alone, so it carries to any organisation's folders without a word
written for it.

The fit is ridge regression from the passages' vectors to one-hot
departments (closed form, one d×d solve). Vectors are unit length, centred
on the passages' mean and made unit length again: the model's vectors share
one large common direction (cosines of unrelated passages sit near 0.8), and
only what differs between departments should decide. The regularisation is
relative to the passage count and dimension (`REGULARISATION` × n / d), so
one setting fits a few hundred passages and a hundred thousand alike. A
question's department shares are a softmax of its scores at `TEMPERATURE`.

Measured on the tune halves of the 18F development set, the labelled set and
the own German set (docs/search.md, "Routing"): regularisation 0.03–1 and
temperature 0.02–0.1 lie on one plateau; 0.05 sits in its middle. Penalty
0.3 ties 0.1 on those tune halves or beats it (temperature 0.02, weight 0.4)
and weighs less a direction few passages hold, such as a city only the
offices' articles name ("London train ticket" went to Facilities at 0.1).
Only passages every employee may read are fitted, so restricted articles
cannot pull a question towards their department.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.reader import Snapshot

REGULARISATION = 0.3  # ridge penalty × passages / dimension
TEMPERATURE = 0.05  # softmax temperature over the classifier's scores
MAX_PASSAGES = 20_000  # fitted at most (evenly spaced): bounds the fit on large indexes


@dataclass(frozen=True)
class DepartmentClassifier:
    """Department shares of a query vector, from a ridge fit on passage vectors."""

    departments: tuple[str, ...]
    mean: np.ndarray
    weights: np.ndarray  # (dimension, departments)
    temperature: float = TEMPERATURE

    def __post_init__(self) -> None:
        if self.weights.shape != (self.mean.shape[0], len(self.departments)):
            raise ValueError(
                f"weights of shape {self.weights.shape} do not match "
                f"{self.mean.shape[0]} dimensions and {len(self.departments)} departments"
            )
        if self.temperature <= 0:
            raise ValueError(f"temperature must be positive, got {self.temperature!r}")

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        departments: Sequence[str],
        regularisation: float = REGULARISATION,
        temperature: float = TEMPERATURE,
    ) -> DepartmentClassifier | None:
        """Fit on passage vectors (one row each) and their departments; None when
        fewer than two departments have passages (nothing to tell apart)."""
        if len(vectors) != len(departments):
            raise ValueError(f"{len(vectors)} vectors but {len(departments)} departments")
        labels = tuple(sorted(set(departments)))
        if len(labels) < 2:
            return None
        # One working copy, normalised and centred in place (it can be 20,000 rows).
        x = np.array(vectors, dtype=np.float32)
        _unit_in_place(x)
        mean = x.mean(axis=0)
        x -= mean
        _unit_in_place(x)
        n, dim = x.shape
        onehot = np.asarray(departments)[:, None] == np.asarray(labels)[None, :]
        y = onehot.astype(np.float32)
        y -= y.mean(axis=0)
        # The products in float32 (no double copy of the passages), the solve in float64.
        gram = (x.T @ x).astype(np.float64) + regularisation * n / dim * np.eye(dim)
        weights = np.linalg.solve(gram, (x.T @ y).astype(np.float64))
        return cls(labels, mean, weights.astype(np.float32), temperature)

    def shares(self, query_vector: np.ndarray) -> dict[str, float]:
        """Department → share (summing to 1) for one query vector."""
        query = _unit(np.asarray(query_vector, dtype=np.float32).reshape(1, -1))[0]
        scores = _unit((query - self.mean).reshape(1, -1))[0] @ self.weights
        z = np.exp((scores - scores.max()) / self.temperature)
        z /= z.sum()
        return dict(zip(self.departments, z.tolist(), strict=True))


def classifier_of(
    snapshot: Snapshot, hidden: Collection[int], limit: int = MAX_PASSAGES
) -> DepartmentClassifier | None:
    """The classifier over a snapshot's passages that everyone may read."""
    owners = snapshot.owners
    hidden_set = set(hidden)
    pids = sorted(p for p in owners if p not in hidden_set)
    if len({owners[p].department for p in pids}) < 2:
        return None  # one department (a corpus like SciFact): nothing to read or fit
    if len(pids) > limit:
        pids = pids[:: math.ceil(len(pids) / limit)]
    stored = snapshot.vectors.vectors(pids)
    kept = [p for p in pids if p in stored]
    if not kept:
        return None
    vectors = np.stack([stored.pop(p) for p in kept])
    return DepartmentClassifier.fit(vectors, [owners[p].department for p in kept])


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _unit_in_place(x: np.ndarray) -> None:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x /= np.where(norms > 0, norms, 1.0)
