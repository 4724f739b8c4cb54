"""Documents (PDF, Word, ODT, HTML, text) uploaded into a department's folder.

A content owner who has only the browser publishes the documents the
department already keeps by uploading them; `AuthoringService` stays the only
writer of content files, so this module writes through its edit lock and
`kb.authoring.files` (no link followed, atomic rename, a new file put in place
only while its name is free) and records each upload as a version (who, when,
the file's SHA-256), as a save of an article is.

A content owner is trusted less than the server, and a content file may only
publish an article, so an upload is refused, with nothing written, unless:

- the uploader owns the department's content (or is an admin);
- its name is safe: no folder, no `..`, not hidden, no control character, at
  most 255 bytes in UTF-8, composed (NFC); a new name is a lower-case slug with
  the extension of a kind the indexer reads (`travel-policy.pdf`; one made from
  the uploaded file's own name when none is given), as the editor's new
  article names are;
- its bytes are of the kind its extension says (`kb.extract.factory.sniff_format`,
  which request attachments use too; a PDF starts with `%PDF-`), not empty and
  within `document_max_bytes`, the indexer's limit for documents;
- a file of that name (in any letter case) is replaced only when the upload
  says so (`replace`), and a file to replace is there.

Under the four-eyes rule (`review_required`) uploads are refused: a document
has no review step in the browser, and an upload would publish it at once.
The indexer then reads the file like one copied in on disk (`on_change`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from kb.accounts.records import User
from kb.attachments.records import Upload
from kb.authoring import files
from kb.authoring.errors import ContentReadOnlyError
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from kb.content.regular_files import read_regular_file
from kb.errors import ConflictError, ContentError, KbError, ValidationError
from kb.extract.base import human_size
from kb.extract.factory import FORMATS, Format, format_for, sniff_format
from kb.records import CONTROL_CHARACTERS, Status
from kb.requests.drafting import slugify
from kb.validators import normal_name

logger = logging.getLogger(__name__)

ACCEPTED = ", ".join(ext for f in FORMATS for ext in f.extensions)
# Marks that reorder text ("report\u202efdp.html" shows as "reportlmth.pdf").
BIDI_MARKS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class StaleDocumentError(ConflictError):
    """A replacement based on another version of the document than the current one."""

    status = 412
    code = "stale_document"

    def __init__(self, article_id: str, base: int, current: int) -> None:
        super().__init__(
            f"{article_id} is at version {current} now, not {base}: someone changed it "
            "meanwhile; look at it again, then replace it",
            details={"id": article_id, "base_version": base, "current_version": current},
            key="document_stale",
            values={"id": article_id, "base": base, "current": current},
        )


@dataclass(frozen=True)
class UploadedDocument:
    """A document written by an upload, and the version that records it."""

    article_id: str
    format: Format
    size: int
    sha256: str
    replaced: bool
    version: ArticleVersion


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
            f"{ACCEPTED} (write Markdown articles in the editor)",
            details={"field": "name", "value": name},
            key="document_kind",
            values={"name": name, "accepted": ACCEPTED},
        )
    return fmt


def new_name(given: str, uploaded: str) -> str:
    """The name of a new document: `given` as it is (a slug and a readable
    extension), or else the uploaded file's name made into one."""
    name = safe_name(given or uploaded)
    suffix = PurePosixPath(name).suffix
    readable_format(name)
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
        size, limit = human_size(max(upload.size, len(data))), human_size(max_bytes)
        raise ValidationError(
            f"{name} is {size}, over the {limit} limit for documents; split it into "
            "smaller documents, or ask the operator to raise document_max_bytes",
            details={"field": "file", "max": max_bytes},
            key="document_too_large",
            values={"name": name, "size": size, "limit": limit},
        )
    seen = sniff_format(data)
    if fmt.name == "pdf" and not data.startswith(b"%PDF-"):
        seen = None if seen is None or seen.name == "pdf" else seen
    if seen is None or seen.name != fmt.name:
        really = seen.label if seen is not None else "no document the knowledge base reads"
        raise ValidationError(
            f"{name} is named a {fmt.label}, but its content is {really}; upload the "
            f"document itself, saved as {fmt.label}",
            details={"field": "file", "kind": seen.name if seen else None},
            key="document_content",
            values={"name": name, "format": fmt.label, "really": really},
        )
    return fmt


