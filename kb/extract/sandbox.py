"""Extraction under a time and memory budget, in worker processes.

PDF and Office parsers are large C and Python libraries fed with files from
many hands; a hostile or broken file can make one loop, allocate without end
or crash. So extraction never runs in the indexer's (or the web app's)
process: each worker (`kb.extract.worker`) caps its own address space at
start (RLIMIT_AS: what it uses after importing the extractors plus
`memory_mb`), and the parent kills it when a file takes longer than `seconds`.
Either way the file gets one problem line and a fresh worker takes the next
file. Workers are started once and reused (all but one whose peak came near
its cap, `kb.extract.worker`): starting one costs an interpreter and the
extractor imports, far more than a typical file's extraction.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from typing import TypeVar

from kb.extract.base import ExtractionError, Limits
from kb.extract.document import ExtractedDocument
from kb.extract.factory import precheck
from kb.extract.problem_texts import document_error
from kb.extract.worker import _LENGTH

logger = logging.getLogger(__name__)
K = TypeVar("K")
START_SECONDS = 60.0


def memory_problem(limits: Limits) -> ExtractionError:
    return document_error("memory", "document_memory", limit=limits.memory_mb)


class _Worker:
    """One worker process and the pipe protocol to it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kb.extract.worker", str(limits.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        ready = self._read(time.monotonic() + START_SECONDS)
        if ready is None:
            self.kill()
            raise document_error("crashed", "document_worker_not_started")

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while size > 0:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise TimeoutError
                chunk = os.read(fd, min(size, 1 << 20))
                if not chunk:
                    return None
                chunks.append(chunk)
                size -= len(chunk)
        return b"".join(chunks)

    def _read(self, deadline: float) -> bytes | None:
        head = self._read_exact(_LENGTH.size, deadline)
        if head is None:
            return None
        return self._read_exact(_LENGTH.unpack(head)[0], deadline)

    def extract(self, data: bytes, name: str) -> ExtractedDocument:
        assert self.proc.stdin is not None
        header = json.dumps({"name": name, "limits": asdict(self.limits)}).encode()
        try:
            self.proc.stdin.write(_LENGTH.pack(len(header)) + header + _LENGTH.pack(len(data)))
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
            answer = self._read(time.monotonic() + self.limits.seconds)
        except TimeoutError:
            self.kill()
            raise document_error(
                "timeout", "document_timeout", limit=f"{self.limits.seconds:g}"
            ) from None
        except (BrokenPipeError, OSError):
            answer = None
        if answer is None:
            code = self.kill()
            logger.info("extraction worker for %s ended with %s", name, code)
            raise (
                memory_problem(self.limits)
                if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, 1)
                else document_error("crashed", "document_crashed")
            )
        result = json.loads(answer)
        if result.get("retire"):
            self.kill()  # its peak came near the cap: see kb.extract.worker._answer
        if "error" in result:
            error = ExtractionError.from_dict(result["error"])
            if error.kind == "memory":
                self.kill()  # a worker that ran out of memory may be left in a poor state
                raise memory_problem(self.limits)
            raise error
        return ExtractedDocument.from_dict(result["document"])

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        return self.proc.wait()

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.kill()


class ExtractionSandbox:
    """Extracts files in up to `workers` worker processes, each file under `limits`."""

    def __init__(self, limits: Limits, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        self.limits = limits
        self.workers = workers
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []

    def __enter__(self) -> ExtractionSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> _Worker:
        try:
            worker = self._idle.get_nowait()
            if worker.alive:
                return worker
        except queue.Empty:
            pass
        worker = _Worker(self.limits)
        self._all.append(worker)
        return worker

    def extract(self, data: bytes, name: str) -> ExtractedDocument:
        """One file's document; raises `ExtractionError` for every kind of failure."""
        precheck(data, name, self.limits)
        worker = self._take()
        try:
            return worker.extract(data, name)
        finally:
            if worker.alive:
                self._idle.put(worker)

    def extract_many(
        self, jobs: Iterable[tuple[K, bytes, str]]
    ) -> Iterator[tuple[K, ExtractedDocument | ExtractionError]]:
        """(key, document or problem) for each (key, data, name), in the order given."""

        def one(job: tuple[K, bytes, str]) -> tuple[K, ExtractedDocument | ExtractionError]:
            key, data, name = job
            try:
                return key, self.extract(data, name)
            except ExtractionError as exc:
                return key, exc

        if self.workers == 1:
            yield from map(one, jobs)
            return
        # A bounded window keeps only a few files' bytes in memory at a time.
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque[Future[tuple[K, ExtractedDocument | ExtractionError]]] = deque()
            for job in jobs:
                pending.append(pool.submit(one, job))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def worker_peaks_mb(self) -> list[int]:
        """Peak resident memory (MB) of each live worker, for benchmarks and diagnostics."""
        peaks = []
        for worker in self._all:
            try:
                with open(f"/proc/{worker.proc.pid}/status", encoding="ascii") as status:
                    line = next(x for x in status if x.startswith("VmHWM:"))
            except (OSError, StopIteration):
                continue
            peaks.append(int(line.split()[1]) // 1024)
        return peaks

    def close(self) -> None:
        for worker in self._all:
            worker.close()
        self._all.clear()
