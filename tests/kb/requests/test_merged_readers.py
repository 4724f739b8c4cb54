"""The requester of a duplicate merged into a request follows that request's
answer without reading (or being mailed) its requester's own words and files
(`kb.requests.merged_readers`)."""

from __future__ import annotations

import logging

import pytest

from kb.attachments.records import Upload
from kb.notify.outbox import OutboxMessage
from kb.notify.worker import OutboxWorker
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.notify.test_holder_mail import mails_during
from tests.kb.requests import test_watcher_mail
from tests.kb.requests.test_self_watchers import SentHooks, SentMail
from tests.kb.requests.test_value_streams import FAR_FUTURE, ONBOARDING
from tests.support import EMPLOYEE, HR_AGENT, IT_AGENT, OTHER, Clock, user

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


def test_a_merged_requester_who_works_the_queue_is_mailed_as_its_agent(
    mailing: RequestService, store: Store
) -> None:
    """The merge rule held back the requester's replies from emma though she is
    also an agent of the request's queue, who reads them all: the role with more
    rights wins, in the mail as on the page."""
    target = merged(mailing)
    agent = user("emma", ("employee", None), ("agent", "it"))
    store.update_user(agent)
    own = mails_during(store, mailing, lambda: mailing.comment(OTHER, target, "Otto's words"))
    [to_emma] = [m for m in own if m.target == EMMA]
    assert "Otto's words" in str(to_emma.payload["text"])
    assert mailing.get(agent, target).description == "My salary is 4,200."
    # Without the role, she is mailed only what she reads as a merged requester.
    store.update_user(EMPLOYEE)
    again = mails_during(store, mailing, lambda: mailing.comment(OTHER, target, "More words"))
    assert EMMA not in [m.target for m in again]


def test_a_merged_requester_reads_no_value_of_the_requesters_form_in_titles(
    mailing: RequestService, store: Store
) -> None:
    """Red team: merged into otto's onboarding request, emma read his new hire's
    name and start date in its title and in every task's title ("Laptop for Jana
    Fischer"), on the page, in the API, the history and her mails. She reads it
    under her own question, and each task by its number, department and status."""
    target = int(mailing.submit(OTHER, "", workflow="onboarding", fields=ONBOARDING).id or 0)
    mine = {**ONBOARDING, "new_hire": "Max Muster"}
    duplicate = int(mailing.submit(EMPLOYEE, "", workflow="onboarding", fields=mine).id or 0)
    mailing.merge(HR_AGENT, duplicate, target)
    own = mailing.get(EMPLOYEE, duplicate).query
    assert "Max Muster" in own
    first = mailing.detail(HR_AGENT, target).tasks[0].task
    assert "Jana Fischer" in first.title
    mailing.complete_task(HR_AGENT, target, first.id or 0)
    told = mails_during(store, mailing, lambda: mailing.comment(HR_AGENT, target, "On it."))
    [to_emma] = [m for m in told if m.target == EMMA]
    assert "Onboarding Max Muster" in str(to_emma.payload["subject"])
    seen = mailing.detail(EMPLOYEE, target)
    assert seen.request.query == own
    assert all(s.task.title == "" and s.task.title_withheld for s in seen.tasks)
    assert [s.task.department for s in seen.tasks] == [
        s.task.department for s in mailing.detail(HR_AGENT, target).tasks
    ]
    [done] = [e for e in seen.history if e.kind == "task"]
    assert done.data["title"] is None and done.data["status"] == "done"
    for read in (seen.request, *seen.tasks, *seen.history, to_emma.payload):
        assert "Jana" not in str(read), read
    # Those who read it whole read its titles, emma too once she works its queue.
    assert "Jana" in mailing.get(OTHER, target).query
    agent = user("emma", ("employee", None), ("agent", "hr"))
    assert "Jana" in mailing.detail(agent, target).tasks[0].task.title


def test_a_merged_requester_whose_agent_role_ended_before_delivery_is_not_mailed_it_whole(
    mailing: RequestService, store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Red team: the role that let emma be mailed otto's reply whole was read when
    he replied; revoked before the worker delivered it, she still got it. The
    worker reads her roles again, as it does for a self-watcher."""
    target = merged(mailing)
    agent = user("emma", ("employee", None), ("agent", "it"))
    store.update_user(agent)
    mail = SentMail()
    worker = OutboxWorker(store, webhooks=SentHooks(), mail=mail, clock=clock)
    worker.deliver_due()
    mail.targets.clear()
    mailing.comment(OTHER, target, "Otto's words")
    store.update_user(EMPLOYEE)  # her agent role ends before the mail goes
    with caplog.at_level(logging.INFO, logger="kb.notify.worker"):
        report = worker.deliver_due()
    assert EMMA not in mail.targets and "email:it@example.org" in mail.targets
    assert report.given_up == 1
    assert "emma filed a duplicate merged into request" in caplog.text
    # While she holds the role, the mail goes.
    store.update_user(agent)
    mail.targets.clear()
    mailing.comment(OTHER, target, "More words")
    worker.deliver_due()
    assert EMMA in mail.targets


class KeptMail(SentMail):
    """Keeps each mail whole, to read what it says."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[OutboxMessage] = []

    def send(self, message: OutboxMessage) -> None:
        super().send(message)
        self.sent.append(message)


def test_a_merged_requester_whose_agent_role_ended_before_delivery_gets_the_readers_mail(
    mailing: RequestService, store: Store, clock: Clock
) -> None:
    """Red team: emma, an agent of HR, was mailed an HR agent's reply on otto's
    onboarding request as its agent; her role revoked before the worker sent it,
    the worker gave the whole mail up, though a merged reader is mailed that
    reply. She now gets it as a merged reader: under her own question, without
    the values of otto's form."""
    target = int(mailing.submit(OTHER, "", workflow="onboarding", fields=ONBOARDING).id or 0)
    mine = {**ONBOARDING, "new_hire": "Max Muster"}
    duplicate = int(mailing.submit(EMPLOYEE, "", workflow="onboarding", fields=mine).id or 0)
    mailing.merge(HR_AGENT, duplicate, target)
    store.update_user(user("emma", ("employee", None), ("agent", "hr")))
    mail = KeptMail()
    worker = OutboxWorker(store, webhooks=SentHooks(), mail=mail, clock=clock)
    worker.deliver_due()
    mail.sent.clear()
    mailing.comment(HR_AGENT, target, "The laptop is ordered.")
    [queued] = [m for m in store.due_messages(FAR_FUTURE, 500) if m.target == EMMA]
    assert "Jana" in str(queued.payload["subject"])  # as an agent reads it
    store.update_user(EMPLOYEE)  # her agent role ends before the mail goes
    report = worker.deliver_due()
    [to_emma] = [m for m in mail.sent if m.target == EMMA]
    assert "Onboarding Max Muster" in str(to_emma.payload["subject"])
    assert "The laptop is ordered." in str(to_emma.payload["text"])
    assert "Jana" not in str(to_emma.payload)
    assert report.given_up == 0
