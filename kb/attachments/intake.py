"""Checking uploads and reading their text, before anything is stored.

Every upload is checked against the limits (the settings
`attachment_max_bytes` per file and `attachment_max_count` per request) and
its kind is told from its bytes (`kb.attachments.kinds`); a file that fails
is refused with `AttachmentRefused` (400), saying which file and why, in the
reader's language, and nothing of the upload is kept.

The text of documents (PDF, DOCX, ODT, plain text, HTML) is read with
`kb.extract`'s `DocumentReader`: in a sandboxed worker process, under the
extraction time and memory limits, cached by content. The files of one upload
share one budget of that time (`read_texts`): each may take the limit, and ten
of them held a web worker past gunicorn's 120 s (the upload was lost) and the
process's other uploads with it. A document whose text
cannot be read (encrypted, scanned, damaged) is still attached; its
`text_problem` says why. The reader is shared by the threads of a process,
so reading is serialised here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from kb.attachments.kinds import ACCEPTED, Kind, safe_name, sniff_kind
from kb.attachments.records import Upload
from kb.errors import ValidationError
from kb.extract.base import ExtractionError
from kb.extract.document import ExtractedDocument
from kb.i18n.catalog import domain_catalog, format_decimal, format_size

MAX_TEXT_CHARS = 200_000
# Seconds the files of one upload may take to read, together (the default of
# the setting extract_seconds, the time one document may take).
DEFAULT_BUDGET_SECONDS = 30.0


class TextReader(Protocol):
    """What reading a document needs (`kb.extract.reader.DocumentReader`)."""

    def read(self, data: bytes, name: str) -> ExtractedDocument: ...


class AttachmentRefused(ValidationError):
    """An upload that may not be attached; the text is `attachment_<reason>` of the
    domain's catalogue (forms.po), in the reader's language."""

    def __init__(self, reason: str, **values: Any) -> None:
        self.reason = reason
        text = domain_catalog().translate("en", f"attachment_{reason}", **_shown(values, "en"))
        super().__init__(text, details={"field": "file", "reason": reason}, values=values)

    def message_in(self, lang: str, **shown: Any) -> str:
        texts = domain_catalog()
        return texts.translate(lang, f"attachment_{self.reason}", **_shown(self.values, lang))


def _shown(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """The values as the reader writes them: a file's `size` and the `limit` (bytes)
    with the language's decimal mark ("10,0 MB" in German)."""
    if isinstance(values.get("size"), int) and isinstance(values.get("limit"), int):
        size, limit = values["size"], values["limit"]
        return {**values, "size": size_beside(size, limit, lang), "limit": format_size(lang, limit)}
    return values


@dataclass(frozen=True)
class AttachmentLimits:
    max_bytes: int = 10_000_000
    max_count: int = 10


@dataclass(frozen=True)
class Prepared:
    """An upload that passed: its safe name, bytes, kind and text (or why none)."""

    name: str
    data: bytes
    kind: Kind
    text: str = ""
    text_problem: str = ""


def size_beside(size: int, limit: int, lang: str = "en") -> str:
    """`size` written so that it differs from `limit` written: a file a little over
    10 MB is "10.04 MB", not "10.0 MB" beside a limit of "10.0 MB" (in `lang`)."""
    shown = format_size(lang, size)
    if shown != format_size(lang, limit):
        return shown
    scale, unit = (1000, "KB") if size < 1_000_000 else (1_000_000, "MB")
    for digits in range(2, 7):
        pattern = "#,##0." + "0" * digits
        written = format_decimal(lang, size / scale, pattern)
        if written != format_decimal(lang, limit / scale, pattern):
            return f"{written} {unit}"
    return shown


class Intake:
    """Checks uploads and reads their text."""

    def __init__(
        self,
        limits: AttachmentLimits,
        reader: TextReader | None = None,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    ) -> None:
        self.limits = limits
        self.reader = reader
        self.budget_seconds = budget_seconds
        self._lock = threading.Lock()

    def check(self, uploads: Sequence[Upload], existing: int) -> list[Prepared]:
        """The uploads as they will be stored (without text yet); refused when one
        breaks a limit or is of no accepted kind."""
        if not uploads:
            raise AttachmentRefused("missing")
        limit = self.limits.max_count
        if existing + len(uploads) > limit:
            raise AttachmentRefused("too_many", limit=limit, left=max(limit - existing, 0))
        out = []
        for upload in uploads:
            name = upload.name.strip() or "?"
            if not upload.data:
                raise AttachmentRefused("empty", name=name)
            if len(upload.data) > self.limits.max_bytes:
                size = max(upload.size, len(upload.data))
                raise AttachmentRefused(
                    "too_large",
                    name=name,
                    size=size,
                    limit=self.limits.max_bytes,
                )
            kind = sniff_kind(upload.data)
            if kind is None:
                raise AttachmentRefused("kind", name=name, accepted=ACCEPTED)
            out.append(Prepared(safe_name(name, kind), upload.data, kind))
        return out

    def read_texts(self, prepared: Sequence[Prepared]) -> list[Prepared]:
        """Each file with its text, the files of one upload within `budget_seconds`
        together (each may take the reader's own limit): those left when it is
        spent are attached without text (`text_problem` "timeout")."""
        deadline = time.monotonic() + self.budget_seconds
        out = []
        for one in prepared:
            if one.kind.extract_as is not None and time.monotonic() >= deadline:
                out.append(replace(one, text_problem="timeout"))
            else:
                out.append(self.read_text(one))
        return out

    def read_text(self, prepared: Prepared) -> Prepared:
        """`prepared` with the text of its document (or why there is none)."""
        if prepared.kind.extract_as is None or self.reader is None:
            return prepared
        try:
            with self._lock:
                document = self.reader.read(prepared.data, prepared.kind.extract_as)
        except ExtractionError as exc:
            return Prepared(prepared.name, prepared.data, prepared.kind, "", exc.kind)
        text = _plain_text(document)[:MAX_TEXT_CHARS]
        return Prepared(prepared.name, prepared.data, prepared.kind, text, "")


def _plain_text(document: ExtractedDocument) -> str:
    """The document as text: each section's heading and text, after the title
    unless the text begins with it already (a text file's first line)."""
    parts = []
    for section in document.sections:
        if section.headings:
            parts.append(section.headings[-1])
        if section.blocks:
            parts.append(section.text)
    body = "\n\n".join(p for p in parts if p.strip())
    title = document.title.strip()
    return body if not title or body.startswith(title) else f"{title}\n\n{body}"
