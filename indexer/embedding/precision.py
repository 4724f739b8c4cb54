"""Cheaper arithmetic for the lean BERT path: bfloat16 or 8-bit linear layers.

all-MiniLM-L6-v2 spends almost all of a query's CPU time in the encoder's
36 linear layers. Measured on one thread (`benchmarks.ensemble_cost` and
docs/search.md, "A second embedding model, fused with the first"):

- `bfloat16`: weights and activations rounded to bfloat16, accumulated in
  float (oneDNN's kernels on CPUs with AVX-512 BF16 or AMX): a 50-word
  question 37 → 16 ms under load, cosine 0.99999 to the float vector, so
  its vectors stand for the float ones. Where the CPU has no bfloat16
  support it would be emulated and slower: float32 is used then, with a
  warning.
- `int8`: per-channel int8 weights, activations quantized on the fly
  (torch's dynamic quantization, fbgemm/x86 kernels): 37 → 12 ms, but
  cosine about 0.98 to the float vector (per-tensor weights: 0.93); most
  of the error is in the feed-forward output layer, whose inputs have
  outliers. Its vectors are named apart (`factory.INT8_SUFFIX`).

The int8 tensors come from torch's own `torch.ao.nn.quantized.dynamic`
modules: torch 2.13 marks their construction deprecated (a warning, kept
quiet here; the kernels themselves are current), so a torch upgrade must
re-run `tests/indexer/test_precision.py`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping

import torch
import torch.nn.functional as F
from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear
from torch.ao.quantization import per_channel_dynamic_qconfig

logger = logging.getLogger(__name__)

FLOAT32 = "float32"
BFLOAT16 = "bfloat16"
INT8 = "int8"
PRECISIONS = (FLOAT32, BFLOAT16, INT8)

Layer = Callable[[torch.Tensor], torch.Tensor]


def bfloat16_supported() -> bool:
    """Whether this CPU multiplies bfloat16 natively (oneDNN's test)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def effective_precision(precision: str, device: str) -> str:
    """The precision the lean path will run: `precision`, or float32 where
    bfloat16 would not pay (a GPU device, a CPU without bfloat16)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision == FLOAT32:
        return precision
    if device != "cpu":
        if precision == INT8:
            raise ValueError(f"int8 embedding runs on the CPU only, not on {device!r}")
        return FLOAT32  # a GPU is fast enough in float32; these kernels are the CPU's
    if not bfloat16_supported() and precision == BFLOAT16:
        logger.warning("this CPU has no bfloat16 arithmetic: embedding in float32")
        return FLOAT32
    return precision


def int8_layer(weight: torch.Tensor, bias: torch.Tensor) -> Layer:
    """`F.linear(x, weight, bias)` on int8 weights (one scale per output row)."""
    out_features, in_features = weight.shape
    linear = torch.nn.Linear(in_features, out_features)
    with torch.no_grad():
        linear.weight.copy_(weight)
        linear.bias.copy_(bias)
    linear.qconfig = per_channel_dynamic_qconfig  # type: ignore[assignment]
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r".*quantize_per_.*deprecated", category=UserWarning
        )
        layer = DynamicLinear.from_float(linear)
    layer.eval()
    return layer


def bfloat16_layer(weight: torch.Tensor, bias: torch.Tensor) -> Layer:
    """`F.linear(x, weight, bias)` in bfloat16, handing back float32."""
    w, b = weight.to(torch.bfloat16), bias.to(torch.bfloat16)

    def linear(x: torch.Tensor) -> torch.Tensor:
        return F.linear(x.to(torch.bfloat16), w, b).float()

    return linear


def reduced_layers(
    weights: Mapping[str, torch.Tensor], prefixes: list[str], precision: str
) -> dict[str, Layer] | None:
    """Each linear layer `prefix` (with `prefix.weight` and `prefix.bias`) in
    `precision`; None for float32 (the caller's own float path)."""
    if precision == FLOAT32:
        return None
    make = int8_layer if precision == INT8 else bfloat16_layer
    return {p: make(weights[f"{p}.weight"], weights[f"{p}.bias"]) for p in prefixes}
