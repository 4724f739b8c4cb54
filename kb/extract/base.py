"""The contract every format follows: limits in, a document or one clear problem out.

An extractor is a function of the file's bytes and the limits. It returns an
`ExtractedDocument` or raises `ExtractionError`, whose `kind` says which of the
known problems it is and whose message and hint are written for the content
owner who dropped the file into the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kb.errors import KbError
from kb.extract.document import ExtractedDocument

# Problems that come from the file itself: the same bytes give the same
# problem next time, so the cache may remember them. Running out of time or
# memory depends on the budget and the machine, so those are retried.
PERMANENT_KINDS = frozenset(
    {"encrypted", "no_text", "malformed", "zip_bomb", "too_large", "unsupported", "empty"}
)


@dataclass(frozen=True)
class Limits:
    """The budget one file gets.

    `max_bytes` bounds the file, `max_unpacked_bytes` what a zipped format
    (DOCX, ODT) may expand to, `max_chars` the extracted text (the rest is cut
    with a warning), `seconds` and `memory_mb` the extraction itself (enforced
    by the sandbox, which runs extraction in a worker process).
    """

    max_bytes: int = 20_000_000
    max_unpacked_bytes: int = 200_000_000
    max_chars: int = 2_000_000
    seconds: float = 30.0
    memory_mb: int = 512

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_unpacked_bytes", "max_chars", "memory_mb"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.seconds <= 0:
            raise ValueError(f"seconds must be positive, got {self.seconds!r}")


class ExtractionError(KbError):
    """A file whose text cannot be extracted, and why, and what to do about it."""

    status = 422
    code = "unreadable_document"

    def __init__(
        self,
        kind: str,
        message: str,
        hint: str = "",
        *,
        text_key: str = "",
        text_values: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, details={"kind": kind})
        self.kind = kind
        self.hint = hint
        # The message's and hint's key and values (`kb.extract.problem_texts`), for
        # a page to say them in its reader's language; "" where they are English only.
        self.text_key = text_key
        self.text_values: dict[str, str] = text_values or {}

    @property
    def permanent(self) -> bool:
        return self.kind in PERMANENT_KINDS

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "message": self.message, "hint": self.hint}
        if self.text_key:
            found |= {"text_key": self.text_key, "text_values": self.text_values}
        return found

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractionError:
        """The error `to_dict` wrote (one cached before errors had keys has none)."""
        values = data.get("text_values")
        return cls(
            data["kind"],
            data["message"],
            data.get("hint", ""),
            text_key=str(data.get("text_key") or ""),
            text_values={str(k): str(v) for k, v in values.items()}
            if isinstance(values, dict)
            else {},
        )


def human_size(size: int) -> str:
    """1,234 bytes as '1.2 KB', 20,000,000 as '20.0 MB'."""
    if size < 1_000_000:
        return f"{size / 1000:,.1f} KB"
    return f"{size / 1e6:,.1f} MB"


class Extractor(Protocol):
    """One format's extraction (see `kb.extract.factory` for the table of formats)."""

    def __call__(self, data: bytes, limits: Limits) -> ExtractedDocument: ...
