"""The value streams follow `_workflows.yml` while the app runs: a value stream
added or changed after the request side started is filed without a restart, read
again with the departments (`Services.content_departments`); a file edited into
a mistake keeps the last good value streams in use and says so in the log."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.conftest import WORKFLOWS_YML

pytestmark = pytest.mark.usefixtures("people")

LEAVING = """\
  - name: leaving
    owner: hr
    title: {en: An employee leaves, de: Austritt}
    tasks:
      - key: laptop-back
        department: it
        title: {en: Laptop returned}
"""


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def rewrite(path: Path, text: str) -> None:
    """Write the file and move its time on, as an editor saving it a moment later."""
    before = path.stat().st_mtime_ns
    path.write_text(text, "utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def task_departments(client: FlaskClient, request_id: int) -> list[str]:
    detail = api(client, "emma", "get", f"/api/requests/{request_id}").get_json()
    return [task["department"] for task in detail["tasks"]]


@pytest.fixture
def live(client: FlaskClient) -> FlaskClient:
    from webapp.services import services

    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    first = api(client, "emma", "post", "/api/requests", query="VPN", department="it")
    assert first.status_code == 201  # the request side has started
    return client


def test_a_value_stream_added_and_changed_while_the_app_runs_is_filed(
    live: FlaskClient, request_content: Path
) -> None:
    workflows = request_content / "_workflows.yml"
    refused = api(live, "emma", "post", "/api/requests", query="Bye", workflow="leaving")
    assert refused.status_code == 400 and "leaving" in text_of(refused)
    rewrite(workflows, WORKFLOWS_YML + LEAVING)
    filed = api(live, "emma", "post", "/api/requests", query="Bye Max", workflow="leaving")
    assert filed.status_code == 201, text_of(filed)
    assert task_departments(live, filed.get_json()["id"]) == ["it"]
    # onboarding changed: the laptop task goes, so its requests have one task now
    rewrite(workflows, WORKFLOWS_YML.split("      - key: laptop")[0] + LEAVING)
    changed = api(live, "emma", "post", "/api/requests", query="Hi Max", workflow="onboarding")
    assert changed.status_code == 201, text_of(changed)
    assert task_departments(live, changed.get_json()["id"]) == ["hr"]


def test_a_broken_edit_keeps_the_last_good_value_streams_and_is_logged(
    live: FlaskClient, request_content: Path, caplog: pytest.LogCaptureFixture
) -> None:
    workflows = request_content / "_workflows.yml"
    rewrite(workflows, WORKFLOWS_YML + LEAVING)
    assert api(live, "emma", "get", "/api/catalogue").status_code == 200  # read, good
    caplog.set_level(logging.WARNING)
    rewrite(workflows, WORKFLOWS_YML + "  - name: broken\n    owner: nowhere\n")
    filed = api(live, "emma", "post", "/api/requests", query="Bye Max", workflow="leaving")
    assert filed.status_code == 201, text_of(filed)
    onboarding = api(live, "emma", "post", "/api/requests", query="Hi", workflow="onboarding")
    assert task_departments(live, onboarding.get_json()["id"]) == ["hr", "it"]
    [warning] = [r.getMessage() for r in caplog.records if "value streams" in r.getMessage()]
    assert "last good ones stay in use" in warning and "_workflows.yml" in warning
