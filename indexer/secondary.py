"""The second embedding model (setting `secondary_model`): what a snapshot keeps of it.

When the setting names a model, each snapshot holds a second vector index
(`SECONDARY_VECTORS`, same passage ids as `vectors.faiss`) and records the
model's name, vector length and index kind in its manifest under the keys
below (8-bit passage vectors under a name of their own: `stored_name`); the search engine fuses its nearest passages with the keyword and
first vector lists (`search.ensemble`, which says why and with what
measured effect). Empty stores nothing more; the default model stands aside
where it cannot take part (`stands_aside`).
"""

from __future__ import annotations

from indexer.embedding.base import Embedder
from indexer.embedding.factory import create_embedder, model_name
from kb.errors import ConfigError
from kb.fusion_settings import DEFAULT_SECONDARY_MODEL
from kb.settings import Settings

SECONDARY_VECTORS = "vectors-secondary.faiss"
MODEL_KEY = "secondary_model"
DIM_KEY = "secondary_dim"
KIND_KEY = "secondary_vector_kind"


def stands_aside(settings: Settings, primary: str) -> bool:
    """Whether the second model, left at its default, cannot take part and is
    skipped: it is the search model itself (`embedding_model` set to it) or
    fusion is not weighted. A second model named on purpose is checked instead,
    and a conflict is an error (`secondary_model`, `create_ensemble`)."""
    if settings.secondary_model != DEFAULT_SECONDARY_MODEL:
        return False
    return settings.fusion != "weighted" or model_name(settings.secondary_model) == primary


def secondary_model(
    settings: Settings, primary: str, embedder: Embedder | None = None
) -> str | None:
    """The name an index records for the second model (None when the setting
    is empty, or the default stands aside); `embedder`, when given, is the
    second model itself."""
    if embedder is None and (not settings.secondary_model or stands_aside(settings, primary)):
        return None
    name = embedder.name if embedder is not None else stored_name(settings)
    if name == primary:
        raise ConfigError(
            f"setting secondary_model={settings.secondary_model!r} is the search model "
            f"itself ({primary}); name another model or leave it empty"
        )
    return name


def stored_name(settings: Settings) -> str:
    """The name a snapshot records for the second model's passage vectors (8-bit
    ones named apart: setting secondary_precision = "int8")."""
    return model_name(settings.secondary_model, settings.secondary_precision == "int8")


def side_precision(settings: Settings, for_queries: bool) -> str:
    """The arithmetic the second model runs in for passages or for queries
    (setting secondary_precision; "int8-queries" keeps float passages)."""
    mode = settings.secondary_precision
    if mode == "int8-queries":
        return "int8" if for_queries else "float32"
    return mode


def side_loading(settings: Settings, for_queries: bool) -> tuple[str, str, int, str]:
    """What the second model is loaded from for one side: model, device, batch
    size and arithmetic. A search engine's query side and an indexer's passage
    side that agree share one loaded model in a web process (`webapp.indexing`);
    with "int8-queries" they differ, and each side loads its own."""
    precision = side_precision(settings, for_queries)
    return settings.secondary_model, settings.device, settings.embed_batch_size, precision


def load_secondary(settings: Settings, for_queries: bool, threads: int | None = None) -> Embedder:
    """The second model as the indexer (passages) or the search (queries) runs it."""
    name, device, batch_size, precision = side_loading(settings, for_queries)
    return create_embedder(name, device, batch_size, threads=threads, precision=precision)
