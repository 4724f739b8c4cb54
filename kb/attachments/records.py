"""What is stored about an attached file, and what an upload brings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from kb.validators import ensure_id, ensure_text, ensure_utc, set_normalised, utc_now

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Upload:
    """One file as sent: its name (not trusted for anything but showing) and bytes.
    `size` is the whole file's size where only its first bytes were read (a file
    past the limit is read one byte past it); 0 when `data` is all of it."""

    name: str
    data: bytes
    size: int = 0


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file attached to a request, or to one of its replies (`entry_id`).

    `kind` is the type the bytes showed (`kb.attachments.kinds`), `sha256` the
    checksum the bytes are kept and checked under. `text` is what could be
    read from a document (searchable by the department's agents); when none
    could, `text_problem` says why (encrypted, no text, not a document…).
    An attachment of an internal note is not `visible_to_requester`.
    """

    request_id: int
    name: str
    kind: str
    size: int
    sha256: str
    uploaded_by: str
    created: datetime = field(default_factory=utc_now)
    visible_to_requester: bool = True
    entry_id: int | None = None
    text: str = ""
    text_problem: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        ensure_id("request_id", self.request_id, optional=False)
        ensure_id("id", self.id, optional=True)
        ensure_id("entry_id", self.entry_id, optional=True)
        ensure_text("name", self.name)
        ensure_text("kind", self.kind)
        ensure_text("uploaded_by", self.uploaded_by)
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise ValueError(f"size must be a positive number of bytes, got {self.size!r}")
        if not SHA256.match(self.sha256):
            raise ValueError(f"sha256 must be 64 lower-case hex digits, got {self.sha256!r}")
        if not isinstance(self.visible_to_requester, bool):
            raise ValueError(
                f"visible_to_requester must be True or False, got {self.visible_to_requester!r}"
            )
        ensure_text("text", self.text, allow_empty=True)
        ensure_text("text_problem", self.text_problem, allow_empty=True)
        set_normalised(self, "created", ensure_utc("created", self.created))
