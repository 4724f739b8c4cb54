"""Reading an uploaded document once before it is stored, so that a file whose
text the indexer can never read is refused at the upload, naming the file and
what to do, instead of being stored and found unreadable by the next index run.

The file is read as the indexer reads it: in the extraction sandbox
(`kb.extract.DocumentReader`, a worker process under the time and memory budget
of `extract_seconds` and `extract_memory_mb`), never in the web process. What
is refused is what the same bytes always give and no edit of the knowledge
base mends: a PDF, Word document or OpenDocument text saved with a password to
open it, and a Word or ODT file whose package is damaged (a zip that unpacks
past the limits included). A damaged PDF is still taken: PDFium repairs much
of what it meets, and what it cannot read the list names after the index run,
as for a file copied in on disk. Running out of time or memory, or a worker
that did not start, refuses nothing: those depend on the machine, and the index
run says so if they happen again there.
"""

from __future__ import annotations

import logging
from typing import Any

from kb.errors import ValidationError
from kb.extract.base import ExtractionError, Limits
from kb.extract.factory import Format
from kb.extract.reader import DocumentReader
from kb.i18n.problems import problem_words
from kb.records import Problem, Severity

logger = logging.getLogger(__name__)

# The problems an upload is refused for, by format: the file's own, never the machine's.
_DAMAGED = frozenset({"malformed", "zip_bomb"})
REFUSED = {
    "pdf": frozenset({"encrypted"}),
    "docx": frozenset({"encrypted"}) | _DAMAGED,
    "odt": frozenset({"encrypted"}) | _DAMAGED,
}
# What to do about a password, in the program that made the file.
_PASSWORD_HOWTO = {
    "pdf": "open it with its password in your PDF program, save a copy without the "
    "password (or print it to a new PDF)",
    "docx": "remove the password (in Word: File › Info › Protect Document)",
    "odt": "save a copy without the password (in LibreOffice: File › Save As, with "
    "'Save with password' unticked)",
}


class DocumentUnreadable(ValidationError):
    """An upload whose text cannot be read: password-protected (key
    `document_password`, `document_password_pdf`, `document_password_odt`) or
    damaged (`document_damaged`, with the problem the extractor found said in
    the reader's language)."""

    def __init__(self, name: str, fmt: Format, problem: ExtractionError) -> None:
        self.problem = problem
        if problem.kind == "encrypted":
            key = "document_password" if fmt.name == "docx" else f"document_password_{fmt.name}"
            message = (
                f"{name} is password-protected, and the knowledge base cannot read its text; "
                f"{_PASSWORD_HOWTO[fmt.name]} and upload it again"
            )
            values: dict[str, Any] = {"name": name}
        else:
            key = "document_damaged"
            message = (
                f"{name} cannot be read: {problem.message}; open it in the program that made "
                "it, save or export it again, and upload that"
            )
            values = {"name": name, "problem": problem.message}
        details = {"field": "file", "problem": problem.kind}
        super().__init__(message, details=details, key=key, values=values)

    def message_in(self, lang: str, **shown: Any) -> str:
        exc = self.problem
        found = Problem(
            "", exc.message, "", None, Severity.WARNING, exc.kind, exc.text_key, exc.text_values
        )
        said, _ = problem_words(found, lang)
        return super().message_in(lang, **{"problem": said, **shown})


def check_readable(name: str, data: bytes, fmt: Format, limits: Limits | None) -> None:
    """Raise `DocumentUnreadable` when `data`, the upload `name` of format `fmt`,
    cannot be read for a reason of its own (`REFUSED`); `limits` None reads nothing."""
    refused = REFUSED.get(fmt.name, frozenset())
    if limits is None or not refused:
        return
    try:
        with DocumentReader(limits) as reader:
            reader.read(data, name)
    except ExtractionError as exc:
        if exc.kind in refused:
            raise DocumentUnreadable(name, fmt, exc) from None
        logger.info("upload %s taken although it was not read: %s", name, exc.message)
