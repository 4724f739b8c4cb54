"""`kb documents check`: what the history pages of uploaded documents show, for
the whole content root at once, so that an operator finds it before a content
owner meets it at approval or download.

Two kinds of problem are reported: a version whose file the attachment store
does not hold (`DocumentVersions.missing`: recorded before files were kept,
or lost by the store since), and an upload waiting for review that no longer
fits the content folder (`document_waiting.Orphaned`, its department's own
folder gone included). Each names the document, the version and what to do
on its history page; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from kb.authoring.document_versions import DocumentVersions
from kb.authoring.document_waiting import (
    Orphaned,
    WaitingDocument,
    stranded_documents,
    waiting_documents,
)
from kb.content.readers import is_document

FILE_MISSING = "file_missing"

# One line each: the history page (and the list of uploads waiting) says what to do.
_SAYS = {
    FILE_MISSING: "its file is not in the attachment store (recorded before files were kept, "
    "or lost since): restore the store from a backup, or upload the document again",
    Orphaned.FOLDER_GONE: "waits for review, but its folder was renamed or moved: it cannot be "
    "approved; reject it and upload it where the document is now",
    Orphaned.FILE_GONE: "waits for review, but the file it replaces was renamed, moved or deleted",
    Orphaned.CHANGED_ON_DISK: "waits for review, but the file changed on disk since the upload",
    Orphaned.DEPARTMENT_GONE: "waits for review in a department whose folder is gone: it "
    "cannot be approved; download and reject it, or put the folder back under its old name",
}


@dataclass(frozen=True)
class DocumentProblem:
    """A document version that needs someone's attention."""

    article_id: str
    version: int
    reason: str  # FILE_MISSING or an `Orphaned` value

    @property
    def message(self) -> str:
        return f"{self.article_id} version {self.version}: {_SAYS[self.reason]}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.article_id,
            "version": self.version,
            "reason": self.reason,
            "message": self.message,
        }


def check_documents(
    versions: DocumentVersions, departments: Collection[str]
) -> list[DocumentProblem]:
    """Every version of every document whose file is not kept, then every upload
    waiting for review that no longer fits the folder, by document id."""
    store = versions.authoring.versions
    found = [
        DocumentProblem(aid, number, FILE_MISSING)
        for aid in sorted(a for a in store.latest_versions("") if is_document(a))
        for number in sorted(versions.missing(store.versions(aid)))
    ]
    waiting: list[WaitingDocument] = stranded_documents(versions, departments)
    for department in sorted(departments):
        waiting += waiting_documents(versions, department)
    found += [
        DocumentProblem(w.article_id, w.version.number, w.orphaned.value)
        for w in sorted(waiting, key=lambda w: w.article_id)
        if w.orphaned is not None
    ]
    return found
