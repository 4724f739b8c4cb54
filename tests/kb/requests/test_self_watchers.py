"""A watch someone made of themselves lasts only as long as the role that let them
read the request; one the requester or an agent made for them lasts as it did."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from kb.accounts.records import User
from kb.errors import NotFoundError
from kb.notify.mail import MailSender
from kb.notify.outbox import OutboxMessage
from kb.notify.webhooks import WebhookSender
from kb.notify.worker import OutboxWorker
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import EMPLOYEE, HR_AGENT, IT_AGENT, IT_OWNER, OTHER, Clock, user


class SentMail(MailSender):
    """Keeps the mails instead of talking to a server."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 25)
        self.targets: list[str] = []

    def send(self, message: OutboxMessage) -> None:
        self.targets.append(message.target)


class SentHooks(WebhookSender):
    def __init__(self) -> None:
        super().__init__({})

    def send(self, message: OutboxMessage) -> None:
        pass


def revoked(person: User) -> User:
    return replace(person, grants=[])


def test_a_watch_made_of_oneself_ends_with_the_role(service: RequestService) -> None:
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    watched = service.watch(IT_AGENT, request.id)
    assert (watched.watchers, watched.self_watchers) == (["ian"], ["ian"])
    service.watch(IT_OWNER, request.id)
    for person in (IT_AGENT, IT_OWNER):
        assert service.history(person, request.id)  # read while the role lasts
        for read in (service.get, service.history, service.attachments):
            with pytest.raises(NotFoundError, match="no request with id"):
                read(revoked(person), request.id)
    # The request lists the watches in effect: ian's, whose role the store still
    # holds; olga has no account there, so hers has ended.
    assert service.get(EMPLOYEE, request.id).watchers == ["ian"]


def test_a_watcher_the_requester_or_an_agent_added_reads_as_before(
    service: RequestService, store: Store
) -> None:
    for person in (EMPLOYEE, OTHER, IT_OWNER):
        store.add_user(person)
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    service.watch(EMPLOYEE, request.id, IT_OWNER.username)
    service.watch(IT_AGENT, request.id, HR_AGENT.username)
    # Someone who left and was added back by the requester reads as an added one.
    service.watch(IT_AGENT, request.id)
    service.unwatch(IT_AGENT, request.id)
    after = service.watch(EMPLOYEE, request.id, IT_AGENT.username)
    assert after.self_watchers == []
    for person in (IT_OWNER, HR_AGENT, IT_AGENT):
        assert service.history(revoked(person), request.id)
    # The requester watching their own request is no self-watch either.
    assert service.watch(EMPLOYEE, request.id).self_watchers == []


def test_a_merge_makes_a_self_watcher_an_added_one(service: RequestService, store: Store) -> None:
    agent_filed = user("ines", ("agent", "it"))
    store.add_user(agent_filed)
    target = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    duplicate = service.submit(agent_filed, "VPN keeps dropping", department="it")
    assert target.id is not None and duplicate.id is not None
    assert service.watch(agent_filed, target.id).self_watchers == ["ines"]
    service.merge(IT_AGENT, duplicate.id, target.id)
    assert service.get(IT_AGENT, target.id).self_watchers == []
    assert service.history(revoked(agent_filed), target.id)


def test_a_self_watcher_is_mailed_only_while_a_role_lets_them_read(
    service: RequestService, store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    for person in (EMPLOYEE, OTHER, IT_OWNER):
        store.add_user(person)
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    service.watch(IT_OWNER, request.id)
    service.watch(EMPLOYEE, request.id, OTHER.username)
    mail = SentMail()
    worker = OutboxWorker(store, webhooks=SentHooks(), mail=mail, clock=clock)
    worker.deliver_due()
    mail.targets.clear()
    service.comment(IT_AGENT, request.id, "Which client version?")
    worker.deliver_due()
    assert "email:olga@example.org" in mail.targets
    # Her role is revoked (or, under single sign-on, her last sign-in lacked it).
    store.update_user(revoked(IT_OWNER))
    mail.targets.clear()
    service.comment(IT_AGENT, request.id, "Please try the new client.")
    [to_her] = [
        m.id for m in store.due_messages(clock(), 500) if m.target.endswith("olga@example.org")
    ]
    with caplog.at_level(logging.INFO, logger="kb.notify.worker"):
        report = worker.deliver_due()
    assert sorted(mail.targets) == [
        "email:emma@example.org",
        "email:it@example.org",
        "email:otto@example.org",
    ]
    assert report.given_up == 1 and to_her not in {m.id for m in store.due_messages(clock(), 500)}
    assert "olga watched request" in caplog.text and "no longer holds a role" in caplog.text
    # The requester making her a watcher brings the mails back, as the reading.
    service.unwatch(EMPLOYEE, request.id, "olga")
    service.watch(EMPLOYEE, request.id, "olga")
    mail.targets.clear()
    service.comment(IT_AGENT, request.id, "Fixed?")
    worker.deliver_due()
    assert "email:olga@example.org" in mail.targets
