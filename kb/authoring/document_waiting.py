"""The uploads of a department waiting for review, and whether each still fits the
content folder as it is now.

An upload held under the four-eyes rule lives in the store alone (its bytes in
the attachment store), while the folder it is to be written into stays in many
hands: the file it replaces may be renamed, moved or changed on disk, or its
sub-folder renamed, while it waits. The list of uploads waiting is therefore
read from the versions (the newest version that is not a change found on disk,
as `document_versions.pending` reads a history), never from the files, so such
an upload stays on it; and each is checked against the folder, so that the
reviewer is told what no longer fits (`Orphaned`) and what to do, before
approving writes a file where nobody expects it. An upload of a department
whose own folder was renamed or removed belongs to no department's list any
more: `stranded_documents` finds those for the list of whoever owns that
department (and admins), where they are downloaded and rejected; approving
waits until the folder is back.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from kb.authoring import files, four_eyes
from kb.authoring.document_versions import DocumentVersions, live, pending
from kb.authoring.records import ArticleVersion
from kb.content.readers import is_document
from kb.errors import KbError
from kb.records import Status
from kb.validators import normal_name

if TYPE_CHECKING:
    from kb.accounts.records import User
    from kb.authoring.service import AuthoringService

logger = logging.getLogger(__name__)


class Orphaned(StrEnum):
    """Why an upload waiting for review no longer fits the content folder."""

    FOLDER_GONE = "folder_gone"  # its folder was renamed or moved: approving cannot write it
    FILE_GONE = "file_gone"  # the file it replaces was renamed, moved or deleted
    CHANGED_ON_DISK = "changed_on_disk"  # a file there changed (or appeared) since the upload
    # the department's folder itself renamed or removed: no department to review it in
    DEPARTMENT_GONE = "department_gone"


@dataclass(frozen=True)
class WaitingDocument:
    """An upload waiting for review, what no longer fits (None: nothing), and
    who wrote its bytes (`four_eyes.document_authors`: none of them approves it)."""

    version: ArticleVersion
    orphaned: Orphaned | None = None
    authors: tuple[str, ...] = ()
    file_missing: bool = False  # its file is not in the store: it cannot be approved

    @property
    def article_id(self) -> str:
        return self.version.article_id

    @property
    def department(self) -> str:
        return department_of(self.article_id)


def waiting_documents(versions: DocumentVersions, department: str) -> list[WaitingDocument]:
    """The department's uploads waiting for review, oldest first, each checked
    against the folder (a new document has no file yet, so the list of files
    cannot show it)."""
    store = versions.authoring.versions
    newest = store.latest_versions(f"{department}/", skip_disk=True)
    found = [
        waiting_document(versions, aid)
        for aid, v in newest.items()
        if is_document(aid) and v.status is Status.REVIEW
    ]
    return sorted((w for w in found if w), key=lambda w: (w.version.ts, w.article_id))


def stranded_documents(
    versions: DocumentVersions, departments: Collection[str]
) -> list[WaitingDocument]:
    """Uploads waiting for review in a department that is not among `departments`
    (its folder renamed or removed while they waited), oldest first: no
    department's list shows them, and they can be reviewed only once the folder
    is back under its old name."""
    newest = versions.authoring.versions.latest_versions("", skip_disk=True)
    found = []
    for aid, v in newest.items():
        if is_document(aid) and v.status is Status.REVIEW and department_of(aid) not in departments:
            waiting = waiting_document(versions, aid)
            if waiting is not None:  # `departments` may be another's view than the root's
                found.append(replace(waiting, orphaned=Orphaned.DEPARTMENT_GONE))
    return sorted(found, key=lambda w: (w.version.ts, w.article_id))


def department_of(article_id: str) -> str:
    return article_id.split("/", 1)[0]


def withdrawn_by_uploader(authoring: AuthoringService, actor: User, article_id: str) -> bool:
    """Whether `actor` uploaded the version of `article_id` waiting for review in
    a department whose folder is gone: taking the folder away often takes its
    content owners' role too, and their upload should not wait for an admin.
    Withdrawing is all it allows; approving and restoring still need the role."""
    if normal_name(department_of(article_id)) in authoring.departments():
        return False
    waiting = pending(authoring.versions.versions(article_id))
    return waiting is not None and waiting.author == actor.username


def waiting_document(versions: DocumentVersions, article_id: str) -> WaitingDocument | None:
    """The version of `article_id` waiting for review with what no longer fits and
    its authors (None: none waits)."""
    history = versions.authoring.versions.versions(article_id)
    waiting = pending(history)
    if waiting is None:
        return None
    authors = tuple(four_eyes.document_authors(waiting, history))
    lost = orphaned(versions, article_id, waiting.number)
    return WaitingDocument(waiting, lost, authors, bool(versions.missing([waiting])))


def orphaned(versions: DocumentVersions, article_id: str, number: int) -> Orphaned | None:
    """What no longer fits the folder for version `number` of `article_id`, which
    waits for review (None: it can be approved as it stands)."""
    if department_of(article_id) not in versions.authoring.departments():
        return Orphaned.DEPARTMENT_GONE
    try:
        path = files.article_file(
            versions.authoring.root, article_id, must_exist=False, document=True
        )
    except KbError as exc:  # the department or a folder renamed, or a link in the way
        logger.warning("authoring: %s waits for review, but %s", article_id, exc.message)
        return Orphaned.FOLDER_GONE
    if not path.parent.is_dir():
        return Orphaned.FOLDER_GONE
    before = [v for v in versions.authoring.versions.versions(article_id) if v.number < number]
    published = live(before)
    if not os.path.lexists(path):
        return Orphaned.FILE_GONE if published is not None else None
    raw = versions.on_disk(article_id)
    now = hashlib.sha256(raw).hexdigest() if raw is not None else ""
    if published is None or now != published.content_hash:
        return Orphaned.CHANGED_ON_DISK
    return None
