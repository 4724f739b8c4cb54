"""The web app follows the notification settings of its settings file: a
webhook or a mail server added there while the app runs gets the next
request's notification, and the outbox worker sends to it, without a restart
(`kb.live_settings`); an edit that does not check is shown to admins."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.live_settings import SettingsOrigin
from kb.notify.worker import OutboxWorker
from kb.settings import Settings
from kb.validators import utc_now
from tests.support import publish_fake_snapshot, sign_in_as, text_of
from tests.webapp.conftest import FakeEngine
from tests.webapp.test_api import fields_of
from webapp import create_app
from webapp.openapi.document import openapi_document
from webapp.services import services

URL = "https://hooks.example.org/it"
HOOK = f'[kb]\nwebhooks = "it={URL}"\nwebhook_hosts = "hooks.example.org"\n'


def write(path: Path, text: str) -> None:
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, "utf-8")
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb.toml"
    write(path, "[kb]\n")
    return path


@pytest.fixture
def live_app(
    settings: Settings, engine: FakeEngine, settings_file: Path, request_content: Path
) -> Iterator[Flask]:
    origin = SettingsOrigin.of(file=settings_file, environ={})
    app = create_app(
        {
            "KB_SETTINGS": settings,
            "KB_SETTINGS_ORIGIN": origin,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda _settings: engine,
        }
    )
    services(app).live_settings.check_seconds = 0.0  # no wait, for the test
    add_user(services(app).store, "emma", "employee")
    yield app
    services(app).close()


def file(app: Flask) -> None:
    client = app.test_client()
    token = sign_in_as(client, "emma")
    sent = client.post(
        "/api/requests",
        json={"query": "Printer jam", "department": "it"},
        headers={"X-CSRF-Token": token},
    )
    assert sent.status_code == 201


def targets(app: Flask) -> list[str]:
    store = services(app).store
    later = utc_now() + timedelta(days=1)
    return [m.target for m in store.due_messages(later, limit=100)]


def test_a_webhook_added_to_the_settings_file_is_used_without_a_restart(
    live_app: Flask, settings_file: Path
) -> None:
    svc = services(live_app)
    file(live_app)
    assert URL not in targets(live_app)
    worker = OutboxWorker.from_settings(
        svc.settings, svc.store, {}, environ={}, live_settings=svc.live_settings
    )
    assert URL not in worker.webhooks.secret_envs
    write(settings_file, HOOK)
    file(live_app)
    assert targets(live_app).count(URL) == 1
    assert worker.webhooks.secret_envs == {URL: "KB_WEBHOOK_SECRET_IT"}


def test_a_webhook_setting_edited_into_a_mistake_keeps_the_last_good_one(
    live_app: Flask, settings_file: Path
) -> None:
    write(settings_file, HOOK)
    file(live_app)
    write(settings_file, HOOK.replace('webhook_hosts = "hooks.example.org"', ""))
    file(live_app)
    assert targets(live_app).count(URL) == 2
    problem = services(live_app).live_settings.problem
    assert problem is not None and "webhook_hosts" in problem.message


MAIL = '[kb]\nsmtp_host = "mail.example.org"\nmail_domain = "example.org"\n'


def test_mail_settings_added_to_the_settings_file_are_used_without_a_restart(
    live_app: Flask, settings_file: Path
) -> None:
    svc = services(live_app)
    worker = OutboxWorker.from_settings(
        svc.settings, svc.store, {}, environ={}, live_settings=svc.live_settings
    )
    file(live_app)
    assert "email:emma@example.org" not in targets(live_app) and worker.mail is None
    write(settings_file, MAIL)
    file(live_app)
    assert targets(live_app).count("email:emma@example.org") == 1
    assert worker.mail is not None and worker.mail.host == "mail.example.org"
    write(settings_file, MAIL.replace("mail.example.org", "relay.example.org"))
    assert worker.mail.host == "relay.example.org"


def problems(page: str) -> list[str]:
    found = re.search(r'<ul class="manage-setup-problems">(.*?)</ul>', page, re.S)
    return re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S) if found else []


def test_a_broken_edit_is_shown_to_admins_with_the_file_and_the_line(
    live_app: Flask, settings_file: Path
) -> None:
    add_user(services(live_app).store, "ada", "admin")
    add_user(services(live_app).store, "cora", "content_owner", "it")
    client = live_app.test_client()
    write(settings_file, MAIL)
    sign_in_as(client, "ada")
    assert problems(text_of(client.get("/manage/?department=it"))) == []
    write(settings_file, MAIL + "smtp_port = 70000\n")
    file(live_app)  # still mailed, by the last good settings
    assert targets(live_app).count("email:emma@example.org") == 1
    [shown] = problems(text_of(client.get("/manage/?department=it")))
    assert f"<code>{settings_file}</code>, line 4" in shown
    assert "smtp_port must be at most 65535" in shown and "last good" in shown
    [german] = problems(text_of(client.get("/manage/?department=it&hl=de")))
    assert "Zeile 4" in german and "letzten gültigen Benachrichtigungseinstellungen" in german
    assert "last good" not in german
    sign_in_as(client, "cora")  # the settings are the admins'
    assert problems(text_of(client.get("/manage/?department=it"))) == []
    sign_in_as(client, "ada")
    write(settings_file, MAIL + "smtp_port = 587\n")
    assert problems(text_of(client.get("/manage/?department=it"))) == []
    assert services(live_app).live_settings().smtp_port == 587


def test_a_broken_edit_is_said_in_german_on_german_pages(
    live_app: Flask, settings_file: Path
) -> None:
    """The check's own words (a port out of range, a webhook host not allowed)
    read German on the German list page, not only the hint around them."""
    add_user(services(live_app).store, "ada", "admin")
    client = live_app.test_client()
    sign_in_as(client, "ada")
    write(settings_file, MAIL + "smtp_port = 70000\n")
    [german] = problems(text_of(client.get("/manage/?department=it&hl=de")))
    assert "Die Einstellung smtp_port darf höchstens 65535 sein, nicht 70000" in german
    assert "must be at most" not in german
    write(settings_file, '[kb]\nwebhooks = "it=https://elsewhere.example.net/h"\n')
    [german] = problems(text_of(client.get("/manage/?department=it&hl=de")))
    assert "führt zu elsewhere.example.net, das nicht in der Einstellung webhook_hosts" in german
    assert "Zeile 2" in german and "which is not in" not in german
    [english] = problems(text_of(client.get("/manage/?department=it&hl=en")))
    assert "goes to elsewhere.example.net, which is not in the setting webhook_hosts" in english
    write(settings_file, '[kb]\nmail_from = "Help Desk <help@example.org>"\n')
    [german] = problems(text_of(client.get("/manage/?department=it&hl=de")))
    assert "Einstellung mail_from: " in german and "hat einen Anzeigenamen" in german
    assert "display name" not in german


TOKEN_HOOK = "https://bot:pa55word@hooks.example.org/services/T0/B0/s3cr3t-token?key=also-secret"


def test_a_broken_edit_makes_health_degraded_naming_the_setting_without_its_secrets(
    live_app: Flask, settings_file: Path, settings: Settings
) -> None:
    """`/api/health`, which monitors read, says what `/manage/` shows: the setting
    and the line to anyone, the file and what is wrong to admins, never the
    webhook URL's token (nor a password in its user part)."""
    publish_fake_snapshot(Path(settings.index_dir))
    add_user(services(live_app).store, "ada", "admin")
    client = live_app.test_client()
    write(settings_file, HOOK)
    assert client.get("/api/health").get_json()["settings"] == {"ok": True}
    broken = f'[kb]\nwebhooks = "it={TOKEN_HOOK}"\nwebhook_hosts = "other.example"\n'
    write(settings_file, broken)
    body = client.get("/api/health").get_json()
    assert (body["status"], body["store"]) == ("degraded", {"ok": True})
    assert body["settings"] == {"ok": False, "problems": [{"setting": "webhooks", "line": 2}]}
    sign_in_as(client, "ada")
    answer = client.get("/api/health")
    [problem] = answer.get_json()["settings"]["problems"]
    described = openapi_document(live_app)["components"]["schemas"]["Health"]["properties"]
    assert fields_of(answer.get_json()) <= fields_of(described, schema=True)
    assert (problem["setting"], problem["line"], problem["file"]) == (
        "webhooks",
        2,
        str(settings_file),
    )
    assert "hooks.example.org" in problem["message"] and "webhook_hosts" in problem["message"]
    for secret in ("s3cr3t-token", "also-secret", "/services/", "pa55word"):
        assert secret not in answer.get_data(as_text=True)
    # A malformed pair quotes the whole value: it is left out too.
    write(settings_file, '[kb]\nwebhooks = "it=hooks.example.org/s3cr3t-token"\n')
    answer = client.get("/api/health")
    [problem] = answer.get_json()["settings"]["problems"]
    assert "is not http(s)://HOST/" in problem["message"]
    assert "s3cr3t-token" not in answer.get_data(as_text=True)
    write(settings_file, broken.replace("other.example", "hooks.example.org"))
    assert client.get("/api/health").get_json()["status"] == "ok"
