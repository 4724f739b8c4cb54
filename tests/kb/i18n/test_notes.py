"""A table of the notes the product writes: each is written from its template
and read back into its key and values; a text a person wrote is none of them."""

from __future__ import annotations

from kb.i18n.notes import NoteTable

NOTES = NoteTable(
    {
        "restored": "restored version {number}",
        "approved": "approved version {number} ({author})",
        "done": "All {total} tasks are done.",
        "plain": "changed on disk",
    }
)


def test_a_note_is_read_back_into_its_key_and_values() -> None:
    assert NOTES.wording(NOTES.note("restored", number=12)) == ("restored", {"number": "12"})
    approved = NOTES.note("approved", number=3, author="Helga (HR)")
    assert approved == "approved version 3 (Helga (HR))"
    assert NOTES.wording(approved) == ("approved", {"number": "3", "author": "Helga (HR)"})
    assert NOTES.wording("All 4 tasks are done.") == ("done", {"total": "4"})
    assert NOTES.wording("changed on disk") == ("plain", {})


def test_a_text_a_person_wrote_is_no_note() -> None:
    for text in (
        "",
        "restored version 2 after the audit",  # numbers are read back as digits only
        "restored version two",
        "Changed on disk",
        "changed on disk, then fixed",
        "All of the tasks are done.",
    ):
        assert NOTES.wording(text) is None, text
