"""E-mail notifications through a real SMTP server (aiosmtpd on 127.0.0.1):
to the requester in their language and to the department's queue address.

The server listens on a socket bound to port 0 before it starts, so no other
test can take its port in between."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kb.errors import ConfigError
from kb.live_settings import LiveSettings, SettingsOrigin
from kb.notify.config import NotifyConfig, check_webhooks
from kb.notify.mail import MailSender
from kb.notify.notifier import Notifier
from kb.notify.outbox import OutboxMessage
from kb.notify.webhooks import WebhookSender
from kb.notify.worker import OutboxWorker
from kb.requests.service import RequestService
from kb.settings import Settings
from kb.store.protocols import Store
from tests.ports import refusing_port
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT, Clock, guess_language


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_once = False  # keep the next message, but answer a failure

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        if self.refuse_once:
            self.refuse_once = False
            return "451 Try again later"
        return "250 Message accepted for delivery"

    def take(self) -> dict[str, EmailMessage]:
        """The messages received so far, by recipient; empties the inbox."""
        taken = {str(m["To"]): m for m in self.messages}
        self.messages.clear()
        return taken


class BoundController(Controller):
    """aiosmtpd's threaded server on a loopback socket bound here, to port 0
    (aiosmtpd binds the port it is given, which would have to be chosen free
    first and could be taken before it binds)."""

    def __init__(self, handler: Inbox) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        port = int(self._sock.getsockname()[1])
        # Generous: the server's thread may wait for a loaded machine's cores.
        super().__init__(handler, hostname="127.0.0.1", port=port, ready_timeout=60)

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock)


def subject(mail: EmailMessage) -> str:
    # A long subject is folded onto the next line whole; unfolding keeps the
    # space that mail clients drop.
    return str(mail["Subject"]).strip()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = BoundController(inbox)
    try:
        controller.start()
        yield inbox, controller.port
    finally:
        controller.stop(no_assert=True)


@pytest.fixture
def mailing(
    store: Store, clock: Clock, smtp: tuple[Inbox, int]
) -> tuple[RequestService, OutboxWorker, Inbox]:
    inbox, port = smtp
    return (*mail_service(store, clock, port, {"it": "IT Services"}), inbox)


def mail_service(
    store: Store, clock: Clock, port: int, names: dict[str, str]
) -> tuple[RequestService, OutboxWorker]:
    """Requests that mail their requesters and the queues of `names` (by SMTP on `port`)."""
    queues = {slug: f"{slug}@example.org" for slug in names}
    config = NotifyConfig(queue_addresses=queues, mail_enabled=True, mail_domain="example.org")
    notifier = Notifier(config, department_names=names, language_of=guess_language, clock=clock)
    service = RequestService(
        store, departments=DEPARTMENTS, notifier=notifier, language_of=guess_language, clock=clock
    )
    worker = OutboxWorker(
        store,
        webhooks=WebhookSender({}),
        clock=clock,
        mail=MailSender("127.0.0.1", port, "spoc-kb@example.org", timeout=30),
    )
    return service, worker


def test_mails_in_the_requesters_language_and_to_the_queue(
    mailing: tuple[RequestService, OutboxWorker, Inbox], clock: Clock
) -> None:
    service, worker, inbox = mailing
    request = service.submit(
        EMPLOYEE, "Wie richte ich die VPN auf dem Diensthandy ein?", department="it"
    )
    assert request.id is not None
    assert worker.deliver_due(clock.now).delivered == 2
    mails = inbox.take()
    assert set(mails) == {"emma@example.org", "it@example.org"}
    mine, queue = mails["emma@example.org"], mails["it@example.org"]
    assert subject(mine) == (
        "[Anfrage #1] Wir haben Ihre Anfrage erhalten: Wie richte ich die VPN auf dem "
        "Diensthandy ein?"
    )
    assert mine["From"] == "spoc-kb@example.org"
    assert mine["Content-Language"] == "de"
    body = mine.get_content()
    assert "Ihre Anfrage liegt bei der Abteilung IT Services." in body
    assert "Frage: Wie richte ich die VPN auf dem Diensthandy ein?" in body
    assert "Status: Neu" in body  # the label the request page shows
    assert subject(queue).startswith("[Request #1] New request: Wie richte ich")
    assert "A new request is in the IT Services queue." in queue.get_content()

    # An agent's reply goes to both, with the reply quoted; internal notes to no one.
    service.comment(IT_AGENT, request.id, "Installieren Sie bitte die App aus dem Portal.")
    service.comment(IT_AGENT, request.id, "Check MDM enrolment", visible_to_requester=False)
    worker.deliver_due(clock.now)
    mails = inbox.take()
    assert set(mails) == {"emma@example.org", "it@example.org"}
    assert subject(mails["emma@example.org"]).startswith("[Anfrage #1] Neue Antwort: ")
    assert "  Installieren Sie bitte die App aus dem Portal." in (
        mails["emma@example.org"].get_content()
    )
    assert "MDM" not in "".join(m.get_content() for m in mails.values())

    # A status change and the resolution.
    service.transition(IT_AGENT, request.id, "waiting_for_requester", note="Welches Modell?")
    worker.deliver_due(clock.now)
    status_mail = inbox.take()["emma@example.org"]
    assert subject(status_mail).startswith("[Anfrage #1] Status: Wartet auf Sie: ")
    assert "Welches Modell?" in status_mail.get_content()
    service.resolve(IT_AGENT, request.id, "Die App ist installiert.")
    worker.deliver_due(clock.now)
    mails = inbox.take()
    assert subject(mails["emma@example.org"]).startswith("[Anfrage #1] Beantwortet: ")
    assert "Die App ist installiert." in mails["emma@example.org"].get_content()
    assert subject(mails["it@example.org"]).startswith("[Request #1] Resolved: ")


def test_english_requests_get_english_mail_and_requesters_are_not_told_of_their_own_acts(
    mailing: tuple[RequestService, OutboxWorker, Inbox], clock: Clock
) -> None:
    service, worker, inbox = mailing
    request = service.submit(EMPLOYEE, "Printer on floor 3 is offline", department="it")
    assert request.id is not None
    worker.deliver_due(clock.now)
    assert subject(inbox.take()["emma@example.org"]) == (
        "[Request #1] We received your request: Printer on floor 3 is offline"
    )
    service.comment(EMPLOYEE, request.id, "It shows error 49.")
    worker.deliver_due(clock.now)
    mails = inbox.take()
    assert set(mails) == {"it@example.org"}
    assert "It shows error 49." in mails["it@example.org"].get_content()


def test_a_mail_sent_again_keeps_its_message_id(
    mailing: tuple[RequestService, OutboxWorker, Inbox], clock: Clock
) -> None:
    # The server took the mail, but the answer says otherwise (a temporary
    # failure, a lost connection): the retry is the same mail to the reader.
    service, worker, inbox = mailing
    inbox.refuse_once = True
    request = service.submit(EMPLOYEE, "Printer offline", department="it")
    first = worker.deliver_due(clock.now)
    assert first.failed >= 1
    worker.deliver_due(clock.now + timedelta(hours=1))
    service.comment(IT_AGENT, request.id, "Fixed the queue.")
    worker.deliver_due(clock.now + timedelta(hours=1))
    ids = [(str(m["To"]), str(m["Message-ID"])) for m in inbox.messages]
    refused = ids[0]
    assert ids.count(refused) == 2  # the same mail, twice, under one id
    assert len({message_id for _, message_id in ids}) == len(ids) - 1
    assert refused[1].startswith("<spoc-kb.") and refused[1].endswith("@example.org>")


def test_mail_to_a_server_that_is_down_is_retried(store: Store, clock: Clock) -> None:
    with refusing_port() as dead_port:
        config = NotifyConfig(mail_enabled=True, mail_domain="example.org")
        notifier = Notifier(config, language_of=guess_language, clock=clock)
        service = RequestService(
            store,
            departments=DEPARTMENTS,
            notifier=notifier,
            language_of=guess_language,
            clock=clock,
        )
        worker = OutboxWorker(
            store,
            webhooks=WebhookSender({}),
            clock=clock,
            mail=MailSender("127.0.0.1", dead_port, timeout=2),
        )
        service.submit(EMPLOYEE, "Printer offline", department="it")
        assert worker.deliver_due(clock.now).failed == 1
        [message] = store.due_messages(clock.now.replace(year=2100))
        assert message.target == "email:emma@example.org"
        assert "could not send mail to emma@example.org via 127.0.0.1" in (message.last_error or "")


def test_without_smtp_no_mail_is_queued(store: Store, clock: Clock) -> None:
    notifier = Notifier(
        NotifyConfig(mail_enabled=False, mail_domain="example.org"),
        language_of=guess_language,
        clock=clock,
    )
    service = RequestService(store, departments=DEPARTMENTS, notifier=notifier, clock=clock)
    service.submit(EMPLOYEE, "Printer offline", department="it")
    assert store.due_messages(clock.now.replace(year=2100)) == []


def test_a_department_name_over_several_lines_cannot_break_a_mail(
    store: Store, clock: Clock, smtp: tuple[Inbox, int]
) -> None:
    """A department file may write its name as a YAML block (`name: |`). In a
    Subject ("Passed to {dept}") its line break raised ValueError in every
    delivery pass: that mail was neither sent nor given up, and it broke off
    the pass for the mails after it."""
    inbox, port = smtp
    names = {"it": "IT Services", "hr": "Human\nResources\r\nBcc: all@example.org"}
    service, worker = mail_service(store, clock, port, names)
    request = service.submit(EMPLOYEE, "Payslip is missing", department="it")
    assert request.id is not None
    worker.deliver_due(clock.now)
    inbox.take()
    service.reassign(IT_AGENT, request.id, "hr", "Payroll is HR's")
    report = worker.deliver_due(clock.now)
    mails = inbox.take()
    assert report.delivered == len(mails) >= 2 and "all@example.org" not in mails
    told = subject(mails["emma@example.org"])
    assert told == "[Request #1] Passed to Human Resources Bcc: all@example.org: Payslip is missing"


def test_a_department_without_a_name_is_mailed_by_its_folders_default_name(
    store: Store, clock: Clock, smtp: tuple[Inbox, int]
) -> None:
    """Mails name a department as the pages do (`display_name`): HR, not hr."""
    inbox, port = smtp
    service, worker = mail_service(store, clock, port, {"it": "IT Services"})
    request = service.submit(EMPLOYEE, "Payslip is missing", department="it")
    assert request.id is not None
    worker.deliver_due(clock.now)
    inbox.take()
    service.reassign(IT_AGENT, request.id, "hr", "Payroll is HR's")
    worker.deliver_due(clock.now)
    told = subject(inbox.take()["emma@example.org"])
    assert told == "[Request #1] Passed to HR: Payslip is missing"


def test_the_triage_queue_is_mailed_by_the_name_pages_give_it(
    mailing: tuple[RequestService, OutboxWorker, Inbox], clock: Clock
) -> None:
    service, worker, inbox = mailing
    service.submit(EMPLOYEE, "Wo bekomme ich einen neuen Schlüssel?", department="triage")
    worker.deliver_due(clock.now)
    body = inbox.take()["emma@example.org"].get_content()
    # The queue is no department ("bei der Abteilung Zentraler Service-Desk").
    assert "Ihre Anfrage liegt beim Zentralen Service-Desk, der sie" in body
    assert "Abteilung Zentraler" not in body


INJECTED = "{}\\r\\nBcc: drop@attacker.example"


def test_a_line_break_in_an_address_setting_cannot_add_a_mail_header(
    tmp_path: Path, store: Store, clock: Clock, smtp: tuple[Inbox, int]
) -> None:
    """A CR/LF in `mail_from` or `triage_email` would start a header of its own
    (`Bcc: drop@…`): refused when the settings load, and, edited into the file
    of a running process, it changes nothing: the mail sent has the last good
    sender and recipient and no header the value carried."""
    inbox, port = smtp
    path = tmp_path / "kb.toml"
    good = (
        f'[kb]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nmail_from = "kb@example.org"\n'
        'triage_email = "triage@example.org"\n'
    )
    path.write_text(good, encoding="utf-8")
    for name, address in (("mail_from", "kb@example.org"), ("triage_email", "triage@example.org")):
        bad = good.replace(f'"{address}"', f'"{INJECTED.format(address)}"')
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=f"setting {name}: .* holds a line break"):
            Settings.load(environ={}, file=path)
    with pytest.raises(ValueError, match="line break"):
        MailSender("127.0.0.1", port, "kb@example.org\r\nBcc: drop@attacker.example")

    path.write_text(good, encoding="utf-8")
    settings = Settings.load(environ={}, file=path)
    live = LiveSettings(
        settings, SettingsOrigin.of(file=path, environ={}), check=check_webhooks, check_seconds=0
    )
    worker = OutboxWorker.from_settings(
        settings, store, {}, environ={}, clock=clock, live_settings=live
    )
    stamp = path.stat().st_mtime_ns + 10**9
    path.write_text(
        good.replace('"kb@example.org"', f'"{INJECTED.format("kb@example.org")}"').replace(
            '"triage@example.org"', f'"{INJECTED.format("triage@example.org")}"'
        ),
        encoding="utf-8",
    )
    os.utime(path, ns=(stamp, stamp))
    assert worker.mail is not None and worker.mail.mail_from == "kb@example.org"
    assert live.problem is not None and "line break" in live.problem.message
    queue = NotifyConfig.from_settings(live(), {}).queue_addresses["triage"]
    assert queue == "triage@example.org"
    worker.mail.send(
        OutboxMessage(
            topic="request.created", target=f"email:{queue}", payload={"subject": "Hi"}, id=1
        )
    )
    [mail] = inbox.messages
    assert (mail["From"], mail["To"]) == ("kb@example.org", "triage@example.org")
    assert mail["Bcc"] is None and "attacker" not in mail.as_string()
