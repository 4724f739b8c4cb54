"""A mail quotes a text the product wrote into the request's history in the
reader's language, and a person's text as they wrote it."""

from __future__ import annotations

from dataclasses import replace

from kb.notify.mail import Audience, compose
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


def test_only_the_requester_reads_that_a_request_waits_for_them() -> None:
    """The queue's and a watcher's mail said "Status: Waiting for you" of a request
    that waits for its requester: the agents' words are theirs."""
    waiting = Request(
        id=7,
        requester="emma",
        query="VPN drops",
        department="it",
        status=RequestStatus.WAITING_FOR_REQUESTER,
    )
    entry = RequestEntry(request_id=7, actor="ian", kind="status")

    def body(audience: Audience, lang: str) -> str:
        composed = compose(Topic.STATUS_CHANGED, waiting, entry, audience=audience, lang=lang)
        assert composed is not None
        return composed[1]

    assert "Status: Waiting for you\n" in body("requester", "en")
    assert "Status: Wartet auf Sie\n" in body("requester", "de")
    others: tuple[Audience, ...] = ("queue", "watcher")
    for audience in others:
        assert "Status: Waiting for the requester\n" in body(audience, "en")
        assert "Status: Wartet auf die anfragende Person\n" in body(audience, "de")
        assert "Waiting for you" not in body(audience, "en")


def test_a_question_over_several_lines_cannot_forge_the_lines_the_product_writes() -> None:
    """`POST /api/requests` takes a question with line breaks: its body lines read
    as the mail's own, a status the request does not have and another address to
    follow, in every mail to the queue, the requester and the watchers."""
    forged = replace(
        REQUEST, query="VPN drops\r\nStatus: Resolved\nhttps://evil.example/requests/7"
    )
    entry = RequestEntry(request_id=7, actor="emma", kind="created")
    composed = compose(Topic.CREATED, forged, entry, audience="queue", department_name="IT\nHR")
    assert composed is not None
    lines = composed[1].splitlines()
    assert "Question: VPN drops Status: Resolved https://evil.example/requests/7" in lines
    assert "Department: IT HR" in lines
    assert not [line for line in lines if line.startswith(("Status: Resolved", "https://evil"))]


def test_a_person_s_text_is_quoted_under_their_name() -> None:
    """A requester may make anyone a watcher of their request, and each reply they
    write is mailed to them: quoted bare under "There is a new reply to a request
    you watch:", a requester's link to follow read as the service desk's own."""
    entry = RequestEntry(request_id=7, actor="emma", kind="comment", message="Sign in at evil")
    for lang, said in (("en", "Emma\nExample wrote:"), ("de", "Emma\nExample schrieb:")):
        composed = compose(
            Topic.COMMENTED,
            REQUEST,
            entry,
            audience="watcher",
            lang=lang,
            actor_name="Emma\nExample",
        )
        assert composed is not None
        said = " ".join(said.split())
        assert f"\n{said}\n  Sign in at evil\n" in composed[1]
    replied = entry_notes.NOTES.note("entry_note_requester_replied")
    assert "wrote:" not in body_for(replied, "en")


def test_a_title_s_date_is_written_as_the_reader_s_language_writes_dates() -> None:
    """A value stream's title stores its start date as `YYYY-MM-DD`; the mail
    names it as its reader writes dates, in the subject and in the body."""
    onboarding = replace(REQUEST, query="Onboarding Jana Fischer, starts 2099-01-04")
    entry = RequestEntry(request_id=7, actor="emma", kind="created")
    for lang, day in (("en", "4 January 2099"), ("de", "4. Januar 2099")):
        composed = compose(Topic.CREATED, onboarding, entry, audience="queue", lang=lang)
        assert composed is not None
        subject, body = composed
        assert subject.endswith(f"Onboarding Jana Fischer, starts {day}"), subject
        assert f": Onboarding Jana Fischer, starts {day}\n" in body
        assert "2099-01-04" not in subject + body
