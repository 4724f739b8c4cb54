"""A mail quotes a text the product wrote into the request's history in the
reader's language, and a person's text as they wrote it."""

from __future__ import annotations

from kb.notify.mail import compose
from kb.notify.topics import Topic
from kb.requests import entry_notes
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request, RequestEntry

REQUEST = Request(
    id=7, requester="emma", query="VPN drops", department="it", status=RequestStatus.IN_PROGRESS
)


def body_for(message: str, lang: str) -> str:
    entry = RequestEntry(request_id=7, actor="emma", kind="status", message=message)
    composed = compose(Topic.STATUS_CHANGED, REQUEST, entry, audience="queue", lang=lang)
    assert composed is not None
    return composed[1]


def test_the_product_s_text_is_quoted_in_the_reader_s_language() -> None:
    replied = entry_notes.NOTES.note("entry_note_requester_replied")
    assert "  Die anfragende Person hat geantwortet.\n" in body_for(replied, "de")
    assert "  The requester replied.\n" in body_for(replied, "en")
    assert "The requester replied." not in body_for(replied, "de")


def test_a_person_s_text_is_quoted_as_written() -> None:
    assert "  The requester replied, twice.\n" in body_for("The requester replied, twice.", "de")
