"""What an uploaded document must be before anything is written: a safe name,
bytes of the kind its extension says, and (for a replacement) the kind of the
file it replaces. `kb.authoring.documents` asks here; each refusal is a
`ValidationError` that names the value and says what to do.

- a name has no `..`, is not hidden (`.` or `_` first), holds no control
  character or text direction mark, is at most 255 bytes in UTF-8 and is
  composed (NFC); a new name is a lower-case slug with the extension of a
  kind the indexer reads (`travel-policy.pdf`, made from the uploaded file's
  own name when none is given), as the editor's new article names are;
- a replaced file may sit in a sub-folder of the department
  (`policies/2026/travel.pdf`): every part of its path is checked as a name;
- the bytes are of the kind the extension says (`kb.extract.factory.sniff_format`,
  which request attachments use too; a PDF starts with `%PDF-`), not empty and
  within `document_max_bytes`, the indexer's limit for documents;
- a replacement keeps the kind of the file it replaces: a Word file sent for
  `travel.pdf` is refused with what to do (save it as PDF, or upload it as a
  new document), never stored under another extension.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from kb.attachments.intake import size_beside
from kb.attachments.records import Upload
from kb.authoring import files
from kb.errors import ValidationError
from kb.extract.factory import FORMATS, Format, format_for, password_protected, sniff_format
from kb.i18n.catalog import domain_catalog, format_size
from kb.records import CONTROL_CHARACTERS
from kb.requests.drafting import slugify
from kb.validators import normal_name

ACCEPTED = ", ".join(ext for f in FORMATS for ext in f.extensions)
# Marks that reorder text ("report\u202efdp.html" shows as "reportlmth.pdf").
BIDI_MARKS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _field(name: str) -> dict[str, Any]:
    """The details of an error about the file name `name`."""
    return {"field": "name", "value": name}


def safe_name(name: str) -> str:
    """`name` in composed form if it may name a file in a department folder at all."""
    name = normal_name(name or "").strip()
    if not name:
        raise ValidationError(
            "choose a file to upload", details={"field": "file"}, key="document_missing"
        )
    if "/" in name or "\\" in name or name in (".", "..") or ".." in name:
        why = "it names a folder or holds '..'"
        raise ValidationError(
            f"file name {name!r} cannot be used: {why}",
            key="document_name_path",
            details=_field(name),
            values={"name": name},
        )
    if name.startswith((".", "_")):
        why = "hidden names (starting with '.' or '_') are never read"
        raise ValidationError(
            f"file name {name!r} cannot be used: {why}",
            key="document_name_hidden",
            details=_field(name),
            values={"name": name},
        )
    if CONTROL_CHARACTERS.search(name) or any(c in BIDI_MARKS for c in name):
        why = "it holds a control character or a text direction mark"
        raise ValidationError(
            f"file name {name!r} cannot be used: {why}",
            key="document_name_control",
            details=_field(name),
            values={"name": name},
        )
    if len(name.encode("utf-8", "surrogatepass")) > files.NAME_MAX_BYTES:
        raise ValidationError(
            f"file name {name!r} is longer than {files.NAME_MAX_BYTES} bytes",
            details={"field": "name", "value": name},
            key="document_name_long",
            values={"name": name, "limit": files.NAME_MAX_BYTES},
        )
    return name


def readable_format(name: str) -> Format:
    """The document format `name`'s extension says, if the indexer reads it."""
    fmt = format_for(name)
    if fmt is None:
        raise ValidationError(
            f"{name} is not a kind of document the knowledge base reads; upload one of "
            f"{ACCEPTED}, or a Markdown article (.md)",
            details={"field": "name", "value": name},
            key="document_kind",
            values={"name": name, "accepted": ACCEPTED},
        )
    return fmt


def new_name(given: str, uploaded: str) -> str:
    """The name of a new document: `given` as it is (a slug and a readable
    extension), or else the uploaded file's name made into one."""
    return slug_file_name(given, uploaded, readable_format)


def slug_file_name(given: str, uploaded: str, kind: Callable[[str], object]) -> str:
    """A new file's name: `given` as it is (a slug and an extension `kind`
    accepts: it raises otherwise), or else the uploaded file's name made into one."""
    name = safe_name(given or uploaded)
    suffix = PurePosixPath(name).suffix
    kind(name)
    stem = name[: -len(suffix)]
    if not given:
        stem, suffix = slugify(stem), suffix.lower()
    if not files.SLUG.match(stem) or suffix != suffix.lower():
        suggestion = f"{slugify(stem)}{suffix.lower()}"
        raise ValidationError(
            f"file name {name!r} must be 1-80 lower-case letters, digits and '-' and its "
            f"extension, such as {suggestion!r}",
            details={"field": "name", "value": name},
            key="document_name_slug",
            values={"name": name, "suggestion": suggestion},
        )
    if stem in files.WINDOWS_RESERVED:
        why = "it is a device name on Windows, where a synced content folder could not hold it"
        raise ValidationError(
            f"file name {name!r} cannot be used: {why}",
            key="document_name_reserved",
            details=_field(name),
            values={"name": name},
        )
    return f"{stem}{suffix}"


