"""A large synthetic knowledge base made from real passages, for latency benchmarks.

Embedding 100,000 passages with the real model would take over an hour on two
cores, so the synthetic base recombines real material instead:

- Real passages: the published articles of the source folders, cut by the
  product's own chunker and embedded once with the configured model (the
  vectors are kept in an `EmbeddingCache` in the work folder).
- Synthetic passages: the first part of one real passage joined to the last
  part of another of the same language (40–170 words), under a real heading.
  Its vector is the word-weighted mix of the two real vectors plus a little
  Gaussian noise, normalised. Texts therefore have real vocabulary and term
  statistics, and vectors lie where real ones lie, without running the model.
- Synthetic articles hold 2–4 such passages (one per section) under the title
  of their first source article and a running number, in that article's
  department, language, tags and audience.

The snapshot is written by the product's `IndexBuilder` (chunking, metadata,
Whoosh, FAISS, manifest, publish); only reading files is skipped
(`SyntheticBuilder` hands it the articles in memory), and the embedder it is
given looks the prepared vectors up instead of running a model.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.build import IndexBuilder, ProgressFactory, StageProgress
from indexer.chunking import chunk_article
from indexer.embedding.base import Embedder, ProgressFn
from indexer.embedding.cache import EmbeddingCache
from indexer.plan import Plan
from kb.content.departments import default_name
from kb.content.scanner import scan_content
from kb.records import Article, Chunk, Department, Section
from kb.settings import Settings

logger = logging.getLogger(__name__)

MIN_WORDS, MAX_WORDS = 40, 170
NOISE = 0.02  # per-dimension standard deviation of the noise added to mixed vectors


@dataclass(frozen=True)
class RealPassages:
    """Passages of the source articles and their real embeddings (row i ↔ chunk i)."""

    chunks: list[Chunk]
    vectors: np.ndarray


def real_passages(
    sources: Sequence[Path],
    settings: Settings,
    load_embedder: Callable[[], Embedder],
    cache_path: Path,
    model: str,
    dim: int,
    progress: ProgressFactory | None = None,
) -> RealPassages:
    """Chunk every published source article and embed what the cache lacks (the
    model is loaded only then; `progress`, given their number, is told of each
    batch embedded)."""
    chunks: list[Chunk] = []
    for root in sources:
        scan = scan_content(root, max_bytes=settings.max_file_bytes)
        for article in scan.published:
            chunks.extend(
                chunk_article(article, words=settings.chunk_words, overlap=settings.chunk_overlap)
            )
    if not chunks:
        raise ValueError(f"no published articles under {', '.join(map(str, sources))}")
    cache = EmbeddingCache(cache_path, model, dim)
    try:
        found = cache.get_many(c.text_hash for c in chunks)
        missing = list({c.text_hash: c for c in chunks if c.text_hash not in found}.values())
        if missing:
            embedder = load_embedder()
            if embedder.dim != dim:
                raise ValueError(f"model {model} has {embedder.dim} dimensions, expected {dim}")
            logger.info("embedding %d real passages", len(missing))
            tick = progress(len(missing)) if progress else None
            vectors = embedder.embed([c.embedding_text for c in missing], progress=tick)
            fresh = {c.text_hash: v for c, v in zip(missing, vectors, strict=True)}
            cache.put_many(fresh)
            found.update(fresh)
    finally:
        cache.close()
    return RealPassages(chunks, np.stack([found[c.text_hash] for c in chunks]).astype(np.float32))


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)


class SyntheticCorpus:
    """Articles recombined from real passages, and the vector of each section text."""

    def __init__(self, real: RealPassages, passages: int, seed: int = 0) -> None:
        self.real = real
        self.rng = np.random.default_rng(seed)
        self.vectors: dict[str, np.ndarray] = {}  # section text → vector
        self._words = [c.text.split() for c in real.chunks]
        usable = [i for i, w in enumerate(self._words) if len(w) >= 12]
        self._by_lang: dict[str, list[int]] = {}
        for i in usable:
            self._by_lang.setdefault(real.chunks[i].lang, []).append(i)
        self._usable = usable
        self.articles = self._articles(passages)

    def _pick(self, lang: str) -> int:
        pool = self._by_lang[lang]
        return pool[int(self.rng.integers(len(pool)))]

    def _section(self, first: int) -> tuple[str, np.ndarray]:
        """Head of one real passage, tail of another of the same language."""
        lang = self.real.chunks[first].lang
        parts: list[tuple[int, list[str]]] = []
        source = first
        total = 0
        target = int(self.rng.integers(MIN_WORDS, MAX_WORDS + 1))
        while total < target:
            words = self._words[source]
            take = int(self.rng.integers(max(1, len(words) // 3), len(words) + 1))
            piece = words[:take] if not parts else words[len(words) - take :]
            piece = piece[: target - total]
            parts.append((source, piece))
            total += len(piece)
            source = self._pick(lang)
        text = " ".join(w for _, piece in parts for w in piece)
        mixed = sum(len(piece) * self.real.vectors[i] for i, piece in parts)
        noise = self.rng.normal(0.0, NOISE, size=self.real.vectors.shape[1])
        return text, _unit(np.asarray(mixed) / total + noise)

    def _articles(self, passages: int) -> list[Article]:
        out: list[Article] = []
        made = 0
        while made < passages:
            first = self._usable[int(self.rng.integers(len(self._usable)))]
            base = self.real.chunks[first]
            sections: list[Section] = []
            for _ in range(min(int(self.rng.integers(2, 5)), passages - made)):
                source = first if not sections else self._pick(base.lang)
                text, vector = self._section(source)
                self.vectors[text] = vector
                heading = self.real.chunks[source].headings[-1:] or (
                    self.real.chunks[source].title,
                )
                sections.append(Section(tuple(heading), text))
            made += len(sections)
            number = len(out)
            body = "\n\n".join(f"## {s.headings[0]}\n\n{s.text}" for s in sections)
            out.append(
                Article(
                    id=f"{base.department}/synthetic-{number:06d}.md",
                    department=base.department,
                    title=f"{base.title} ({number})",
                    body_markdown=body,
                    sections=tuple(sections),
                    tags=base.tags,
                    audience=base.audience,
                    lang=base.lang,
                    content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                )
            )
        return out


class LookupEmbedder:
    """Stands in for the model while the synthetic snapshot is built: it returns
    the prepared vector of each passage's section text (the text after the
    title/heading line of `Chunk.embedding_text`)."""

    def __init__(self, vectors: dict[str, np.ndarray], name: str, dim: int) -> None:
        self.vectors = vectors
        self.name = name
        self.dim = dim

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        out = np.stack([self.vectors[t.split("\n", 1)[1]] for t in texts])
        if progress:
            progress(len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        raise NotImplementedError("the lookup embedder only serves the synthetic build")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for the section heading paths (`indexer.heading_vectors`):
        unit vectors drawn from a hash of each text. The synthetic index serves
        speed benchmarks, which time looking them up and comparing, not what
        they say; embedding its 100,000 paths would add most of an hour."""
        return hashed_vectors(texts, self.dim)