class DocumentUploads:
    """Uploads of documents into department folders, through `authoring`."""

    def __init__(self, authoring: AuthoringService, *, max_bytes: int = 20_000_000) -> None:
        self.authoring = authoring
        self.max_bytes = max_bytes

    def upload(
        self,
        actor: User,
        department: str,
        upload: Upload,
        *,
        name: str = "",
        replace: bool = False,
        message: str = "",
        base_version: int | None = None,
    ) -> UploadedDocument:
        """Write `upload` as `<department>/<name>` (see the module for every check);
        `replace` must be set to write over a file of that name, and where
        `base_version` is given it must be the file's version now (`StaleDocumentError`)."""
        service = self.authoring
        found = service.department_of(f"{department}/x")
        service.require_owner(actor, found.slug)
        if found.review_required:
            raise ConflictError(
                f"{found.name} publishes only what another content owner approved, and "
                "documents have no review step in the browser: ask the operator to add "
                "the document on disk",
                details={"department": found.slug},
                key="document_review",
                values={"department": found.slug},
            )
        chosen = safe_name(name) if replace else new_name(name, upload.name)
        article_id = f"{found.slug}/{chosen}"
        files.id_parts(article_id, document=True)
        fmt = check_bytes(chosen, upload, self.max_bytes)
        if not service.writable:
            raise ContentReadOnlyError(service.authoring_url)
        with files.edit_lock(service.root):
            self._check_target(article_id, replace)
            if replace and base_version is not None:
                now = self.current_version(article_id)
                if base_version != now:
                    raise StaleDocumentError(article_id, base_version, now)
            version = self._record(actor, article_id, upload.data, replace, message)
        self._index(article_id)
        return UploadedDocument(
            article_id, fmt, len(upload.data), version.content_hash, replace, version
        )

    def _check_target(self, article_id: str, replace: bool) -> None:
        """A new name must be free (in any letter case); a replaced file must be there."""
        root = self.authoring.root
        if replace:
            files.article_file(root, article_id, must_exist=True, document=True)
            return
        files.article_file(root, article_id, must_exist=False, document=True)
        existing = files.same_id_file(root, article_id)
        if existing is not None:
            raise ConflictError(
                f"{existing} already exists; confirm that the upload replaces it, or "
                "choose another name",
                details={"id": existing},
                key="document_exists",
                values={"id": existing},
            )

    def current_version(self, article_id: str) -> int:
        """The document's version as an upload would base on it: the newest stored
        one, or the one after it when the file changed on disk since (0: none)."""
        latest = self.authoring.versions.latest(article_id)
        if latest is None:
            return 1 if self._on_disk(article_id) else 0
        return (
            latest.number if latest.content_hash == self._on_disk(article_id) else latest.number + 1
        )

    def _on_disk(self, article_id: str) -> str:
        """The SHA-256 of the file there now ('' when none can be read)."""
        try:
            with files.article_folder(self.authoring.root, article_id, document=True) as (fd, n):
                raw = read_regular_file(n, self.max_bytes, article_id, dir_fd=fd)
        except (ContentError, KbError, OSError):
            return ""
        return hashlib.sha256(raw).hexdigest()

    def _version(
        self,
        article_id: str,
        number: int,
        text: str,
        by: str,
        action: Action,
        message: str,
        digest: str,
    ) -> ArticleVersion:
        return self.authoring.versions.add_version(
            ArticleVersion(
                article_id=article_id,
                number=number,
                text=text,
                author=by,
                action=action,
                status=Status.PUBLISHED,
                message=message,
                ts=self.authoring.clock(),
                content_hash=digest,
            )
        )

    def _record(
        self, actor: User, article_id: str, data: bytes, replace: bool, message: str
    ) -> ArticleVersion:
        """The upload as a new version (the file replaced first stored as a version
        of its own when it changed on disk), then the file written."""
        versions = self.authoring.versions
        latest = versions.latest(article_id)
        number = 1 if latest is None else latest.number + 1
        if replace:
            before = self._on_disk(article_id)
            if latest is None or latest.content_hash != before:
                text = f"{article_id} as found in the content folder\n"
                found = "as found in the content folder"
                self._version(article_id, number, text, "", Action.DISK, found, before)
                number += 1
        digest = hashlib.sha256(data).hexdigest()
        text = f"{article_id}: {human_size(len(data))}, SHA-256 {digest}\n"
        default = "replaced the document" if replace else "uploaded the document"
        message = (message.strip() or default)[:500]
        version = self._version(
            article_id, number, text, actor.username, Action.UPLOAD, message, digest
        )
        try:
            files.write_article(self.authoring.root, article_id, data, exclusive=not replace)
        except FileExistsError:
            versions.remove_version(article_id, number)
            raise ConflictError(
                f"{article_id} already exists; confirm that the upload replaces it",
                details={"id": article_id},
                key="document_exists",
                values={"id": article_id},
            ) from None
        except BaseException:
            versions.remove_version(article_id, number)
            raise
        logger.info("authoring: %s uploaded %s (version %d)", actor.username, article_id, number)
        return version

    def _index(self, article_id: str) -> None:
        if self.authoring.on_change is None:
            return
        try:
            self.authoring.on_change(article_id)
        except Exception:
            logger.exception("authoring: handing %s to the indexer failed", article_id)
