"""Documents (PDF, Word, ODT, HTML, text) uploaded into a department's folder.

A content owner who has only the browser publishes the documents the
department already keeps by uploading them; `AuthoringService` stays the only
writer of content files, so this module writes through its edit lock and
`kb.authoring.files` (no link followed, atomic rename, a new file put in place
only while its name is free) and records each upload as a version (who, when,
the file's SHA-256 and size, its bytes kept: `kb.authoring.document_versions`),
as a save of an article is.

A content owner is trusted less than the server, and a content file may only
publish an article, so an upload is refused, with nothing written, unless the
uploader owns the department's content (or is an admin), and its name, bytes
and kind pass `kb.authoring.document_checks`, and its text can be read
(`kb.authoring.document_reading`: not password-protected, a Word or ODT
package not damaged); a file of that name (in any
letter case) is replaced only when the upload says so (`replace`), and a file
to replace is there (or waits for review).

Under the four-eyes rule (`review_required`) an upload, a replacement or a
restore is held as a version in review: nothing is written into the content
folder and nothing is indexed until another content owner of the department
approves it (`approve`, which then writes and indexes it) or rejects it
(`reject`; the uploader may withdraw their own). A newer upload supersedes
the one waiting. The indexer reads a written file like one copied in on disk
(`on_change`). A department folder renamed or removed on disk leaves its
documents' versions readable and an upload waiting rejectable (`reach`),
and withdrawable by its uploader even when they lost the department's role
with its folder; what writes into the folder is refused until it is back
(`document_refusals`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kb.accounts.records import User
from kb.attachments.blobs import BlobStore
from kb.attachments.records import Upload
from kb.authoring import files, four_eyes, version_notes
from kb.authoring.document_checks import check_bytes, new_name, replaced_name, same_kind
from kb.authoring.document_reading import check_readable
from kb.authoring.document_refusals import (
    StaleDocumentError,
    already_there,
    check_approvable,
    check_free,
    check_restore,
    deleted,
    department_gone,
    folder_gone,
    not_waiting,
)
from kb.authoring.document_versions import DocumentVersion, DocumentVersions, pending
from kb.authoring.document_waiting import Orphaned, department_of, orphaned, withdrawn_by_uploader
from kb.authoring.errors import ContentReadOnlyError
from kb.authoring.recording import hand_to_indexer
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from kb.errors import ConflictError, NotFoundError, PermissionDenied
from kb.extract.base import Limits
from kb.extract.factory import Format
from kb.records import Department, Status
from kb.validators import normal_name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadedDocument:
    """A document written (or held for review) by an upload, and its version."""

    article_id: str
    format: Format
    size: int
    sha256: str
    replaced: bool
    version: ArticleVersion

    @property
    def pending(self) -> bool:
        """Held for another content owner's approval: not written, not indexed."""
        return self.version.status is Status.REVIEW