def hashed_vectors(texts: Sequence[str], dim: int) -> np.ndarray:
    """A unit vector per text, drawn from a hash of the text."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(dim)
        out[row] = vector / np.linalg.norm(vector)
    return out


class HashedEmbedder:
    """The second model's stand-in for the synthetic build (`--secondary-model`):
    hash-drawn unit vectors of the model's length, under its name."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        if progress:
            progress(len(texts))
        return hashed_vectors(texts, self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        raise NotImplementedError("the hashed embedder only serves the synthetic build")


class SyntheticBuilder(IndexBuilder):
    """`IndexBuilder` whose articles come from memory instead of the content folder."""

    def __init__(
        self,
        settings: Settings,
        articles: list[Article],
        embedder: Embedder,
        stage_progress: StageProgress | None = None,
        secondary: Embedder | None = None,
        progress: ProgressFactory | None = None,
    ) -> None:
        super().__init__(
            settings,
            progress=progress,
            embedder=embedder,
            stage_progress=stage_progress,
            secondary_embedder=secondary,
        )
        self.articles = articles

    def plan_changes(self, known: dict[str, tuple[str, str]], report: object, full: bool) -> Plan:
        departments = {a.department for a in self.articles}
        plan = Plan(
            departments={d: Department(slug=d, name=default_name(d)) for d in sorted(departments)}
        )
        plan.upserts = {a.id: (a, "synthetic") for a in self.articles}
        plan.added = len(self.articles)
        return plan


def check_passages(articles: list[Article], settings: Settings) -> int:
    """Passages the chunker will make; each section must stay one whole passage."""
    count = 0
    for article in articles:
        chunks = chunk_article(article, words=settings.chunk_words, overlap=settings.chunk_overlap)
        if len(chunks) != len(article.sections):
            raise ValueError(
                f"{article.id}: {len(article.sections)} sections became "
                f"{len(chunks)} passages; keep sections within the word budget"
            )
        count += len(chunks)
    return count
