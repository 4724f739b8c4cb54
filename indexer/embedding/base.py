"""What every embedding model offers: the `Embedder` protocol, and the device choice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

ProgressFn = Callable[[int], None]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def pick_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
