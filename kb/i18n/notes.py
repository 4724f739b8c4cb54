"""Notes the product writes into its records itself, in English, and finds
again for a page to say them in the reader's language.

A version's note ("restored version 2") and a request history's entry ("The
requester replied.") are stored as text: the store, the JSON API and the
command line keep them as written. A `NoteTable` writes each from its template
and reads a stored text back into the template's key and values, so that a
page or a mail can word it from its catalogue ("Version 2 wiederhergestellt"). A
text a person wrote matches no template and is shown as written; a person who
types one of these very notes sees it worded, which says the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kb.i18n.catalog import Catalog

# Values read back only as digits: a version's, request's or count's number, so
# that "restored version 2 after the audit" stays a person's note.
_NUMBERS = frozenset({"number", "request", "total"})
# Values that are a person's username: stored so (the API and the command line
# take usernames), said by the name a page gives the person (`name_of`).
PEOPLE = frozenset({"author"})


@dataclass(frozen=True)
class NoteTable:
    """Text key (in the pages' catalogues) -> the note as stored, `{name}` filled in."""

    notes: Mapping[str, str]

    def note(self, key: str, **values: Any) -> str:
        """The note `key` as stored, its values filled in."""
        return self.notes[key].format(**values)

    def wording(self, text: str) -> tuple[str, dict[str, str]] | None:
        """The key of the note `text` is and the values read back out of it;
        None for a text a person wrote."""
        for key, pattern in self._patterns.items():
            if match := pattern.fullmatch(text):
                return key, match.groupdict()
        return None

    def say(
        self,
        text: str,
        lang: str,
        catalog: Catalog,
        reader: str = "",
        name_of: Callable[[str], str] | None = None,
    ) -> str:
        """`text` in `lang` where it is one of these notes (its key's text in
        `catalog`, the values filled in); as written where it is not. Said to the
        person the note is about (`reader`, "requester"), a note with a text of
        its own for them (`<key>_<reader>`: "You replied.") is said so. A
        person a note names (`PEOPLE`) is named by `name_of`, where given (a
        page: by their display name)."""
        worded = self.wording(text)
        if worded is None:
            return text
        key, values = worded
        if name_of is not None:
            values = {k: name_of(v) if k in PEOPLE else v for k, v in values.items()}
        if reader and catalog.has(lang, f"{key}_{reader}"):
            key = f"{key}_{reader}"
        return catalog.translate(lang, key, **values)

    @cached_property
    def _patterns(self) -> dict[str, re.Pattern[str]]:
        return {key: _pattern(template) for key, template in self.notes.items()}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    # Literal text at even places, value names at odd ones.
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_value(part)})"
            for i, part in enumerate(parts)
        )
    )


def _value(name: str) -> str:
    return r"\d+" if name in _NUMBERS else ".+"
