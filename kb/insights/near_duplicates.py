"""Near-duplicate articles: MinHash signatures with banding, found once per set of texts.

Shingling every published article was most of a content-health visit's
processor time (500 articles: about 300 ms, the queries and the page 140 ms
together), and the texts change only when an article does. So the pairs of
one set of texts are found once per process (`near_duplicates` keeps the
last two), and, given a `shared` folder (the index folder's `insights/`,
`kb.insights.factory`), once for all the processes of a node: the first to
need the pairs of a set of texts finds them under a file lock and writes
them, with a digest of the texts, in one rename; the others wait on the lock
and read them. One file is kept, for the latest texts: a new snapshot whose
texts differ replaces it.

The file is trusted only for the very texts of its digest, so a shared
result is always the one this process would find. A folder that cannot be
written (a read-only index) leaves each process to find its own.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from kb.records import Article

logger = logging.getLogger(__name__)

DUPLICATE_JACCARD = 0.6
SHARED_FILE = "near-duplicates.json"
_LOCK_FILE = ".near-duplicates.lock"
_FORMAT = 1
_SHINGLE = 5
_HASHES = 64
_BANDS = 16

Pair = tuple[str, str, float]
Texts = tuple[tuple[str, str], ...]


def near_duplicates(
    articles: Iterable[Article], threshold: float = DUPLICATE_JACCARD, shared: Path | None = None
) -> list[Pair]:
    """Pairs of articles whose texts share at least `threshold` of their shingles,
    (first id, second id, share rounded to 3 places) in the articles' order;
    with `shared`, found once for every process that shares that folder."""
    texts = tuple((a.id, text) for a in articles if (text := a.plain_text).strip())
    return list(_pairs_once(texts, threshold, shared))


@lru_cache(maxsize=2)
def _pairs_once(texts: Texts, threshold: float, shared: Path | None) -> tuple[Pair, ...]:
    if shared is None:
        return find_pairs(texts, threshold)
    return shared_pairs(shared, texts, threshold)


def shared_pairs(folder: Path, texts: Texts, threshold: float) -> tuple[Pair, ...]:
    """The pairs of `texts` from `folder`'s file when it holds those of these
    very texts, else found here, under the folder's lock, and written there."""
    digest = texts_digest(texts, threshold)
    found = _read(folder / SHARED_FILE, digest)
    if found is not None:
        return found
    try:
        folder.mkdir(exist_ok=True)  # in an index folder that exists, never making one
        lock = (folder / _LOCK_FILE).open("a")
    except FileNotFoundError:  # no index folder (yet): nobody to share with
        return find_pairs(texts, threshold)
    except OSError as exc:
        logger.warning("near-duplicates not shared through %s: %s", folder, exc)
        return find_pairs(texts, threshold)
    with lock:  # closing the file releases the lock, as does a process that dies
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = _read(folder / SHARED_FILE, digest)  # another process came first
        if found is None:
            found = find_pairs(texts, threshold)
            _write(folder / SHARED_FILE, digest, found)
    return found


def texts_digest(texts: Texts, threshold: float) -> str:
    """What names one set of texts and the way their pairs are found."""
    digest = hashlib.sha256(f"{_FORMAT}|{threshold}|{_SHINGLE}|{_HASHES}|{_BANDS}".encode())
    for aid, text in texts:
        for part in (aid, text):
            raw = part.encode("utf-8", "surrogatepass")
            digest.update(len(raw).to_bytes(8, "little") + raw)
    return digest.hexdigest()


def _read(path: Path, digest: str) -> tuple[Pair, ...] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # written whole, so only damage gets here
        logger.warning("%s is unreadable, the near-duplicates are found again: %s", path, exc)
        return None
    if not isinstance(data, dict) or data.get("texts") != digest:
        return None
    try:
        return tuple((str(a), str(b), float(j)) for a, b, j in data["pairs"])
    except (KeyError, TypeError, ValueError):
        logger.warning("%s is damaged, the near-duplicates are found again", path)
        return None


def _write(path: Path, digest: str, pairs: tuple[Pair, ...]) -> None:
    """Replace `path` in one rename, so that a reader finds the old file or the new."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"texts": digest, "pairs": pairs}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        logger.warning("near-duplicates not shared through %s: %s", path.parent, exc)


def find_pairs(texts: Texts, threshold: float) -> tuple[Pair, ...]:
    """The pairs of `texts`, found here: candidates by MinHash banding, then
    their exact share of shingles (so the work grows with the number of
    articles, not its square)."""
    items = [(aid, _shingles(text)) for aid, text in texts]
    if len(items) < 2:
        return ()
    rng = np.random.default_rng(1)
    a = rng.integers(1, 2**61 - 1, size=_HASHES, dtype=np.uint64)
    b = rng.integers(0, 2**61 - 1, size=_HASHES, dtype=np.uint64)
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    rows = _HASHES // _BANDS
    for index, (_, shingles) in enumerate(items):
        values = np.fromiter(shingles, dtype=np.uint64)
        signature = ((values[:, None] * a + b) % np.uint64(2**61 - 1)).min(axis=0)
        for band in range(_BANDS):
            buckets[(band, signature[band * rows : (band + 1) * rows].tobytes())].append(index)
    candidates = {(i, j) for group in buckets.values() for i in group for j in group if i < j}
    pairs = []
    for i, j in sorted(candidates):
        left, right = items[i][1], items[j][1]
        jaccard = len(left & right) / len(left | right)
        if jaccard >= threshold:
            pairs.append((items[i][0], items[j][0], round(jaccard, 3)))
    return tuple(pairs)


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    grams = (" ".join(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1)))
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    }
