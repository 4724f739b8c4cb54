"""The notes the product writes into a version: each is found again, with its
values, for a page to word it, and a note a person wrote is left alone."""

from __future__ import annotations

import re

import pytest

from kb.authoring import version_notes
from kb.i18n.catalog import Catalog
from webapp.i18n import LOCALES


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("version_note_found_in_folder", {}),
        ("version_note_changed_on_disk", {}),
        ("version_note_restored", {"number": "12"}),
        ("version_note_uploaded_document", {}),
        ("version_note_replaced_article", {}),
        ("version_note_approved", {"number": "3", "author": "Helga (HR)"}),
        ("version_note_added", {"heading": "Can I bring my dog: yes"}),
        ("version_note_published_from_request", {"request": "41"}),
    ],
)
def test_each_note_is_found_again_with_its_values(key: str, values: dict[str, str]) -> None:
    assert version_notes.NOTES.wording(version_notes.note(key, **values)) == (key, values)


def test_the_first_version_from_disk_and_a_later_one_differ() -> None:
    first, later = version_notes.found_on_disk(True), version_notes.found_on_disk(False)
    assert version_notes.NOTES.wording(first) == ("version_note_found_in_folder", {})
    assert version_notes.NOTES.wording(later) == ("version_note_changed_on_disk", {})


def test_a_note_a_person_wrote_has_none() -> None:
    for note in ("", "office", "restored version 2 after the audit", "Changed on disk"):
        assert version_notes.NOTES.wording(note) is None, note


def test_every_note_has_its_page_text_in_every_language() -> None:
    catalog = Catalog.read([LOCALES])
    assert set(catalog.languages) >= {"en", "de"}
    for lang in catalog.languages:
        for key, stored in version_notes.NOTES.notes.items():
            worded = catalog.messages[lang].get(key, "")
            assert worded, (lang, key)
            for name in re.findall(r"\{(\w+)\}", stored):
                assert f"{{{name}}}" in worded, (lang, key, name)
