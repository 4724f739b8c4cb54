"""Where notifications go: department files, settings, and the background worker."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kb.content.scanner import scan_departments
from kb.errors import ConfigError
from kb.notify.config import NotifyConfig, Webhook, secret_variable
from kb.notify.outbox import OutboxMessage
from kb.notify.webhooks import WebhookSender
from kb.notify.worker import OutboxWorker, start_background
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import DEPARTMENTS


def write_department(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "it"
    folder.mkdir()
    (folder / "_department.yml").write_text(body, encoding="utf-8")
    return folder


def test_department_file_cannot_name_a_webhook_or_its_secret(tmp_path: Path) -> None:
    """A department file may only describe its department: the webhook target and
    the variable that signs it are the operator's settings (issue 13)."""
    write_department(
        tmp_path,
        "name: IT\nwebhook_url: http://127.0.0.1:8899/x\nwebhook_secret_env: KB_DATABASE_URL\n",
    )
    departments, problems = scan_departments(tmp_path)
    assert departments["it"].name == "IT"
    assert not hasattr(departments["it"], "webhook_url")
    assert [(p.kind, p.severity.value) for p in problems] == [("operator_field", "warning")] * 2
    assert "set by the operator" in problems[0].message
    config = NotifyConfig.from_settings(Settings.load(environ={}), departments)
    assert config.webhooks == {}


def test_department_file_field_typos_are_warnings(tmp_path: Path) -> None:
    write_department(tmp_path, "nmae: IT\nkeywords: [vpn]\ncontacts: {email: x@example.org}\n")
    _, problems = scan_departments(tmp_path)
    assert {(p.message.split("'")[1], p.hint) for p in problems} == {
        ("nmae", "rename it to name"),
        ("contacts", "rename it to contact"),
    }


def test_webhooks_come_from_settings_with_a_fixed_secret_variable() -> None:
    settings = Settings.load(
        {
            "webhooks": "it=https://hooks.example.org/it, hr=https://tickets.corp.example/hr",
            "webhook_hosts": "hooks.example.org,*.corp.example",
        },
        environ={},
    )
    config = NotifyConfig.from_settings(settings, DEPARTMENTS)
    assert config.webhooks == {
        "it": Webhook("https://hooks.example.org/it", "KB_WEBHOOK_SECRET_IT"),
        "hr": Webhook("https://tickets.corp.example/hr", "KB_WEBHOOK_SECRET_HR"),
    }
    assert secret_variable("human-resources") == "KB_WEBHOOK_SECRET_HUMAN_RESOURCES"


@pytest.mark.parametrize(
    ("webhooks", "hosts", "message"),
    [
        ("it=http://127.0.0.1:8899/x", "", "not in the setting webhook_hosts"),
        ("it=http://10.0.0.5/x", "hooks.example.org", "goes to 10.0.0.5"),
        ("it=https://evil.example.org.attacker.example/x", "*.example.org", "not in the setting"),
        ("it=https://example.org/x", "*.example.org", "not in the setting"),
        ("it=ftp://hooks.example.org/x", "hooks.example.org", "is not http"),
        ("https://hooks.example.org/x", "hooks.example.org", "is not department=URL"),
        (
            "it=https://hooks.example.org/x,hr=https://hooks.example.org/x",
            "hooks.example.org",
            "give each department its own URL",
        ),
    ],
)
def test_webhook_settings_are_checked(webhooks: str, hosts: str, message: str) -> None:
    settings = Settings.load({"webhooks": webhooks, "webhook_hosts": hosts}, environ={})
    with pytest.raises(ConfigError, match=message):
        NotifyConfig.from_settings(settings, DEPARTMENTS)


def test_config_from_settings_and_departments() -> None:
    settings = Settings.load(
        {"smtp_host": "mail.example.org", "mail_domain": "@example.org",
         "triage_email": "triage@example.org"},
        environ={},
    )  # fmt: skip
    config = NotifyConfig.from_settings(settings, DEPARTMENTS)
    assert config.webhooks == {}  # none without the operator's settings
    assert config.queue_addresses == {
        "hr": "hr@example.org",
        "it": "it@example.org",
        "triage": "triage@example.org",
    }
    assert config.mail_enabled
    assert config.requester_address("emma") == "emma@example.org"
    assert config.requester_address("jo@other.example") == "jo@other.example"
    # A removed account's requests keep "name (removed)": nobody to write to.
    assert config.requester_address("emma (removed)") is None
    assert config.requester_address("jo@other.example (removed)") is None
    quiet = NotifyConfig.from_settings(Settings.load(environ={}), DEPARTMENTS)
    assert not quiet.mail_enabled and quiet.requester_address("emma") is None


