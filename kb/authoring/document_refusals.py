"""What a change to an uploaded document is refused for, beyond its name and bytes
(`document_checks`): a newer version meanwhile, a folder to write into that is
gone, a restore of the file the document has already, and a restore of a
deleted document whose name was taken since.

A version is its bytes (the SHA-256 the store keeps them by), so restoring a
version whose file is the one in the content folder now, or the one waiting
for review, would only record the same file again under a new number; a
content owner expects to be told that it is current already, and nothing is
recorded (`check_restore`).

A deleted document (`deleted`) comes back under its own name only while that
name is free: a file of that name in any letter case, put there on disk or
uploaded since, or an upload of it waiting for review, keeps it, and the
restore is refused (409, `details.reason` `name_taken`) with nothing written
(`check_free`). So is the approval of an upload held for review whose file is
not there while a file of its name in another letter case was put there since
(`check_approvable`): the held version stays, for the reviewer to reject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from kb.authoring import files
from kb.authoring.document_versions import DocumentVersions, live, pending
from kb.authoring.errors import GoneSinceError
from kb.authoring.records import Action, ArticleVersion
from kb.errors import ConflictError


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


class DocumentGoneError(GoneSinceError):
    """A replacement sent with `If-Match` (a version, or `*`) of a document deleted
    since: nothing is written, and the deleted document does not come back under
    its name by an upload that meant to replace it (a restore brings it back)."""

    code = "stale_document"

    def __init__(self, article_id: str, base: int | None) -> None:
        super().__init__(article_id, base, None)


def folder_gone(article_id: str, number: int) -> ConflictError:
    """Approving version `number` into a sub-folder renamed or moved on disk."""
    # details.reason as the versions' `orphaned.reason` names it
    return ConflictError(
        f"the folder of {article_id} is no longer in the department (renamed or "
        "moved on disk), so its file cannot be written; reject this upload and "
        "upload the file again where the document is now, or put the folder back",
        details={"id": article_id, "version": number, "reason": "folder_gone"},
        key="document_folder_gone",
        values={"id": article_id},
    )


def already_there(article_id: str, advice: str) -> ConflictError:
    """A new upload's name taken (in any letter case, or by an upload waiting)."""
    return ConflictError(
        f"{article_id} already exists{advice}",
        details={"id": article_id},
        key="document_exists",
        values={"id": article_id},
    )


def not_waiting(article_id: str) -> ConflictError:
    """Approving or rejecting when no version of `article_id` waits for review."""
    return ConflictError(
        f"no version of {article_id} waits for review; see its history",
        details={"id": article_id},
        key="document_not_waiting",
        values={"id": article_id},
    )


def department_gone(article_id: str, department: str) -> ConflictError:
    """Writing `article_id` (approving, restoring) while its department's own
    folder is gone: its versions can still be downloaded and an upload rejected."""
    return ConflictError(
        f"{article_id} cannot be written: the folder {department} is no longer in the "
        "content folder (renamed or removed on disk). Put the folder back under its old "
        "name and do it there; or download the file, reject the upload waiting (if any) "
        "and upload the file into the department's folder as it is named now",
        details={"id": article_id, "department": department, "reason": "department_gone"},
        key="document_department_gone",
        values={"id": article_id, "folder": department},  # the folder's name, not its title
    )


def check_restore(versions: DocumentVersions, article_id: str, data: bytes) -> None:
    """Refuse (409, `details.reason` `already_current` or `already_waiting`, with
    `details.same_as` the version of that file) to restore `data` when it is the
    file in the content folder now or the file waiting for review; call inside
    the edit lock, after `DocumentVersions.sync` (so the file on disk is the
    version last published)."""
    digest = hashlib.sha256(data).hexdigest()
    history = versions.authoring.versions.versions(article_id)
    waiting, now, raw = pending(history), live(history), versions.on_disk(article_id)
    if waiting is not None and waiting.content_hash == digest:
        same, reason = waiting.number, "already_waiting"
        said = f"is the file of version {same}, which waits for review already"
    elif now is not None and raw is not None and hashlib.sha256(raw).hexdigest() == digest:
        same, reason = now.number, "already_current"
        said = f"is the current file already (version {same})"
        if waiting is not None:
            said += f"; to keep it, reject version {waiting.number}, which waits for review"
    else:
        return
    raise ConflictError(
        f"that version's file of {article_id} {said}: nothing was restored",
        details={"id": article_id, "reason": reason, "same_as": same},
        key=(
            "document_already_waiting"
            if reason == "already_waiting"
            else "document_current_waiting"
            if waiting is not None
            else "document_already_current"
        ),
        values={"id": article_id, "number": same, "waiting": waiting.number if waiting else 0},
    )


def deleted(history: Sequence[ArticleVersion]) -> bool:
    """Whether the document was deleted and nothing was published under its name
    since (an upload of it may wait for review)."""
    return live(history) is None and any(v.action is Action.DELETE for v in history)


def check_free(root: Path, article_id: str, waiting: bool) -> None:
    """Refuse to restore the deleted document `article_id` while its name is taken
    (`waiting`: an upload of it waits for review); call inside the edit lock."""
    files.article_file(root, article_id, must_exist=False, document=True)  # its folder there
    taken = files.same_id_file(root, article_id) or (article_id if waiting else None)
    if taken is None:
        return
    raise ConflictError(
        f"{article_id} cannot be restored under its name: since it was deleted, "
        f"{taken} {'waits for review' if waiting else 'took the name'}; nothing was "
        "restored. Delete, rename or reject that one first, or download this version "
        "and upload it under another name",
        details=_taken(article_id, taken),
        key="document_restore_taken",
        values={"id": article_id, "taken": taken},
    )


def check_approvable(root: Path, article_id: str, restore: bool) -> None:
    """Refuse to approve the held upload (`restore`: restore of a deleted document)
    of `article_id`, whose file is not there, while a file of its id in another
    letter case is, put there on disk since it was held: writing it beside that
    one would make two files of one id. Call inside the edit lock."""
    if restore:
        check_free(root, article_id, waiting=False)
        return
    taken = files.same_id_file(root, article_id)
    if taken is None:
        return
    raise ConflictError(
        f"{article_id} cannot be published: since it was uploaded, {taken} was put "
        "into the folder and has its name in another letter case; nothing was written "
        "and the upload still waits. Reject it, or delete or rename that file first "
        "and approve it again",
        details=_taken(article_id, taken),
        key="document_approve_taken",
        values={"id": article_id, "taken": taken},
    )


def _taken(article_id: str, taken: str) -> dict[str, str]:
    return {"id": article_id, "reason": "name_taken", "taken_by": taken}
