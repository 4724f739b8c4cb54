"""The requester of a duplicate merged into a request follows that request's
answer without reading (or being mailed) its requester's own words and files
(`kb.requests.merged_readers`)."""

from __future__ import annotations

from kb.attachments.records import Upload
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.notify.test_holder_mail import mails_during
from tests.kb.requests import test_watcher_mail
from tests.support import EMPLOYEE, IT_AGENT, OTHER

EMMA = "email:emma@example.org"

mailing = test_watcher_mail.mailing  # the fixture: its service mails, emma and otto have accounts


def merged(service: RequestService) -> int:
    """Otto's request, with emma's duplicate merged into it."""
    asked = [
        service.submit(OTHER, "Payroll shows the wrong tax class", "My salary is 4,200.",
                       department="it"),
        service.submit(EMPLOYEE, "Tax class wrong", "Mine too.", department="it"),
    ]  # fmt: skip
    target, duplicate = (int(r.id or 0) for r in asked)
    service.merge(IT_AGENT, duplicate, target)
    return target


def test_a_merged_requester_is_mailed_the_agents_words_not_the_requesters(
    mailing: RequestService, store: Store
) -> None:
    target = merged(mailing)
    own = mails_during(store, mailing, lambda: mailing.comment(OTHER, target, "Otto's words"))
    assert own and EMMA not in [m.target for m in own]
    upload = Upload(name="payslip.txt", data=b"Otto, net pay 2,871.13")
    filed = mails_during(store, mailing, lambda: mailing.attach(OTHER, target, [upload]))
    assert EMMA not in [m.target for m in filed]
    answered = mails_during(
        store, mailing, lambda: mailing.comment(IT_AGENT, target, "We are on it.")
    )
    [to_emma] = [m for m in answered if m.target == EMMA]
    assert "We are on it." in str(to_emma.payload["text"])
    resolved = mails_during(
        store, mailing, lambda: mailing.resolve(IT_AGENT, target, "Fixed in the portal.")
    )
    assert EMMA in [m.target for m in resolved]


def test_the_service_withholds_the_requesters_own_from_a_merged_requester(
    mailing: RequestService,
) -> None:
    target = merged(mailing)
    mailing.comment(OTHER, target, "Otto's words")
    mailing.comment(IT_AGENT, target, "We are on it.")
    seen = mailing.get(EMPLOYEE, target)
    assert (seen.requester, seen.description, seen.watchers) == ("", "", ["emma"])
    assert "description" in seen.withheld
    history = mailing.history(EMPLOYEE, target)
    assert [e.message for e in history if e.kind == "comment"] == ["We are on it."]
    assert all(e.actor != OTHER.username for e in history)
    # The requester and the agents read it whole.
    assert mailing.get(OTHER, target).description == "My salary is 4,200."
    assert not mailing.get(IT_AGENT, target).withheld
    assert len([e for e in mailing.history(IT_AGENT, target) if e.kind == "comment"]) == 2
