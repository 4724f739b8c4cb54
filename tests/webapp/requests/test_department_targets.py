"""A department file's `targets` are hours a working calendar can count: NaN,
infinity or years of hours make the file unusable (its defaults are used and
`kb validate` says why), so no request filed to the department, and no move
into its queue by another department's agent, fails for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.content.scanner import scan_content
from tests.support import sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")

WRONG_HOURS = [".nan", ".inf", "1e300", "100000"]


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def _targets(root: Path, hours: str) -> None:
    (root / "it" / "_department.yml").write_text(
        "name: IT Service Desk\ntargets:\n  first_response_hours: 2\n"
        f"  resolution_hours: {hours}\n",
        "utf-8",
    )


@pytest.mark.parametrize("hours", WRONG_HOURS)
def test_targets_no_calendar_can_count_leave_the_queue_working(
    client: FlaskClient, request_content: Path, hours: str
) -> None:
    from webapp.services import services

    services(client.application).departments_check_seconds = 0.0
    _targets(request_content, hours)
    filed = api(client, "emma", "post", "/api/requests", query="Car park card", department="it")
    assert filed.status_code == 201, text_of(filed)
    # Another department's agent moves a request of theirs into the queue.
    other = api(client, "emma", "post", "/api/requests", query="Payslip", department="hr")
    moved = api(
        client,
        "hanna",
        "patch",
        f"/api/requests/{other.get_json()['id']}",
        department="it",
        reason="IT's",
    )
    assert moved.status_code == 200, text_of(moved)


@pytest.mark.parametrize("hours", WRONG_HOURS)
def test_validate_names_the_targets(request_content: Path, hours: str) -> None:
    _targets(request_content, hours)
    scan = scan_content(request_content)
    assert scan.departments["it"].targets.resolution_hours == 40
    assert any(p.path == "it/_department.yml" and "targets" in p.message for p in scan.problems), (
        scan.problems
    )


def test_a_year_of_working_hours_is_still_a_target(request_content: Path) -> None:
    _targets(request_content, "2000")
    assert scan_content(request_content).departments["it"].targets.resolution_hours == 2000
