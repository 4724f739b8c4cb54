"""A lean path for BERT sentence-transformers folders: plain torch, no transformers.

Importing sentence-transformers pulls in transformers, scikit-learn and scipy,
which costs seconds before a single passage is embedded; `kb index` after a
small edit spends most of its time there. A BERT encoder with mean pooling
(all-MiniLM-L6-v2 and its family) is small enough to run directly: the
weights come from the folder's `model.safetensors`, the word pieces from its
`tokenizer.json` (the `tokenizers` package), and the forward pass is the
standard post-LayerNorm BERT with exact GELU. The vectors match
sentence-transformers' to float precision (tests/indexer/test_embedding.py).

`lean_support(folder)` says why a folder cannot take this path; the factory in
`indexer.embedding` falls back to sentence-transformers then. With
`precision` bfloat16 or int8 the encoder's linear layers run in that
arithmetic (`indexer.embedding.precision`, which gives the measured speed
and how close the vectors stay).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Tokenizer

from indexer.embedding.base import ProgressFn, pick_device
from indexer.embedding.precision import FLOAT32, INT8, Layer, effective_precision, reduced_layers

logger = logging.getLogger(__name__)

WEIGHTS = "model.safetensors"
TOKENIZER = "tokenizer.json"


@dataclass(frozen=True)
class BertLayout:
    """What a sentence-transformers folder says about its BERT model."""

    folder: Path
    layers: int
    heads: int
    hidden: int
    eps: float
    max_seq_length: int


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _module_kinds(folder: Path) -> list[tuple[str, str]]:
    """(class name, sub-folder) of each module in modules.json."""
    modules = _read_json(folder / "modules.json")
    return [(str(m["type"]).rsplit(".", 1)[-1], str(m.get("path", ""))) for m in modules]


def inspect_folder(folder: Path) -> BertLayout | str:
    """The folder's BERT layout, or the reason the lean path cannot run it."""
    needed = ["modules.json", "config.json", WEIGHTS, TOKENIZER]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        return f"missing {', '.join(missing)}"
    kinds = _module_kinds(folder)
    names = [k for k, _ in kinds]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"modules are {names}, not Transformer + Pooling (+ Normalize)"
    if kinds[0][1] not in ("", "."):
        return f"the Transformer module lives in {kinds[0][1]!r}, not the folder itself"
    pooling = _read_json(folder / kinds[1][1] / "config.json")
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
    if modes != ["pooling_mode_mean_tokens"]:
        return f"pooling is {modes}, not mean pooling"
    config = _read_json(folder / "config.json")
    if config.get("model_type") != "bert":
        return f"model_type is {config.get('model_type')!r}, not 'bert'"
    if config.get("hidden_act", "gelu") != "gelu":
        return f"hidden_act is {config.get('hidden_act')!r}, not 'gelu'"
    if config.get("position_embedding_type", "absolute") != "absolute":
        return "position embeddings are not absolute"
    st_config_path = folder / "sentence_bert_config.json"
    st_config = _read_json(st_config_path) if st_config_path.is_file() else {}
    if st_config.get("do_lower_case"):
        return "sentence_bert_config.json asks for lower-casing outside the tokenizer"
    positions = int(config.get("max_position_embeddings", 512))
    return BertLayout(
        folder=folder,
        layers=int(config["num_hidden_layers"]),
        heads=int(config["num_attention_heads"]),
        hidden=int(config["hidden_size"]),
        eps=float(config.get("layer_norm_eps", 1e-12)),
        max_seq_length=min(int(st_config.get("max_seq_length") or positions), positions),
    )


def lean_support(folder: Path) -> str | None:
    """None when `folder` can take the lean path, else the reason it cannot."""
    found = inspect_folder(folder)
    return None if isinstance(found, BertLayout) else found


