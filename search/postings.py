"""Reading a Whoosh index's postings and field lengths as numpy arrays.

Whoosh answers one posting at a time in Python; these read whole blocks.
A segment with deleted documents hides them behind a filtering matcher that
can only be walked posting by posting (on a segment of 10,000 passages a
common word then took ~10x as long to read), so `leaf_postings` reads the
blocks underneath and leaves the deleted documents to the caller's mask.
`live_frequencies` counts each word's live documents for the spelling
vocabulary, which must not offer or weigh words of deleted passages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from whoosh.util.numeric import byte_to_length

_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def leaf_postings(leaf: Any, pair: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and weights of a term in one segment; deleted documents
    may be included (the caller masks them)."""
    terms = getattr(leaf, "_terms", None)
    if terms is None or not leaf.has_deletions():
        return _decode(leaf.postings(*pair))
    # Whoosh 2.7's segment reader: its own term matcher, without the filter
    # that `postings` wraps around it when the segment has deletions.
    field, text = pair
    matcher = terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
    return _decode(matcher)


def live_documents(leaf: Any) -> np.ndarray:
    """Which documents of one segment are not deleted, as a boolean array."""
    live = np.zeros(int(leaf.doc_count_all()), dtype=bool)
    live[np.fromiter(leaf.all_doc_ids(), dtype=np.int64)] = True
    return live


def live_frequencies(reader: Any, fieldname: str) -> dict[str, int]:
    """Each term of a field → how many live documents hold it (terms of deleted
    documents only are left out), in term order. Segments without deletions
    answer from their term info; the others are counted from their postings."""
    counts: Counter[str] = Counter()
    for leaf, _ in reader.leaf_readers():
        if fieldname not in leaf.schema:
            continue
        if not leaf.has_deletions():
            for term, info in leaf.iter_field(fieldname):
                counts[_text(term)] += int(info.doc_frequency())
            continue
        live = live_documents(leaf)
        # deleted[i]: deleted documents before document i
        deleted = np.concatenate(([0], np.cumsum(~live)))
        for term, info in leaf.iter_field(fieldname):
            text = _text(term)
            found = _live_count(leaf, (fieldname, text), info, live, deleted)
            if found:
                counts[text] += found
    return dict(sorted(counts.items()))


def _live_count(
    leaf: Any, pair: tuple[str, str], info: Any, live: np.ndarray, deleted: np.ndarray
) -> int:
    """Live documents of one term, its postings read only when its first and
    last document leave it open (most words occur in one or two passages, and
    an article's passages lie next to each other, so most are answered from
    the term's information alone)."""
    frequency = int(info.doc_frequency())
    first, last = getattr(info, "min_id", None), getattr(info, "max_id", None)
    if first is not None and last is not None:
        low, high = int(first()), int(last())
        if deleted[high + 1] == deleted[low]:
            return frequency
        if frequency <= 2:
            return int(live[low]) + (int(live[high]) if frequency == 2 else 0)
    ids, _ = leaf_postings(leaf, pair)
    return int(live[ids].sum())


def _text(term: object) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _decode(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """All (document number, weight) postings of a Whoosh leaf matcher.

    Whole blocks are read through the matcher's block attributes (Whoosh 2.7's
    on-disk format); any other matcher is walked posting by posting."""
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    id_blocks: list[np.ndarray] = []
    weight_blocks: list[np.ndarray] = []
    while not matcher._atend:
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        id_blocks.append(np.asarray(matcher._ids, dtype=np.int64))
        weight_blocks.append(np.asarray(matcher._weights, dtype=np.float64))
        matcher._next_block()
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


def leaf_lengths(leaf: Any, field: str) -> np.ndarray:
    """Field lengths of one segment's documents, as Whoosh stores them (one byte each)."""
    count = int(leaf.doc_count_all())
    perdoc = getattr(leaf, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is not None:
        codes = np.fromiter(column, dtype=np.uint8, count=count)
        return _BYTE_LENGTHS[codes]
    return np.array(
        [leaf.doc_field_length(d, field, 0) or 0 for d in range(count)], dtype=np.float64
    )


def most_frequent(reader: Any, fields: Sequence[str], budget: int) -> list[tuple[str, str]]:
    """The (field, term) pairs of `fields` with the most postings, most first,
    as many as fit in `budget` postings."""
    found: list[tuple[int, tuple[str, str]]] = []
    for name in fields:
        if name not in reader.schema:
            continue
        for term, info in reader.iter_field(name):
            text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            found.append((int(info.doc_frequency()), (name, text)))
    found.sort(key=lambda item: -item[0])
    chosen: list[tuple[str, str]] = []
    total = 0
    for count, pair in found:
        if total + count > budget:
            break
        chosen.append(pair)
        total += count
    return chosen
