"""Passage vectors of one model, through the embedding cache.

`CachedEmbedding` embeds only the passages whose text hash the cache lacks
for its model, stores them as they come (every `EMBED_CHECKPOINT`
passages, so a run stopped half-way keeps what it embedded), and loads the
model only when something is missing. An index run has one per model: the
search model (`embedding_model`) and, when set, the second model
(`secondary_model`); both share one cache file, keyed by model.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from indexer import snapshot
from indexer.embedding.base import Embedder
from indexer.embedding.cache import EmbeddingCache
from kb.records import Chunk

logger = logging.getLogger(__name__)

EMBED_CHECKPOINT = 256  # passages embedded between two writes to the embedding cache
CACHE_FILE = "embeddings.db"
# The cache key under which a model's sentence-window vectors are kept, in
# float16 (`indexer.sentence_vectors`): apart from its passages' float32 ones.
WINDOWS_KEY = "{model} sentence windows"

ProgressFactory = Callable[[int], Callable[[int], None]]


def query_role_hash(text: str) -> str:
    """The cache key of a text's query-role vector (distinct from any passage's)."""
    return hashlib.sha256(f"query role\n{text}".encode()).hexdigest()


def embed_as_queries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Query-role vectors of `texts`: the model's batch call where it has one, else
    one `embed_query` per text (models without roles embed both alike)."""
    batch = getattr(embedder, "embed_queries", None)
    if batch is not None:
        return np.asarray(batch(list(texts)), dtype=np.float32)
    return np.stack([np.asarray(embedder.embed_query(t), dtype=np.float32) for t in texts])


class CachedEmbedding:
    """One model's passage vectors for an index folder.

    `dim_key` is the manifest key under which a snapshot records this
    model's vector length (`model_key` its name): a build without the model
    loaded learns the length from there, or from the cache."""

    def __init__(
        self,
        index_dir: Path,
        model: str,
        load: Callable[[], Embedder],
        progress: ProgressFactory | None = None,
        embedder: Embedder | None = None,
        keys: tuple[str, str] = ("model", "dim"),
    ) -> None:
        self.index_dir = index_dir
        self.model = model
        self.progress = progress
        self._load = load
        self._embedder = embedder
        self.model_key, self.dim_key = keys

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            logger.info("loading embedding model %s", self.model)
            self._embedder = self._load()
        return self._embedder

    @property
    def dim(self) -> int:
        """The vector length (from the snapshot or the cache, else the model)."""
        known = None if self._embedder else self._known_dim()
        return known if known is not None else self.embedder.dim

    def embed(self, chunks: list[Chunk]) -> tuple[np.ndarray, int]:
        """The vectors of `chunks` (in order), and how many had to be embedded."""
        if not chunks:
            return np.zeros((0, 0), dtype=np.float32), 0
        hashes = [c.text_hash for c in chunks]
        vectors, embedded = self._through_cache(
            {c.text_hash: c.embedding_text for c in chunks},
            lambda texts, tick: self.embedder.embed(texts, progress=tick),
            self.progress,
        )
        return np.stack([vectors[h] for h in hashes]).astype(np.float32), embedded

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query-role vectors of short texts (section heading paths), in order,
        cached under their own keys (`query_role_hash`)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        hashes = [query_role_hash(t) for t in texts]
        vectors, _ = self._through_cache(
            dict(zip(hashes, texts, strict=True)),
            lambda part, _: embed_as_queries(self.embedder, part),
            None,
        )
        return np.stack([vectors[h] for h in hashes]).astype(np.float32)

    def embed_windows(self, texts: list[str]) -> tuple[np.ndarray, int]:
        """Passage-role vectors of sentence windows (`indexer.sentence_vectors`),
        in order, as float16, and how many had to be embedded; cached by the
        text's hash under the model's `WINDOWS_KEY`."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float16), 0
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        vectors, embedded = self._through_cache(
            dict(zip(hashes, texts, strict=True)),
            lambda part, _: self.embedder.embed(part),
            None,
            windows=True,
        )
        return np.stack([vectors[h] for h in hashes]).astype(np.float16), embedded

    def _through_cache(
        self,
        texts: dict[str, str],
        compute: Callable[[list[str], Callable[[int], None] | None], np.ndarray],
        progress: ProgressFactory | None,
        windows: bool = False,
    ) -> tuple[dict[str, np.ndarray], int]:
        """The vectors of `texts` (hash → text) from the cache (its sentence
        windows' part with `windows`), those it lacks embedded by `compute` and
        stored; and how many were embedded."""
        cache = self._cache(None, windows)
        cached = cache.get_many(texts) if cache else {}
        missing = sorted((h, t) for h, t in texts.items() if h not in cached)
        if missing:
            embedder = self.embedder
            if cache is None:
                cache = self._cache(embedder.dim, windows)
            assert cache is not None
            tick = progress(len(missing)) if progress else None
            logger.info("embedding %d texts with %s", len(missing), self.model)
            for start in range(0, len(missing), EMBED_CHECKPOINT):
                part = missing[start : start + EMBED_CHECKPOINT]
                vecs = compute([t for _, t in part], tick)
                fresh = {h: v for (h, _), v in zip(part, vecs, strict=True)}
                cache.put_many(fresh)
                cached.update(fresh)
        if cache:
            cache.close()
        return cached, len(missing)

    def _cache(self, dim: int | None, windows: bool = False) -> EmbeddingCache | None:
        if dim is None:
            dim = self._embedder.dim if self._embedder is not None else self._known_dim()
            if dim is None:
                return None
        if windows:
            key = WINDOWS_KEY.format(model=self.model)
            return EmbeddingCache(self.index_dir / CACHE_FILE, key, dim, np.float16)
        return EmbeddingCache(self.index_dir / CACHE_FILE, self.model, dim)

    def _known_dim(self) -> int | None:
        """The model's vector length from the current snapshot or, without one
        (a cold build stopped half-way), from the embedding cache."""
        name = snapshot.current_name(self.index_dir)
        if name:
            manifest = snapshot.snapshots_dir(self.index_dir) / name
            try:
                data = snapshot.read_manifest(manifest)
            except FileNotFoundError:
                data = {}
            if data.get(self.model_key) == self.model:
                return int(data[self.dim_key])
        return EmbeddingCache.stored_dim(self.index_dir / CACHE_FILE, self.model)
