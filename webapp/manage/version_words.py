"""How the history pages word a version: what made it and its note, in the
page's language (`version_what`, `version_note` in templates)."""

from __future__ import annotations

from flask import Blueprint

from kb.authoring import version_notes
from kb.authoring.document_versions import DocumentVersion
from kb.authoring.records import Action, ArticleVersion
from webapp.i18n import gettext, label, note_text
from webapp.people import person_name

# The label of a first version recorded from the folder: the file was found
# there, not changed ("changed on disk" would say there was an earlier text).
FOUND_IN_FOLDER = "action_disk_found"


def version_note(note: str) -> str:
    """A version's note as the history pages show it: one the product wrote
    (a file found on disk, a restore) in the page's language, the author of
    an approved upload by their display name (the note keeps the username);
    any other as written."""
    return note_text(version_notes.NOTES, note, name_of=person_name)


def version_what(version: ArticleVersion | DocumentVersion) -> str:
    """What made `version` and the status it gave ("published · Published"):
    a first version recorded from the folder reads as found there."""
    if version.action is Action.DISK and version.number == 1:
        made = gettext(FOUND_IN_FOLDER)
    else:
        made = label("action", version.action.value)
    return f"{made} · {label('article', version.status.value)}"


def register(bp: Blueprint) -> None:
    """Offer the wording to every template of the app, as `bp` is registered."""
    bp.add_app_template_global(version_note, "version_note")
    bp.add_app_template_global(version_what, "version_what")