class BertEncoder:
    """The BERT forward pass and mean pooling over plain torch tensors."""

    def __init__(self, layout: BertLayout, device: str = "cpu", precision: str = FLOAT32) -> None:
        self.layout = layout
        self.device = device
        raw = load_file(str(layout.folder / WEIGHTS), device=device)
        # Some exports prefix every name with "bert."; the pooler head is unused.
        self.w = {k.removeprefix("bert."): v.float() for k, v in raw.items()}
        self.head_dim = layout.hidden // layout.heads
        self.precision = effective_precision(precision, device)
        # The encoder's linear layers in bfloat16 or int8 (None: float, as exported).
        self.reduced: dict[str, Layer] | None = reduced_layers(
            self.w, self.linear_layers(), self.precision
        )

    def linear_layers(self) -> list[str]:
        """The prefixes of the encoder's linear layers (six per BERT layer)."""
        names = (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
            "intermediate.dense",
            "output.dense",
        )
        return [f"encoder.layer.{i}.{n}" for i in range(self.layout.layers) for n in names]

    def _norm(self, x: torch.Tensor, prefix: str) -> torch.Tensor:
        weight, bias = self.w[f"{prefix}.weight"], self.w[f"{prefix}.bias"]
        return F.layer_norm(x, (self.layout.hidden,), weight, bias, self.layout.eps)

    def _linear(self, x: torch.Tensor, prefix: str) -> torch.Tensor:
        if self.reduced is not None:
            return self.reduced[prefix](x)
        return F.linear(x, self.w[f"{prefix}.weight"], self.w[f"{prefix}.bias"])

    def _heads(self, x: torch.Tensor, batch: int, length: int) -> torch.Tensor:
        return x.view(batch, length, self.layout.heads, self.head_dim).transpose(1, 2)

    def hidden(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The last hidden states, one per token, (batch, length, hidden)."""
        batch, length = ids.shape
        positions = torch.arange(length, device=ids.device)
        x = (
            self.w["embeddings.word_embeddings.weight"][ids]
            + self.w["embeddings.position_embeddings.weight"][positions]
            + self.w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        keep = mask.bool()[:, None, None, :]
        for i in range(self.layout.layers):
            p = f"encoder.layer.{i}"
            q = self._heads(self._linear(x, f"{p}.attention.self.query"), batch, length)
            k = self._heads(self._linear(x, f"{p}.attention.self.key"), batch, length)
            v = self._heads(self._linear(x, f"{p}.attention.self.value"), batch, length)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            ctx = ctx.transpose(1, 2).reshape(batch, length, self.layout.hidden)
            x = self._norm(
                x + self._linear(ctx, f"{p}.attention.output.dense"),
                f"{p}.attention.output.LayerNorm",
            )
            mid = F.gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._norm(x + self._linear(mid, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        return x

    def pooled(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean of the last hidden states over real tokens, (batch, hidden)."""
        x = self.hidden(ids, mask)
        weights = mask.unsqueeze(-1).to(x.dtype)
        return (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


class BertEmbedder:
    """An `Embedder` over `BertEncoder`, tokenised like sentence-transformers does."""

    def __init__(
        self,
        layout: BertLayout,
        name: str,
        device: str = "auto",
        batch_size: int = 32,
        precision: str = FLOAT32,
    ) -> None:
        # int8 runs on fbgemm's CPU kernels only
        self.device = "cpu" if precision == INT8 else pick_device(device)
        self.encoder = BertEncoder(layout, self.device, precision)
        self.tokenizer = Tokenizer.from_file(str(layout.folder / TOKENIZER))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=layout.max_seq_length)
        self.name = name
        self.dim = layout.hidden
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        length = max(len(e.ids) for e in encodings)
        ids = torch.zeros((len(texts), length), dtype=torch.long)
        mask = torch.zeros((len(texts), length), dtype=torch.long)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = torch.tensor(enc.ids, dtype=torch.long)
            mask[row, : len(enc.ids)] = 1
        with torch.inference_mode():
            pooled = self.encoder.pooled(ids.to(self.device), mask.to(self.device))
            unit = F.normalize(pooled, p=2, dim=1)
        return unit.cpu().numpy().astype(np.float32, copy=False)

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        # In reduced precision one text at a time. On int8 weights the activations'
        # 8-bit scale is taken over the whole input, so in a padded batch a text's
        # vector would depend on its neighbours (cosine 0.97 to the same text
        # alone); in bfloat16 the rounding follows the batch's shape (cosine
        # 0.99998), enough to move scores by 1e-4 between an index grown run by
        # run and a fresh build. Alone, a passage gets exactly the vector its
        # text gets as a query, and without padding it is also faster (one torch
        # thread: int8 38 against 26 passages/s in batches of 32, bfloat16 48.7
        # against 28.8 on 150 handbook passages; float weights in batches 9).
        step = self.batch_size if self.encoder.precision == FLOAT32 else 1
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            out[idx] = self._encode([texts[i] for i in idx])
            if progress:
                progress(len(idx))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]


def load_bert_embedder(
    folder: Path, name: str, device: str = "auto", batch_size: int = 32, precision: str = FLOAT32
) -> BertEmbedder:
    """The lean embedder for a folder `lean_support` accepted, in `precision`."""
    layout = inspect_folder(folder)
    if not isinstance(layout, BertLayout):
        raise ValueError(f"{folder} cannot take the lean BERT path: {layout}")
    return BertEmbedder(layout, name, device=device, batch_size=batch_size, precision=precision)
