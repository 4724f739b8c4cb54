"""The agent a request or task is given to gets one mail, in the language of
the question and with a link to the request; nobody is mailed about what
they did themselves, and the requester hears nothing of it."""

from __future__ import annotations

import pytest

from kb.accounts.records import User
from kb.accounts.service import add_user
from kb.notify.config import NotifyConfig
from kb.notify.mail import compose
from kb.notify.outbox import READER, OutboxMessage
from kb.notify.topics import Topic
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request, RequestEntry
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import EMPLOYEE, IT_AGENT, user

COLLEAGUE = user("carl", ("agent", "it"))
SITE = "https://kb.example.org/"


@pytest.fixture
def notify_config() -> NotifyConfig:
    return NotifyConfig(
        queue_addresses={"it": "it@example.org", "hr": "hr@example.org"},
        mail_enabled=True,
        mail_domain="example.org",
        site_url=SITE,
    )


def mails_during(store: Store, service: RequestService, act: object) -> list[OutboxMessage]:
    """The e-mails `act()` queues."""
    before = {m.id for m in store.due_messages(service.clock(), limit=500)}
    assert callable(act)
    act()
    return [
        m
        for m in store.due_messages(service.clock(), limit=500)
        if m.id not in before and m.target.startswith("email:")
    ]


def onboarding(service: RequestService, store: Store, question: str) -> int:
    for person, department in (("ian", "it"), ("carl", "it"), ("hanna", "hr")):
        add_user(store, person, "agent", department)
    made = service.submit(EMPLOYEE, question, workflow="onboarding", fields=ONBOARDING)
    assert made.id is not None
    return made.id


@pytest.mark.parametrize(
    ("question", "subject", "opening"),
    [
        ("New hire Jana", "[Request #{id}] Task 3 handed over to you", "ian handed task 3"),
        (
            "Neue Kollegin, die Jana",
            "[Anfrage #{id}] Aufgabe 3 an Sie übergeben",
            "ian hat Ihnen Aufgabe 3 übergeben",
        ),
    ],
)
def test_the_new_holder_of_a_task_gets_one_mail_in_the_question_s_language(
    service: RequestService, store: Store, question: str, subject: str, opening: str
) -> None:
    request_id = onboarding(service, store, question)
    service.holders.take_task(IT_AGENT, request_id, 3)

    mails = mails_during(
        store, service, lambda: service.holders.hand_over_task(IT_AGENT, request_id, 3, "carl")
    )

    assert [m.target for m in mails] == ["email:carl@example.org"]
    mail = mails[0].payload
    assert mail["subject"].startswith(subject.format(id=request_id))
    assert mail["text"].startswith(opening)
    assert f"https://kb.example.org/requests/{request_id}\n" in mail["text"]
    assert mail["event"] == "request.task_handed_over"
    # Sent only while carl may still read the request (`kb.notify.worker`).
    assert mail[READER] == "carl"


def test_taking_releasing_or_handing_a_task_to_oneself_mails_nobody(
    service: RequestService, store: Store
) -> None:
    request_id = onboarding(service, store, "New hire Jana")
    holders = service.holders
    assert mails_during(store, service, lambda: holders.take_task(IT_AGENT, request_id, 3)) == []
    assert mails_during(store, service, lambda: holders.release_task(IT_AGENT, request_id, 3)) == []
    to_self = mails_during(
        store, service, lambda: holders.hand_over_task(IT_AGENT, request_id, 3, "IAN")
    )
    assert to_self == []
    assert next(t for t in store.tasks(request_id) if t.id == 3).assignee == "ian"


def test_the_agent_a_request_is_assigned_to_gets_one_mail_and_the_requester_none(
    service: RequestService, store: Store
) -> None:
    add_user(store, "carl", "agent", "it")
    made = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert made.id is not None

    mails = mails_during(store, service, lambda: service.assign(IT_AGENT, made.id, "Carl"))

    assert [m.target for m in mails] == ["email:carl@example.org"]
    assert mails[0].payload["subject"].startswith(f"[Request #{made.id}] Assigned to you")
    assert f"https://kb.example.org/requests/{made.id}\n" in mails[0].payload["text"]
    # Taking it oneself, or unassigning it, mails nobody.
    assert mails_during(store, service, lambda: service.assign(IT_AGENT, made.id, "ian")) == []
    assert mails_during(store, service, lambda: service.assign(COLLEAGUE, made.id, None)) == []


def test_the_holder_s_mail_quotes_no_internal_text() -> None:
    request = Request(
        id=7, requester="emma", query="VPN drops", department="it", status=RequestStatus.NEW
    )
    entry = RequestEntry(
        request_id=7,
        actor="ian",
        kind="assigned",
        message="Internal: the requester's manager complained",
        data={"from": None, "to": "carl"},
        visible_to_requester=False,
    )
    composed = compose(Topic.ASSIGNED, request, entry, audience="assignee", lang="en")
    assert composed is not None
    assert "Internal" not in composed[1]
    # Nobody but the holder is mailed an internal entry: no requester text exists.
    assert compose(Topic.ASSIGNED, request, entry, audience="requester") is None


def test_the_mail_names_who_gave_it_by_their_display_name(
    service: RequestService, store: Store
) -> None:
    """Pages name people by their display name; the mail said "ian assigned this
    request to you" by username."""
    add_user(store, "carl", "agent", "it")
    made = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert made.id is not None
    named = User(username="ian", display_name="Ian Brandt", grants=IT_AGENT.grants)

    mails = mails_during(store, service, lambda: service.assign(named, made.id, "carl"))

    assert mails[0].payload["text"].startswith("Ian Brandt assigned this request to you.")
    request_id = onboarding(service, store, "New hire Jana")
    service.holders.take_task(named, request_id, 3)
    handed = mails_during(
        store, service, lambda: service.holders.hand_over_task(named, request_id, 3, "carl")
    )
    assert handed[0].payload["text"].startswith("Ian Brandt handed task 3 over to you")
