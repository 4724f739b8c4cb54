"""Zip containers (DOCX, ODT): checked before any library unpacks them.

A zip bomb is a small file whose members expand to gigabytes. The sizes a zip
declares are what Python's `zipfile` returns at most (it cuts at the declared
size and fails the CRC check if the data goes on), so summing the declared
sizes bounds what any later reader is given. It does not bound what one read
inflates on the way: `zipfile` inflates a member's compressed bytes in one
piece before cutting them (a member declaring 5,000 bytes whose 0.5 MB
inflate to 512 MB was tried in the review of 6 December), so the sandbox's
memory limit is what stops a member whose declared size lies; the web app's
own process only ever lists the members (`member_names`), never reads one.

Even listing a zip's members costs time and memory per member, and telling a
file's kind (`member_names`) lists them in the web app's own process, before
any sandbox: 120,000 empty members fit in a 10 MB attachment and took 6 s and
130 MB to list. So the members are counted first, by the signature each entry
of the central directory starts with, and a zip of more than `MAX_MEMBERS` is
not listed at all.
"""

from __future__ import annotations

import io
import zipfile

from kb.extract.base import ExtractionError, Limits
from kb.extract.problem_texts import document_error, malformed

MAX_MEMBERS = 10_000
# Every entry of a zip's central directory starts with this; `zipfile` reads no
# entry without it, so its count bounds the entries any reader lists.
CENTRAL_ENTRY = b"PK\x01\x02"


def member_names(data: bytes) -> set[str] | None:
    """The member names of the zip in `data`; None when it is none, or holds more
    members than `MAX_MEMBERS` (nothing is listed then)."""
    if data.count(CENTRAL_ENTRY) > MAX_MEMBERS:
        return None
    try:
        return set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def open_zip(data: bytes, what: str, limits: Limits, required: str) -> zipfile.ZipFile:
    """The zip in `data`, after checking it is one, holds `required` and is no bomb."""
    if not data.startswith(b"PK"):
        raise malformed(what, "it is not a zip container (was it renamed from another type?)")
    if data.count(CENTRAL_ENTRY) > MAX_MEMBERS:
        raise _bomb(what, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise malformed(what, exc) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > limits.max_unpacked_bytes:
        raise _bomb(what, limits, size=f"{unpacked / 1e6:,.0f} MB", count=f"{len(members):,}")
    if required not in archive.namelist():
        raise malformed(what, f"{required} is missing")
    return archive


def _bomb(what: str, limits: Limits, **unpacked: str) -> ExtractionError:
    """A zip that would unpack past the limits: to `size` in `count` parts, or
    (none given) to more parts than any document has."""
    return document_error(
        "zip_bomb",
        "document_zip_bomb" if unpacked else "document_zip_bomb_parts",
        what=what,
        limit=f"{limits.max_unpacked_bytes / 1e6:,.0f}",
        parts=f"{MAX_MEMBERS:,}",
        **unpacked,
    )
