"""The notes the product writes into a version itself, where no person wrote
one: a file found in the content folder or changed there, an upload, a
restore (changes discarded too), an approval or rejection, an answer added
from a request, links changed to name a renamed article's new id.

The store, the JSON API and the command line keep them in English as written
here, a person by their username; the history pages word them in the
reader's language, a person by their display name (`kb.i18n.notes`).
"""

from __future__ import annotations

from typing import Any

from kb.i18n.notes import NoteTable

NOTES = NoteTable(
    {
        "version_note_found_in_folder": "as found in the content folder",
        "version_note_changed_on_disk": "changed on disk",
        "version_note_restored": "restored version {number}",
        "version_note_discarded_changes": "discarded the changes since version {number}",
        "version_note_uploaded_document": "uploaded the document",
        "version_note_replaced_document": "replaced the document",
        "version_note_uploaded_article": "uploaded the article",
        "version_note_replaced_article": "replaced the article",
        "version_note_approved": "approved version {number} ({author})",
        "version_note_rejected": "rejected version {number}",
        "version_note_added": "added: {heading}",
        "version_note_answer_of_request": "answer of request {request}",
        "version_note_published_from_request": "published from request {request}",
        "version_note_moved_from": "moved from {id}",
        "version_note_moved_to": "moved to {id}",
        "version_note_relinked": "links to {old} now name {new}",
        "version_note_deleted_document": "deleted the document",
    }
)


def note(key: str, **values: Any) -> str:
    """The note `key` as stored, its values filled in."""
    return NOTES.note(key, **values)


def found_on_disk(first: bool) -> str:
    """The note of a version recorded from the file on disk: the article's
    first version, or a later change made outside the browser."""
    return note("version_note_found_in_folder" if first else "version_note_changed_on_disk")
