"""The table of formats and the one entry point that picks an extractor.

A format is chosen from the file name (content owners name their files) and
then checked against the bytes, so a PDF renamed to `.docx` is reported as
what it is instead of failing deep inside a library. `sniff_format` tells the
format from the bytes alone, for uploads whose names cannot be trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from kb.extract.base import Limits, human_size
from kb.extract.document import ExtractedDocument
from kb.extract.problem_texts import DOCUMENT_TEXTS, UNSUPPORTED_KEYS, document_error, malformed
from kb.extract.zipped import member_names

# Part of every key an extraction is kept under (`extractor_version`): raise it
# whenever extraction changes its output for every format (the document's
# fields, its title); a change of one format's extractor raises that format's
# `version` instead, so that the files of the other formats are not read again.
# 28: a placeholder title property ("untitled") is no title; 29: a leading heading
# that repeats the title is not shown below it on the page; 30: a placeholder
# author ("(anonymous)", "Microsoft Office User") is no author
EXTRACTION_VERSION = 30


@dataclass(frozen=True)
class Format:
    """One readable document format."""

    name: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    # This format's extractor: raise it whenever it reads the same file otherwise
    # (a fix included: a problem it reported is kept until the version changes).
    version: int = 0


FORMATS: tuple[Format, ...] = (
    Format(
        "pdf",
        "PDF",
        "application/pdf",
        (".pdf",),
        # 1: a numbered heading is not glued to a title of its size above it;
        # 2: a table's first row set in bold or a larger font is its header
        version=2,
    ),
    Format(
        "docx",
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        # 1: a style id holding a quote (") is read, no longer "malformed";
        # 2: the words after an entity reference kept, a symbol run's character read;
        # 3: a table's rows repeated as its header are its header
        version=3,
    ),
    Format(
        "odt",
        "OpenDocument text",
        "application/vnd.oasis.opendocument.text",
        (".odt",),
        version=1,  # 1: a table's header rows are its header
    ),
    Format(
        "html",
        "HTML page",
        "text/html; charset=utf-8",
        (".html", ".htm"),
        # 1: the frame of a page written before HTML5 (ids `content`, `nav`…) left out;
        # 2: a title that adds the site name to the first heading is that heading;
        # 3: a table's header cells (`th`, `thead`) are its header
        version=3,
    ),
    Format("txt", "text file", "text/plain; charset=utf-8", (".txt",)),
)
BY_NAME = {f.name: f for f in FORMATS}
BY_EXTENSION = {ext: f for f in FORMATS for ext in f.extensions}
# Formats people keep next to these that cannot be read: said once, not ignored silently.
UNSUPPORTED = {suffix: DOCUMENT_TEXTS[key][0] for suffix, key in UNSUPPORTED_KEYS.items()}


def format_for(name: str) -> Format | None:
    """The format a file name says, or None for files that are not documents."""
    return BY_EXTENSION.get(PurePosixPath(name).suffix.lower())


def extractor_version(name: str) -> str:
    """The version of the extraction that reads a file called `name`: the shared
    `EXTRACTION_VERSION` and its format's own. The extraction cache, a document's
    content hash and its stamp hold it, so that a fixed extractor reads every
    file of its format again with the next index run, problems it cached
    included. A format whose version was never raised answers the shared one
    alone, as the keys kept before format versions were."""
    fmt = format_for(name)
    if fmt is None or not fmt.version:
        return str(EXTRACTION_VERSION)
    return f"{EXTRACTION_VERSION}.{fmt.name}{fmt.version}"


def sniff_format(data: bytes) -> Format | None:
    """The format the bytes themselves show, or None when they are none of ours."""
    head = data[:1024]
    if b"%PDF-" in head:
        return BY_NAME["pdf"]
    if data.startswith(b"PK\x03\x04"):
        names = member_names(data)
        if names is None:
            return None
        if "word/document.xml" in names:
            return BY_NAME["docx"]
        if (
            "content.xml" in names
            and data[30:38] == b"mimetype"
            and b"opendocument.text" in data[38:120]
        ):
            return BY_NAME["odt"]
        return None
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return BY_NAME["html"]
    return BY_NAME["txt"]


def _extractor(name: str) -> Callable[[bytes, Limits], ExtractedDocument]:
    # Imported on demand: a worker that only ever reads text files never loads PDFium.
    if name == "pdf":
        from kb.extract.pdf import extract_pdf

        return extract_pdf
    if name == "docx":
        from kb.extract.word import extract_docx

        return extract_docx
    if name == "odt":
        from kb.extract.odt import extract_odt

        return extract_odt
    if name == "html":
        from kb.extract.html_pages import extract_html

        return extract_html
    from kb.extract.plain_text import extract_text

    return extract_text


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Microsoft's compound file, before OOXML
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def password_protected(data: bytes) -> bool:
    """Whether the bytes are an Office file saved with a password to open it: Word
    then writes no zip, but the encrypted zip inside Microsoft's older container."""
    return data.startswith(_OLE) and _ENCRYPTED_PACKAGE in data


def check_type(data: bytes, fmt: Format) -> None:
    """Raise when the bytes are clearly another format than the name says."""
    if fmt.name in {"docx", "odt"} and data.startswith(_OLE):
        if password_protected(data):
            raise document_error("encrypted", "document_encrypted_word", what=fmt.label)
        raise malformed(
            fmt.label, "it is really a Word 97-2003 document (.doc); save it as .docx or PDF"
        )
    seen = sniff_format(data)
    textual = {"html", "txt"}
    if seen is None and fmt.name in textual:
        raise malformed(fmt.label, "the file holds binary data")
    if seen is not None and seen.name != fmt.name and not {seen.name, fmt.name} <= textual:
        raise malformed(
            fmt.label, f"it is really a {seen.label} (rename it to {seen.extensions[0]})"
        )


def precheck(data: bytes, name: str, limits: Limits) -> Format:
    """The checks that need no library: known format, size, not empty, right type."""
    fmt = format_for(name)
    if fmt is None:
        suffix = PurePosixPath(name).suffix.lower()
        if not suffix:
            raise document_error("unsupported", "document_unsupported_no_extension")
        key = UNSUPPORTED_KEYS.get(suffix, "document_unsupported")
        raise document_error("unsupported", key, suffix=suffix)
    if len(data) > limits.max_bytes:
        raise document_error(
            "too_large",
            "document_too_large",
            size=human_size(len(data)),
            limit=human_size(limits.max_bytes),
        )
    if not data.strip():
        raise document_error("empty", "document_empty")
    check_type(data, fmt)
    return fmt


def extract(data: bytes, name: str, limits: Limits) -> ExtractedDocument:
    """Extract the document in `data`, a file called `name`, in this process.

    Raises `ExtractionError`. Callers that read files from other people should
    use `kb.extract.sandbox`, which runs this under a time and memory budget."""
    fmt = precheck(data, name, limits)
    document = _extractor(fmt.name)(data, limits)
    if not document.text.strip() and fmt.name != "pdf":
        raise document_error("empty", "document_no_text", what=fmt.label)
    return document


def preload() -> None:
    """Import every extractor now (a worker does this once, before its memory limit)."""
    for fmt in FORMATS:
        _extractor(fmt.name)
