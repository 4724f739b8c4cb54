"""Without a configured `secret_key` the app signs with the store's own key, made
once: a leave link mailed before a restart, and a session, work after it, on
SQLite and PostgreSQL alike; a configured key still wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from kb.settings import Settings
from tests.support import FakeEngine
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.requests.test_leave_link import watched_by
from webapp import create_app
from webapp.services import services


@pytest.fixture
def unkeyed(settings: Settings) -> Settings:  # noqa: F811 - the fixture above
    """No `secret_key`, mail on: watchers' mails carry their leave link."""
    return settings.replace(
        secret_key="",
        smtp_host="mail.invalid",
        mail_domain="example.org",
        site_url="https://kb.example.org",
    )


def started(settings: Settings, made: list[Flask]) -> Flask:  # noqa: F811
    """A new app object on `settings`' store: a restart, or another node."""
    engine = FakeEngine()
    app = create_app(
        {"KB_SETTINGS": settings, "TESTING": True, "KB_ENGINE_FACTORY": lambda _s: engine}
    )
    made.append(app)
    return app


@pytest.fixture
def made() -> Any:
    apps: list[Flask] = []
    yield apps
    for app in apps:
        services(app).close()


def mailed_link(app: Flask, address: str) -> str:
    """The leave link of the last mail waiting for `address`."""
    later = datetime.now(UTC) + timedelta(days=1)
    mails = [m for m in services(app).store.due_messages(later) if m.target == address]
    text = str(mails[-1].payload["text"])
    return next(w for w in text.split() if "/leave?" in w)


def test_a_leave_link_mailed_before_a_restart_works_after_it(
    unkeyed: Settings, made: list[Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    first = started(unkeyed, made)
    request_id = watched_by(first, "otto", "olga")
    link = urlsplit(mailed_link(first, "email:otto@example.org"))
    key = services(first).settings.secret_key
    assert len(key) == 64
    services(first).close()

    again = started(unkeyed, made)  # the restart (or the next node)
    assert services(again).settings.secret_key == key
    assert key not in caplog.text  # made and read, never logged
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    visitor = again.test_client()
    done = visitor.post(link.path, data=query)
    assert done.status_code == 303, done.get_data(as_text=True)
    assert "left=1" in done.headers["Location"]
    emma = services(again).store.get_user("emma")
    assert emma is not None
    assert services(again).requests.get(emma, request_id).watchers == ["olga"]

    # A configured key wins: links signed with the store's key are not its own.
    configured = started(unkeyed.replace(secret_key="the operator's key"), made)
    assert services(configured).settings.secret_key == "the operator's key"
    olga = {
        k: v[0]
        for k, v in parse_qs(urlsplit(mailed_link(first, "email:olga@example.org")).query).items()
    }
    refused = configured.test_client().post(link.path, data=olga)
    assert refused.status_code == 403


def test_a_session_outlives_a_restart_without_a_configured_key(
    unkeyed: Settings, made: list[Flask]
) -> None:
    from kb.accounts.service import add_user
    from tests.support import sign_in_as

    first = started(unkeyed, made)
    add_user(services(first).store, "emma", "employee")
    client = first.test_client()
    sign_in_as(client, "emma")
    cookie = client.get_cookie("kb_session")
    assert cookie is not None
    again = started(unkeyed, made)
    visitor = again.test_client()
    visitor.set_cookie("kb_session", cookie.value)
    me = visitor.get("/api/me")
    assert me.status_code == 200 and me.get_json()["username"] == "emma"
