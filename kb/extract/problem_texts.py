"""The words of a document's problems: each kind's key and its English message
and hint, and the `ExtractionError` made from them.

The indexer's report, `kb validate` and the JSON API say a document's problem
in English as written here; the key and its values travel with the error (and
with the problem the content scan makes of it, `kb.content.documents`), so that
a page can say it in its reader's language from `problem_<key>` and
`problem_<key>_hint` in kb/i18n/locales/<lang>/problems.po
(`kb.content.problem_texts` takes these into its `TEXTS`). Values are filled in
as the English message shows them ("20.0 MB", a format's name).
"""

from __future__ import annotations

from typing import Any

from kb.extract.base import ExtractionError

_AGAIN = "open it in the program that made it and save or export it again"
_ADD_TEXT = "add the document's text or delete the file"
_CONVERT = "convert it to PDF, DOCX, ODT, HTML, text or Markdown"
_BOMB = "remove the file; a real document is never this large unpacked"
_SIMPLER = "split or simplify the document (or save it again), or ask the operator to raise "

# key -> (message, hint), `{name}` filled in from the error's values.
DOCUMENT_TEXTS: dict[str, tuple[str, str]] = {
    "document_encrypted_word": (
        "{what} is password-protected; its text cannot be read",
        "save a copy without a password (in Word: File › Info › Protect Document) in the folder",
    ),
    "document_encrypted_odt": (
        "OpenDocument text is password-protected; its text cannot be read",
        "save a copy without a password (in LibreOffice: File › Save As, without "
        "'Save with password') in the folder",
    ),
    "document_encrypted_pdf": (
        "PDF is password-protected; its text cannot be read",
        "save a copy without a password (or a text version) in the folder",
    ),
    "document_malformed": ("file is not a valid {what}", _AGAIN),
    "document_malformed_detail": ("file is not a valid {what}: {detail}", _AGAIN),
    "document_unsupported": ("{suffix} files are not read", _CONVERT),
    "document_unsupported_no_extension": (
        "files without an extension are not read",
        _CONVERT,
    ),
    "document_unsupported_doc": (
        "Word 97-2003 documents (.doc) are not read; save it as .docx or PDF",
        "open it in Word, choose File › Save As › Word Document (.docx), and delete the .doc",
    ),
    "document_unsupported_rtf": ("RTF files are not read; save it as .docx, PDF or text", _CONVERT),
    "document_unsupported_spreadsheet": (
        "not published: spreadsheets ({suffix}) are not read, only documents of text",
        "put the table in an article (a Markdown or Word table), or save the sheet as PDF "
        "(File › Export) in the folder",
    ),
    "document_unsupported_pages": (
        "Pages documents are not read; export it as .docx or PDF",
        _CONVERT,
    ),
    "document_too_large": (
        "file is {size}, over the {limit} limit for documents",
        "split it into smaller documents, or ask the operator to raise document_max_bytes",
    ),
    "document_empty": ("file is empty", _ADD_TEXT),
    "document_no_text": ("no text found in this {what}", _ADD_TEXT),
    "document_scanned": (
        "no text found: scanned? add a text version",
        "the PDF holds only images of pages; run text recognition (OCR) on it or put a Word, "
        "text or Markdown version in the folder",
    ),
    "document_too_deep": (
        "HTML page nests its elements deeper than the parser reads (256 within each other); "
        "its text would be cut short there",
        "simplify the page's markup, or save it as PDF or Word instead",
    ),
    "document_binary": (
        "file is binary, not a {what}",
        "check the file's type; rename it to what it really is",
    ),
    "document_encoding": ("cannot tell the text encoding of this {what}", "save it as UTF-8"),
    "document_memory": (
        "reading the file needed more than the {limit} MB memory budget",
        _SIMPLER + "extract_memory_mb",
    ),
    "document_timeout": (
        "reading the file took longer than the {limit} s budget",
        _SIMPLER + "extract_seconds",
    ),
    "document_worker_not_started": (
        "the extraction worker did not start",
        "check that the document libraries are installed",
    ),
    "document_crashed": (
        "the document reader crashed on this file",
        "open it in the program that made it and save it again",
    ),
    "document_zip_bomb": (
        "{what} would unpack to {size} in {count} parts (limit {limit} MB, {parts} parts): "
        "a zip bomb?",
        _BOMB,
    ),
    "document_zip_bomb_parts": (
        "{what} would unpack to more than {parts} parts (limit {limit} MB, {parts} parts): "
        "a zip bomb?",
        _BOMB,
    ),
}

# The suffixes of documents no reader reads, and the text that says so.
UNSUPPORTED_KEYS = {
    ".doc": "document_unsupported_doc",
    ".rtf": "document_unsupported_rtf",
    ".pages": "document_unsupported_pages",
    # Spreadsheets: said once each, not left out silently as a picture is.
    **dict.fromkeys(
        (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".numbers"),
        "document_unsupported_spreadsheet",
    ),
}


# The kind of document each name a text gives `{what}` stands for: a page names
# it in its own language (`document_kind_<kind>` of errors.po, as an upload's
# refusal does), carried beside it as `what_kind`.
WHAT_KINDS = {
    "PDF": "pdf",
    "Word document": "docx",
    "Word document (DOCX)": "docx",
    "OpenDocument text": "odt",
    "OpenDocument text (ODT)": "odt",
    "HTML page": "html",
    "text file": "txt",
}


def document_error(kind: str, key: str, **values: Any) -> ExtractionError:
    """The `ExtractionError` of `kind` worded by text `key`, `values` filled in."""
    shown = {name: str(value) for name, value in values.items()}
    if shown.get("what") in WHAT_KINDS:
        shown["what_kind"] = WHAT_KINDS[shown["what"]]
    message, hint = DOCUMENT_TEXTS[key]
    return ExtractionError(
        kind, message.format(**shown), hint.format(**shown), text_key=key, text_values=shown
    )


def malformed(what: str, detail: object = "") -> ExtractionError:
    """The file is not a valid `what` (its bytes are damaged or of another type)."""
    if str(detail).strip():
        return document_error("malformed", "document_malformed_detail", what=what, detail=detail)
    return document_error("malformed", "document_malformed", what=what)
