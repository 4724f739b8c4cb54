"""Zip containers (DOCX, ODT): checked before any library unpacks them.

A zip bomb is a small file whose members expand to gigabytes. The sizes a zip
declares are what Python's `zipfile` reads up to (it stops at the declared
size and fails the CRC check if the data goes on), so summing the declared
sizes bounds what any later reader can unpack; the sandbox's memory limit is
the second line of defence.
"""

from __future__ import annotations

import io
import zipfile

from kb.extract.base import ExtractionError, Limits, malformed

MAX_MEMBERS = 10_000


def open_zip(data: bytes, what: str, limits: Limits, required: str) -> zipfile.ZipFile:
    """The zip in `data`, after checking it is one, holds `required` and is no bomb."""
    if not data.startswith(b"PK"):
        raise malformed(what, "it is not a zip container (was it renamed from another type?)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise malformed(what, exc) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > limits.max_unpacked_bytes:
        raise ExtractionError(
            "zip_bomb",
            f"{what} would unpack to {unpacked / 1e6:,.0f} MB in {len(members):,} parts "
            f"(limit {limits.max_unpacked_bytes / 1e6:,.0f} MB): a zip bomb?",
            "remove the file; a real document is never this large unpacked",
        )
    if required not in archive.namelist():
        raise malformed(what, f"{required} is missing")
    return archive
