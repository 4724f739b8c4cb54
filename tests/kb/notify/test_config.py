"""Where notifications go: department files, settings, and the background worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kb.content.departments import load_department
from kb.errors import ContentError
from kb.notify.config import NotifyConfig
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


def test_department_file_names_the_webhook(tmp_path: Path) -> None:
    folder = write_department(
        tmp_path,
        "name: IT\nwebhook_url: https://hooks.example.org/it\nwebhook_secret_env: IT_SECRET\n",
    )
    department = load_department(folder, "it")
    assert (department.webhook_url, department.webhook_secret_env) == (
        "https://hooks.example.org/it",
        "IT_SECRET",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("webhook_url: ftp://x\nwebhook_secret_env: S\n", "webhook_url must be an http"),
        ("webhook_url: https://x.example.org\n", "webhook_secret_env must name an environment"),
        ("webhook_url: https://x.example.org\nwebhook_secret_env: my secret\n", "'my secret'"),
    ],
)
def test_bad_webhook_settings_are_reported(tmp_path: Path, body: str, message: str) -> None:
    folder = write_department(tmp_path, body)
    with pytest.raises(ContentError, match=message):
        load_department(folder, "it")


def test_config_from_settings_and_departments() -> None:
    settings = Settings.load(
        {"smtp_host": "mail.example.org", "mail_domain": "@example.org",
         "triage_email": "triage@example.org"},
        environ={},
    )  # fmt: skip
    config = NotifyConfig.from_settings(settings, DEPARTMENTS)
    assert set(config.webhooks) == {"it"}
    assert config.secret_envs() == {"http://127.0.0.1:9/hook": "IT_HOOK_SECRET"}
    assert config.queue_addresses == {
        "hr": "hr@example.org",
        "it": "it@example.org",
        "triage": "triage@example.org",
    }
    assert config.mail_enabled
    assert config.requester_address("emma") == "emma@example.org"
    assert config.requester_address("jo@other.example") == "jo@other.example"
    quiet = NotifyConfig.from_settings(Settings.load(environ={}), DEPARTMENTS)
    assert not quiet.mail_enabled and quiet.requester_address("emma") is None


def test_background_worker_delivers_until_stopped(store: Store) -> None:
    sent: list[str] = []

    class Recorder(WebhookSender):
        def send(self, message: OutboxMessage) -> None:
            sent.append(message.topic)

    store.enqueue(OutboxMessage(topic="request.created", target="https://example.org/h"))
    worker = OutboxWorker(store, webhooks=Recorder({}))
    thread, stop = start_background(worker, interval=0.01)
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert sent == ["request.created"]
