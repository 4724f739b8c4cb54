"""The kinds of file a request may carry, told from their bytes, and safe names.

A file's name is what its sender chose and says nothing reliable: a
"report.pdf" may hold an HTML page with a script. So the kind is read from
the bytes (`sniff_kind`: the magic numbers of images and office formats, and
`kb.extract.factory.sniff_format` for documents and text); anything else is
refused. The kind decides the media type a download is served with: an HTML
page is served as `application/octet-stream`, so no browser renders it,
whatever else goes wrong. `safe_name` keeps the sender's name for the
download but gives it the extension of what it really is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from kb.extract.factory import sniff_format
from kb.extract.zipped import member_names

MAX_NAME_CHARS = 150


@dataclass(frozen=True)
class Kind:
    """One accepted kind of file. `extract_as` is the file name `kb.extract` reads
    it under (None: no text is taken from it); `extensions` the suffixes a name of
    this kind may keep."""

    name: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    extract_as: str | None = None


KINDS: tuple[Kind, ...] = (
    Kind("pdf", "PDF", "application/pdf", (".pdf",), "file.pdf"),
    Kind(
        "docx",
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "file.docx",
    ),
    Kind(
        "odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",), "file.odt"
    ),
    Kind(
        "xlsx",
        "Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    Kind(
        "txt",
        "text",
        "text/plain; charset=utf-8",
        (".txt", ".csv", ".log", ".md", ".json", ".xml", ".yml", ".yaml", ".ics", ".eml"),
        "file.txt",
    ),
    # Never served as HTML: a download only, opened by nobody's browser tab here.
    Kind("html", "HTML page", "application/octet-stream", (".html", ".htm"), "file.html"),
    Kind("png", "PNG image", "image/png", (".png",)),
    Kind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg")),
    Kind("gif", "GIF image", "image/gif", (".gif",)),
    Kind("webp", "WebP image", "image/webp", (".webp",)),
)
BY_NAME = {k.name: k for k in KINDS}
ACCEPTED = "PDF, DOCX, ODT, XLSX, TXT/CSV, HTML, PNG, JPEG, GIF, WebP"
# Control characters, and the marks that reorder text (a right-to-left override
# shows "report\u202efdp.html" as "reportlmth.pdf").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _image(data: bytes) -> Kind | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return BY_NAME["png"]
    if data.startswith(b"\xff\xd8\xff"):
        return BY_NAME["jpeg"]
    if data.startswith((b"GIF87a", b"GIF89a")):
        return BY_NAME["gif"]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return BY_NAME["webp"]
    return None


def _workbook(data: bytes) -> Kind | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    names = member_names(data)
    return BY_NAME["xlsx"] if names is not None and "xl/workbook.xml" in names else None


def sniff_kind(data: bytes) -> Kind | None:
    """The kind the bytes show, or None when they are none of the accepted ones."""
    if not data:
        return None
    found = _image(data) or _workbook(data)
    if found is not None:
        return found
    document = sniff_format(data)
    return BY_NAME.get(document.name) if document is not None else None


def safe_name(name: str, kind: Kind) -> str:
    """The sender's file name without folders, control characters or bidirectional
    marks, at most 150 characters, ending in an extension of the kind it really is."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _CONTROL.sub("", base).strip().strip(".") or "attachment"
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in kind.extensions:
        base = f"{base}{kind.extensions[0]}"
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        base = stem[: MAX_NAME_CHARS - len(ext) - 1] + dot + ext
    return base
