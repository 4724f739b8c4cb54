"""Extraction as callers use it: cached by content hash, run in the sandbox.

`DocumentReader` is the one object the indexer (and request attachments)
need: give it (key, bytes, file name) jobs, get back a document or a problem
for each. Only files whose content was never seen go to a worker; workers are
started on the first such file, so a warm run starts none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from kb.extract.base import ExtractionError, Limits
from kb.extract.cache import ExtractionCache
from kb.extract.document import ExtractedDocument
from kb.extract.factory import extractor_version, format_for, precheck
from kb.extract.sandbox import ExtractionSandbox

K = TypeVar("K")
Result = ExtractedDocument | ExtractionError


@dataclass
class ReaderStats:
    """What a reader did: files extracted in a worker, and answered from the cache."""

    extracted: int = 0
    cached: int = 0
    seconds: float = 0.0


def content_key(data: bytes, name: str) -> str:
    fmt = format_for(name)
    return f"{hashlib.sha256(data).hexdigest()}:{fmt.name if fmt else 'unknown'}"


class DocumentReader:
    """Cached, sandboxed extraction; use as a context manager or call `close()`."""

    def __init__(self, limits: Limits, cache_path: Path | None = None, workers: int = 1) -> None:
        self.limits = limits
        self.cache = ExtractionCache(cache_path) if cache_path else None
        self.sandbox = ExtractionSandbox(limits, workers)
        self.stats = ReaderStats()

    def __enter__(self) -> DocumentReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, data: bytes, name: str) -> ExtractedDocument:
        """One file's document; raises `ExtractionError`."""
        for _, result in self.read_many([(None, data, name)]):
            if isinstance(result, ExtractionError):
                raise result
            return result
        raise AssertionError("read_many answers every job")

    def read_many(self, jobs: Iterable[tuple[K, bytes, str]]) -> Iterator[tuple[K, Result]]:
        """(key, document or problem) for every job; cached answers come first."""
        import time

        fresh: list[tuple[tuple[K, str, str], bytes, str]] = []
        for key, data, name in jobs:
            try:
                precheck(data, name, self.limits)
            except ExtractionError as exc:
                yield key, exc
                continue
            ckey, version = content_key(data, name), extractor_version(name)
            cached = self.cache.get(ckey, version) if self.cache is not None else None
            if cached is not None:
                self.stats.cached += 1
                yield key, cached
            else:
                fresh.append(((key, ckey, version), data, name))
        started = time.perf_counter()
        for (key, ckey, version), result in self.sandbox.extract_many(fresh):
            self.stats.extracted += 1
            if self.cache is not None:
                self.cache.put(ckey, version, result)
            yield key, result
        self.stats.seconds += time.perf_counter() - started

    def close(self) -> None:
        self.sandbox.close()
        if self.cache is not None:
            self.cache.close()