class DocumentUploads:
    """Uploads of documents into department folders, through `authoring`; their
    bytes are kept in `blobs` (without one, nothing can be held for review or
    restored, so a department under the four-eyes rule refuses uploads)."""

    def __init__(
        self,
        authoring: AuthoringService,
        *,
        max_bytes: int = 20_000_000,
        blobs: BlobStore | None = None,
        reading: Limits | None = None,
    ) -> None:
        self.authoring = authoring
        self.max_bytes = max_bytes
        # The budget an upload is read under before it is stored (None: not read).
        self.reading = reading
        self.versions = DocumentVersions(authoring, blobs, max_bytes)

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
        found = self._department(actor, f"{department}/x")
        chosen = replaced_name(name) if replace else new_name(name, upload.name)
        article_id = f"{found.slug}/{chosen}"
        files.id_parts(article_id, document=True)
        if replace:
            same_kind(chosen, upload)
        fmt = check_bytes(chosen, upload, self.max_bytes)
        check_readable(chosen, upload.data, fmt, self.reading)
        default = version_notes.note(
            "version_note_replaced_document" if replace else "version_note_uploaded_document"
        )
        version = self._put(
            actor,
            found,
            article_id,
            upload.data,
            replace=replace,
            base_version=base_version,
            action=Action.UPLOAD,
            message=message.strip() or default,
        )
        data = upload.data
        return UploadedDocument(article_id, fmt, len(data), version.content_hash, replace, version)

    def restore(
        self,
        actor: User,
        article_id: str,
        number: int,
        *,
        base_version: int | None,
        message: str = "",
    ) -> ArticleVersion:
        """Make version `number`'s bytes current again, as a new version (held for
        review under the four-eyes rule, as an upload is); a deleted document's
        file comes back under its name while that is free (`check_free`)."""
        found = self._document(actor, article_id)
        old = self.authoring.versions.version(article_id, number)
        data = self.versions.data(old)
        return self._put(
            actor,
            found,
            article_id,
            data,
            replace=True,
            base_version=base_version,
            action=Action.RESTORE,
            message=message.strip() or version_notes.note("version_note_restored", number=number),
        )

    def approve(
        self, actor: User, article_id: str, number: int, message: str = ""
    ) -> ArticleVersion:
        """Publish version `number`, which waits for review: written into the content
        folder and handed to the indexer. Only a content owner of the department
        other than its uploader may (`kb.authoring.four_eyes`)."""
        found = self._document(actor, article_id)
        self._writable()
        with files.edit_lock(self.authoring.root):
            waiting = self._waiting(article_id, number)
            four_eyes.check_document_approval(
                actor, found, waiting, self.authoring.versions.versions(article_id)
            )
            if orphaned(self.versions, article_id, number) is Orphaned.FOLDER_GONE:
                raise folder_gone(article_id, number)
            data = self.versions.data(waiting)
            there = self._file_there(article_id)
            if not there:  # a file of its name in another letter case put there since
                restore = waiting.action is Action.RESTORE
                check_approvable(self.authoring.root, article_id, restore)
            self.versions.sync(article_id)
            said = message.strip() or version_notes.note(
                "version_note_approved", number=number, author=waiting.author
            )
            version = self._publish(actor, article_id, data, Action.PUBLISH, said, there)
        self._index(article_id)
        return version

    def reject(
        self, actor: User, article_id: str, number: int, message: str = ""
    ) -> ArticleVersion:
        """Turn down version `number`, which waits for review: it stays in the history
        as rejected and nothing in the content folder changes. Its uploader may
        withdraw it while its department's folder is gone even without the
        department's role any more (`withdrawn_by_uploader`)."""
        try:
            self.reach(actor, article_id)
        except PermissionDenied:
            if not withdrawn_by_uploader(self.authoring, actor, article_id):
                raise
        self._writable()
        with files.edit_lock(self.authoring.root):
            waiting = self._waiting(article_id, number)
            said = message.strip() or version_notes.note("version_note_rejected", number=number)
            version = self.versions.restate(
                waiting, actor.username, Action.REJECT, Status.DRAFT, said
            )
        logger.info("authoring: %s rejected %s version %d", actor.username, article_id, number)
        return version

    def history(self, actor: User, article_id: str) -> list[DocumentVersion]:
        """Every version, oldest first (a change on disk since the last one included)."""
        self.reach(actor, article_id)
        if self.authoring.writable:
            with files.edit_lock(self.authoring.root):
                self.versions.sync(article_id)
        found = self.authoring.versions.versions(article_id)
        if not found:
            files.article_file(self.authoring.root, article_id, must_exist=True, document=True)
        return [DocumentVersion.of(v) for v in found]

    def version_file(
        self, actor: User, article_id: str, number: int
    ) -> tuple[ArticleVersion, bytes]:
        """Version `number` and its bytes, for its owners to read (a review, say)."""
        self.reach(actor, article_id)
        version = self.authoring.versions.version(article_id, number)
        return version, self.versions.data(version)

    def missing_files(self, article_id: str) -> set[int]:
        """The versions whose file the store does not hold (`DocumentVersions.missing`)."""
        return self.versions.missing(self.authoring.versions.versions(article_id))

    def exists(self, article_id: str) -> bool:
        """Whether a file of the id is there, or an upload of it waits for review."""
        if self._file_there(article_id):
            return True
        return pending(self.authoring.versions.versions(article_id)) is not None

    def current_version(self, article_id: str) -> int:
        return self.versions.current(article_id)

    def reach(self, actor: User, article_id: str) -> Department | None:
        """The department of a well-formed document id the actor owns (a Markdown
        article's id is refused, 400, so its versions are never taken for one);
        None when the department's folder is gone (renamed or removed) while
        versions of the document are kept: its content owners and admins still
        read them and reject an upload waiting, so nothing is stuck meanwhile."""
        files.id_parts(article_id, document=True)
        slug = normal_name(department_of(article_id))
        if slug in self.authoring.departments() or not self.authoring.versions.latest(article_id):
            return self._department(actor, article_id)  # no such department: 404
        self.authoring.require_owner(actor, slug)
        return None

    # -- inside ------------------------------------------------------------------------

    def _department(self, actor: User, article_id: str) -> Department:
        found = self.authoring.department_of(article_id)
        self.authoring.require_owner(actor, found.slug)
        if found.review_required and self.versions.blobs is None:
            raise ConflictError(
                f"{found.name} publishes only what another content owner approved, and "
                "this server keeps no document files to review: ask the operator",
                details={"department": found.slug},
                key="document_review",
                values={"department": found.slug},
            )
        return found

    def _document(self, actor: User, article_id: str) -> Department:
        """`reach` for a change that writes into the folder: refused (409) while
        the department's folder is gone."""
        found = self.reach(actor, article_id)
        if found is None:
            raise department_gone(article_id, normal_name(department_of(article_id)))
        return found

    def _writable(self) -> None:
        if not self.authoring.writable:
            raise ContentReadOnlyError(self.authoring.authoring_url)

    def _put(
        self,
        actor: User,
        department: Department,
        article_id: str,
        data: bytes,
        *,
        replace: bool,
        base_version: int | None,
        action: Action,
        message: str,
    ) -> ArticleVersion:
        """`data` as the document's new version: written (and indexed), or under
        the four-eyes rule held for review."""
        self._writable()
        review = department.review_required
        with files.edit_lock(self.authoring.root):
            self._check_target(article_id, replace, action)
            if replace and base_version is not None:
                now = self.versions.current(article_id)
                if base_version != now:
                    raise StaleDocumentError(article_id, base_version, now)
            there = self._file_there(article_id)
            self.versions.sync(article_id)
            if action is Action.RESTORE:
                check_restore(self.versions, article_id, data)
            if review:
                status = Status.REVIEW
                version = self.versions.add(
                    article_id, data, actor.username, action, status, message
                )
            else:
                version = self._publish(actor, article_id, data, action, message, there)
        logger.info(
            "authoring: %s %s %s (version %d, %s)",
            actor.username,
            action.value,
            article_id,
            version.number,
            version.status.value,
        )
        if not review:
            self._index(article_id)
        return version

    def _waiting(self, article_id: str, number: int) -> ArticleVersion:
        """The version waiting for review, which must be `number`."""
        waiting = pending(self.authoring.versions.versions(article_id))
        if waiting is None:
            raise not_waiting(article_id)
        if waiting.number != number:
            raise StaleDocumentError(article_id, number, waiting.number)
        return waiting

    def _file_there(self, article_id: str) -> bool:
        try:
            files.article_file(self.authoring.root, article_id, must_exist=True, document=True)
        except NotFoundError:
            return False
        return True

    def _check_target(self, article_id: str, replace: bool, action: Action) -> None:
        """A new name must be free (in any letter case, and no upload of it waiting),
        as must a deleted document's restored; a replaced file must be there, or
        waiting for review."""
        root, versions = self.authoring.root, self.authoring.versions
        if replace:
            if action is Action.RESTORE and deleted(history := versions.versions(article_id)):
                check_free(root, article_id, pending(history) is not None)
            elif not self.exists(article_id):
                files.article_file(root, article_id, must_exist=True, document=True)
            return
        files.article_file(root, article_id, must_exist=False, document=True)
        existing = files.same_id_file(root, article_id)
        if existing is None and self.exists(article_id):
            existing = article_id  # an upload of it waits for review
        if existing is not None:
            raise already_there(
                existing, "; confirm that the upload replaces it, or choose another name"
            )

    def _publish(
        self, actor: User, article_id: str, data: bytes, action: Action, message: str, there: bool
    ) -> ArticleVersion:
        """A published version of `data`, then the file written (over the one `there`)."""
        by, published = actor.username, Status.PUBLISHED
        found = self.versions.on_disk(article_id)  # as synced: edits on disk take no lock
        version = self.versions.add(article_id, data, by, action, published, message)
        root, unchanged = self.authoring.root, lambda: self.versions.on_disk(article_id) == found
        try:
            files.write_article(root, article_id, data, exclusive=not there, unchanged=unchanged)
        except files.ChangedMeanwhile:  # replaced on disk meanwhile: a version of its own
            self.authoring.versions.remove_version(article_id, version.number)
            self.versions.sync(article_id)
            raise StaleDocumentError(
                article_id, version.number - 1, self.versions.current(article_id)
            ) from None
        except FileExistsError:
            self.authoring.versions.remove_version(article_id, version.number)
            raise already_there(article_id, "; confirm that the upload replaces it") from None
        except BaseException:
            self.authoring.versions.remove_version(article_id, version.number)
            raise
        return version

    def _index(self, article_id: str) -> None:
        hand_to_indexer(self.authoring, article_id)