def test_a_department_file_cannot_send_its_queue_mail_anywhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Queue mail carries every question and the queue's internal notes. The
    address is `contact.email` in the department file, which content owners
    write (and who may not read internal notes): like webhooks, where it may
    point is the operator's, the setting `queue_mail_domains` (default: the
    domain of `mail_domain`)."""
    contact = {"email": "drop@attacker.example"}
    departments = {**DEPARTMENTS, "hr": replace(DEPARTMENTS["hr"], contact=contact)}
    settings = Settings.load(
        {"smtp_host": "mail.example.org", "mail_domain": "example.org"}, environ={}
    )
    assert NotifyConfig.from_settings(settings, departments).queue_addresses == {
        "it": "it@example.org"}  # fmt: skip
    assert "queue_mail_domains" in caplog.text and "drop@attacker.example" in caplog.text
    sneaky = {
        **departments,
        "hr": replace(DEPARTMENTS["hr"], contact={"email": "a@example.org@x.example"}),
    }
    assert "hr" not in NotifyConfig.from_settings(settings, sneaky).queue_addresses
    wider = settings.replace(queue_mail_domains="*.example, example.org")
    assert NotifyConfig.from_settings(wider, departments).queue_addresses == {
        "hr": "drop@attacker.example", "it": "it@example.org"}  # fmt: skip
    no_domain = Settings.load({"smtp_host": "mail.example.org"}, environ={})
    assert NotifyConfig.from_settings(no_domain, departments).queue_addresses == {}


@pytest.mark.parametrize(
    "written",
    [
        "drop@attacker.example, hr@example.org",
        "drop@attacker.example,hr@example.org",
        "drop@attacker.example;hr@example.org",
        '"HR" <drop@attacker.example>, hr@example.org',
        "<drop@attacker.example>hr@example.org",
        "drop@attacker.example (hr@example.org",
        "hr@example.org?bcc=drop@attacker.example@example.org",
        "hr@example.org\nBcc: drop@attacker.example",
        "Human Resources <hr@example.org>",
    ],
)
def test_a_department_file_cannot_add_an_address_to_its_queue_mail(written: str) -> None:
    """The domain check read the text after the last `@`: a `contact.email`
    listing an outside address before an allowed one passed it, and the mail's
    To header sent every question and internal note of the queue to both. Only
    one plain address is a queue's address."""
    settings = Settings.load(
        {"smtp_host": "mail.example.org", "mail_domain": "example.org"}, environ={}
    )
    departments = {**DEPARTMENTS, "hr": replace(DEPARTMENTS["hr"], contact={"email": written})}
    assert "hr" not in NotifyConfig.from_settings(settings, departments).queue_addresses
    plain = {**DEPARTMENTS, "hr": replace(DEPARTMENTS["hr"], contact={"email": "hr@example.org"})}
    assert NotifyConfig.from_settings(settings, plain).queue_addresses["hr"] == "hr@example.org"


def test_queue_addresses_are_not_warned_about_while_email_is_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every `kb` command reads the department files: with e-mail off (no
    `smtp_host`, the default and the sample content's setup) an address the
    setting would refuse sends nothing either way, so no command warns."""
    contact = {"email": "drop@attacker.example"}
    departments = {**DEPARTMENTS, "hr": replace(DEPARTMENTS["hr"], contact=contact)}
    off = Settings.load({"mail_domain": "example.org"}, environ={})
    with caplog.at_level(logging.WARNING):
        assert "hr" not in NotifyConfig.from_settings(off, departments).queue_addresses
    assert "queue_mail_domains" not in caplog.text


def test_background_worker_delivers_until_stopped(store: Store) -> None:
    sent: list[str] = []

    class Recorder(WebhookSender):
        def send(self, message: OutboxMessage) -> None:
            sent.append(message.topic)

    store.enqueue(OutboxMessage(topic="request.created", target="https://example.org/h"))
    worker = OutboxWorker(store, webhooks=Recorder({}))
    thread, stop = start_background(worker, interval=0.01)
    deadline = time.monotonic() + 30  # the worker is a thread a loaded machine may keep waiting
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert sent == ["request.created"]


def test_readdress_moves_a_renamed_accounts_mail_and_leaves_the_queues_alone() -> None:
    config = NotifyConfig(
        mail_domain="example.org", queue_addresses={"it": "it@example.org"}, mail_enabled=True
    )
    assert config.readdress("emma", "emma.k") == {
        "email:emma@example.org": "email:emma.k@example.org"
    }
    assert config.readdress("jo@old.example", "jo") == {
        "email:jo@old.example": "email:jo@example.org"
    }
    assert config.readdress("emma", None) == {"email:emma@example.org": None}  # removed
    assert config.readdress("it", "it.desk") == {}  # the IT queue's address: its mail
    assert NotifyConfig().readdress("emma", "emma.k") == {}  # no addresses at all
    assert NotifyConfig().readdress("jo@old.example", "jo") == {"email:jo@old.example": None}