class DocumentKindError(ValidationError):
    """A refusal that names kinds of documents ("a PDF", "an HTML page"): each value
    that is a `Format` (or None: bytes of no kind the knowledge base reads) is
    written in the reader's language, from `document_kind_<format>` of the
    catalogue, or with the article the sentence puts before it where the value's
    name ends in `_a` (`document_kind_a_<format>`, `document_kind_a_none`)."""

    def __init__(self, *, key: str, details: dict[str, Any], values: dict[str, Any]) -> None:
        super().__init__(key, details=details, key=key, values=values)
        self.message = self.message_in("en").removesuffix(".")
        self.args = (self.message,)

    def message_in(self, lang: str, **shown: Any) -> str:
        texts = domain_catalog()
        named = {}
        for value, kind in self.values.items():
            if kind is not None and not isinstance(kind, Format):
                continue
            which = kind.name if kind else "none"
            key = f"document_kind_a_{which}" if value.endswith("_a") else f"document_kind_{which}"
            named[value] = texts.translate(lang, key)
        return super().message_in(lang, **{**named, **shown})


class DocumentTooLarge(ValidationError):
    """A document past `document_max_bytes`: its size and the limit written as
    the reader's language writes them, the size never the same text as the
    limit (`size_beside`: one byte over a 2.0 MB limit is "2.000001 MB")."""

    def __init__(self, name: str, size: int, max_bytes: int) -> None:
        self.size, self.max_bytes = size, max_bytes
        shown, limit = size_beside(size, max_bytes), format_size("en", max_bytes)
        super().__init__(
            f"{name} is {shown}, over the {limit} limit for documents; split it into smaller "
            "documents, or ask the operator to raise document_max_bytes",
            details={"field": "file", "max": max_bytes},
            key="document_too_large",
            values={"name": name, "size": shown, "limit": limit},
        )

    def message_in(self, lang: str, **shown: Any) -> str:
        size = size_beside(self.size, self.max_bytes, lang)
        limit = format_size(lang, self.max_bytes)
        return super().message_in(lang, **{"size": size, "limit": limit, **shown})


def check_bytes(name: str, upload: Upload, max_bytes: int) -> Format:
    """The upload's format, when its bytes are what its name says, within the limit."""
    fmt = readable_format(name)
    data = upload.data
    if not data.strip():
        raise ValidationError(
            f"{name} is empty",
            details={"field": "file"},
            key="document_empty",
            values={"name": name},
        )
    if len(data) > max_bytes:
        raise DocumentTooLarge(name, max(upload.size, len(data)), max_bytes)
    if fmt.name == "docx" and password_protected(data):
        raise ValidationError(
            f"{name} is password-protected, and the knowledge base cannot read its text; "
            "remove the password (in Word: File › Info › Protect Document) and upload it again",
            details={"field": "file"},
            key="document_password",
            values={"name": name},
        )
    seen = sniff_format(data)
    if fmt.name == "pdf" and not data.startswith(b"%PDF-"):
        seen = None if seen is None or seen.name == "pdf" else seen
    if seen is None or seen.name != fmt.name:
        raise DocumentKindError(
            key="document_content",
            details={"field": "file", "kind": seen.name if seen else None},
            values={"name": name, "format": fmt, "format_a": fmt, "really_a": seen},
        )
    return fmt


def replaced_name(name: str) -> str:
    """The path of a document to replace, below its department folder: one name,
    or names joined by '/' for a file in a sub-folder, each checked by `safe_name`."""
    name = normal_name(name or "").strip()
    if "\\" in name or name.startswith("/") or name.endswith("/") or "//" in name:
        raise ValidationError(
            f"file name {name!r} cannot be used: it names a folder or holds '..'",
            key="document_name_path",
            details=_field(name),
            values={"name": name},
        )
    return "/".join(safe_name(part) for part in name.split("/")) if name else safe_name(name)


def same_kind(target: str, upload: Upload) -> None:
    """A replacement of `target` must be a file of its kind: one whose own name has
    another extension (`travel.docx` for `travel.pdf`) is refused, saying what to do."""
    wanted, sent = format_for(target), format_for(upload.name or "")
    if sent is None or (wanted is not None and sent.name == wanted.name):
        sent = sniff_format(upload.data)  # a file named alike, or by the API: its bytes
    if wanted is None or sent is None or sent.name == wanted.name:
        return
    leaf, called = target.rsplit("/", 1)[-1], upload.name or "the file sent"
    raise DocumentKindError(
        key="document_kind_changed",
        details={"field": "file", "kind": sent.name, "expected": wanted.name},
        values={
            "name": leaf,
            "sent": called,
            "format": wanted,
            "format_a": wanted,
            "sent_format_a": sent,
        },
    )
