"""An uploaded document (PDF, Word, ODT, HTML, text) deleted in the browser.

A content owner whose department no longer wants a document found takes it
out of the department's folder without touching a file: search drops it on
the next incremental index pass, as it would a file removed on disk.

Checked as every change of a document is (`DocumentUploads`): the owner of the
department or an admin, the department's folder there, the id a document's
(no `..`, nothing hidden, no link followed: `kb.authoring.files`), and the
version the page showed the current one (`StaleDocumentError`: a replacement
or a change on disk since is not deleted unseen). A document with an upload
waiting for review is not deleted: that upload is approved or rejected first,
so that no reviewer approves a file into a document its owners removed.

Nothing is lost: the history keeps every version with its file, and a last
version, action `delete`, status retired, noted "deleted the document" (or
the owner's message), holding the deleted file's SHA-256 and size; a version's
file can still be downloaded from the history, or restored under the
document's name while that is free (`DocumentUploads.restore`,
`document_refusals.check_free`), and the name is free for a new upload. Like Retire, a delete takes something out of search without changing
what readers read, so it needs no second owner under the four-eyes rule.
"""

from __future__ import annotations

import logging
import os

from kb.accounts.records import User
from kb.authoring import files, version_notes
from kb.authoring.document_refusals import StaleDocumentError, department_gone
from kb.authoring.document_versions import pending
from kb.authoring.document_waiting import department_of
from kb.authoring.documents import DocumentUploads
from kb.authoring.errors import ContentReadOnlyError, writing
from kb.authoring.recording import hand_to_indexer
from kb.authoring.records import Action, ArticleVersion
from kb.errors import ConflictError
from kb.records import Status
from kb.validators import normal_name

logger = logging.getLogger(__name__)


def delete_document(
    uploads: DocumentUploads,
    actor: User,
    article_id: str,
    *,
    base_version: int,
    message: str = "",
) -> ArticleVersion:
    """Remove the document `article_id` from its folder (see the module); the
    `delete` version is returned."""
    authoring = uploads.authoring
    if uploads.reach(actor, article_id) is None:  # the owner's, or 403/404/400
        raise department_gone(article_id, normal_name(department_of(article_id)))
    if not authoring.writable:
        raise ContentReadOnlyError(authoring.authoring_url)
    with files.edit_lock(authoring.root):
        files.article_file(authoring.root, article_id, must_exist=True, document=True)
        waiting = pending(authoring.versions.versions(article_id))
        if waiting is not None:
            raise waiting_for_review(article_id, waiting.number)
        now = uploads.versions.current(article_id)
        if base_version != now:
            raise StaleDocumentError(article_id, base_version, now)
        uploads.versions.sync(article_id)
        data = uploads.versions.on_disk(article_id) or b""
        said = message.strip() or version_notes.note("version_note_deleted_document")
        gone = uploads.versions.add(
            article_id, data, actor.username, Action.DELETE, Status.RETIRED, said
        )
        try:
            with (
                files.article_folder(authoring.root, article_id, document=True) as (folder, name),
                writing(article_id),
            ):
                os.unlink(name, dir_fd=folder)
        except BaseException:
            authoring.versions.remove_version(article_id, gone.number)
            raise
    logger.info("authoring: %s deleted %s (version %d)", actor.username, article_id, gone.number)
    hand_to_indexer(authoring, article_id)
    return gone


def waiting_for_review(article_id: str, number: int) -> ConflictError:
    """A delete asked while an upload of the document waits for review."""
    return ConflictError(
        f"version {number} of {article_id} waits for review; approve or reject it "
        "first, then delete the document; nothing was deleted",
        details={"id": article_id, "version": number, "reason": "waiting"},
        key="document_delete_waiting",
        values={"id": article_id, "number": number},
    )
