"""The second embedding model (setting `secondary_model`): what a snapshot keeps of it.

When the setting names a model, each snapshot holds a second vector index
(`SECONDARY_VECTORS`, same passage ids as `vectors.faiss`) and records the
model's name, vector length and index kind in its manifest under the keys
below; the search engine fuses its nearest passages with the keyword and
first vector lists (`search.ensemble`, which says why and with what
measured effect). Empty (the default) stores nothing more.
"""

from __future__ import annotations

from indexer.embedding.base import Embedder
from indexer.embedding.factory import model_name
from kb.errors import ConfigError
from kb.settings import Settings

SECONDARY_VECTORS = "vectors-secondary.faiss"
MODEL_KEY = "secondary_model"
DIM_KEY = "secondary_dim"
KIND_KEY = "secondary_vector_kind"


def secondary_model(
    settings: Settings, primary: str, embedder: Embedder | None = None
) -> str | None:
    """The name an index records for the second model (None when the setting
    is empty); `embedder`, when given, is the second model itself."""
    if embedder is None and not settings.secondary_model:
        return None
    name = embedder.name if embedder is not None else model_name(settings.secondary_model)
    if name == primary:
        raise ConfigError(
            f"setting secondary_model={settings.secondary_model!r} is the search model "
            f"itself ({primary}); name another model or leave it empty"
        )
    return name
