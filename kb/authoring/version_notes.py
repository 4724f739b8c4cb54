"""The notes the product writes into a version itself, where no person wrote
one: a file found in the content folder or changed there, an upload, a
restore, an approval or rejection, an answer added from a request.

The store, the JSON API and the command line keep these notes as written here,
in English; pages say them in the reader's language by the key `wording`
finds, with the values it reads back out of the note (a note a person wrote
is shown as written). A person who types one of these very notes sees it
worded too, which says the same.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Text key (the pages' catalogues) -> the note as stored, `{name}` filled in.
NOTES = {
    "version_note_found_in_folder": "as found in the content folder",
    "version_note_changed_on_disk": "changed on disk",
    "version_note_restored": "restored version {number}",
    "version_note_uploaded_document": "uploaded the document",
    "version_note_replaced_document": "replaced the document",
    "version_note_uploaded_article": "uploaded the article",
    "version_note_replaced_article": "replaced the article",
    "version_note_approved": "approved version {number} ({author})",
    "version_note_rejected": "rejected version {number}",
    "version_note_added": "added: {heading}",
    "version_note_answer_of_request": "answer of request {request}",
    "version_note_published_from_request": "published from request {request}",
}


def note(key: str, **values: Any) -> str:
    """The note `key` as stored, its values filled in."""
    return NOTES[key].format(**values)


def found_on_disk(first: bool) -> str:
    """The note of a version recorded from the file on disk: the article's
    first version, or a later change made outside the browser."""
    return note("version_note_found_in_folder" if first else "version_note_changed_on_disk")


# What a value may be when read back: a version's or request's number is digits
# (so "restored version 2 after the audit" is a person's note), anything else text.
_VALUES = {"number": r"\d+", "request": r"\d+"}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    # Literal text at even places, value names at odd ones.
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_VALUES.get(part, '.+')})"
            for i, part in enumerate(parts)
        )
    )


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {key: _pattern(template) for key, template in NOTES.items()}


def wording(text: str) -> tuple[str, dict[str, str]] | None:
    """The text key of a note the product wrote and the values read back out
    of it; None for a note a person wrote."""
    for key, pattern in _patterns().items():
        if match := pattern.fullmatch(text):
            return key, match.groupdict()
    return None
