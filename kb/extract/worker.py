"""The extraction worker: a child process that extracts one file at a time.

Started by `kb.extract.sandbox`, it imports every extractor, then caps its own
address space at what it uses plus the memory budget, and answers requests
on stdin/stdout (length-prefixed JSON, then the file's bytes) until stdin
closes. A file that needs more memory gets a MemoryError here or kills the
process; either way the parent reports it and starts a fresh worker.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import sys
from typing import BinaryIO

from kb.extract.base import ExtractionError, Limits
from kb.extract.factory import extract, preload

_LENGTH = struct.Struct(">Q")


def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


_LIMIT = {"bytes": 0}
# An allocation that fails inside a C library (libxml2 says "unknown error")
# surfaces as a parse error; a peak this close to the cap means memory ran out.
_NEAR_LIMIT = 32 * 1024 * 1024


def _virtual_memory_bytes(field: str = "VmSize") -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cap_memory(budget_mb: int) -> None:
    used = _virtual_memory_bytes()
    if used:
        limit = used + budget_mb * 1024 * 1024
        _LIMIT["bytes"] = limit
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _came_near_the_cap(peak_before: int) -> bool:
    """Whether this extraction took the worker's peak within `_NEAR_LIMIT` of
    its cap. VmPeak is the process's whole life's and cannot be reset, so only
    a peak this extraction raised counts: a file that came near the cap and was
    read would otherwise make a damaged file after it "memory"."""
    limit = _LIMIT["bytes"]
    peak = _virtual_memory_bytes("VmPeak")
    return bool(limit) and peak > peak_before and peak > limit - _NEAR_LIMIT


def _answer(header: dict[str, object], data: bytes) -> dict[str, object]:
    peak_before = _virtual_memory_bytes("VmPeak")
    answer = _extract(header, data)
    if not _came_near_the_cap(peak_before):
        return answer
    error = answer.get("error")
    if isinstance(error, dict) and error.get("kind") == "malformed":
        return {"error": {"kind": "memory", "message": "", "hint": ""}}
    # Read within the budget, but the peak now stands near the cap: a later
    # file that fails there could not be told from this one's peak, so the
    # parent takes a fresh worker for the next file.
    return {**answer, "retire": True}


def _extract(header: dict[str, object], data: bytes) -> dict[str, object]:
    limits = Limits(**header["limits"])  # type: ignore[arg-type]
    try:
        return {"document": extract(data, str(header["name"]), limits).to_dict()}
    except ExtractionError as exc:
        return {"error": exc.to_dict()}
    except MemoryError:
        return {"error": {"kind": "memory", "message": "", "hint": ""}}
    except RecursionError:
        return {
            "error": {
                "kind": "malformed",
                "message": "file is nested too deeply to read",
                "hint": "open it in the program that made it and save it again",
            }
        }
    except Exception as exc:  # noqa: BLE001 - a library's bug must not end the worker
        return {
            "error": {
                "kind": "malformed",
                "message": f"file could not be read ({type(exc).__name__}: {exc})",
                "hint": "open it in the program that made it and save it again",
            }
        }


def main() -> None:
    budget_mb = int(sys.argv[1])
    preload()
    _cap_memory(budget_mb)
    # Frames go to a private copy of stdout; anything a library prints goes to stderr.
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer
    write_frame(stdout, b'{"ready": true}')
    while True:
        header = read_frame(stdin)
        data = read_frame(stdin) if header is not None else None
        if header is None or data is None:
            return
        write_frame(stdout, json.dumps(_answer(json.loads(header), data)).encode("utf-8"))


if __name__ == "__main__":
    main()
