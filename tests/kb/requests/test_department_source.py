"""The request service given a source of departments (as the web app gives it
the content root's, read again when it changes) follows it: a department that
appears is routed to and has its targets; its name and queue address reach the
notifications; what is built from the departments is built again only when the
source answers another mapping."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from kb.errors import ValidationError
from kb.records import Department, Targets
from kb.requests.departments import following
from kb.requests.service import RequestService
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import DEPARTMENTS, EMPLOYEE, Clock

FLEET = Department(
    slug="fleet",
    name="Fleet",
    contact={"email": "fleet@example.org"},
    targets=Targets(first_response_hours=1, resolution_hours=4),
)


def test_what_is_built_from_the_departments_follows_a_new_mapping_only() -> None:
    current: list[Mapping[str, Department]] = [dict(DEPARTMENTS)]
    built: list[int] = []

    def build(found: Mapping[str, Department]) -> int:
        built.append(len(found))
        return len(found)

    count = following(lambda: current[0], build)
    assert (count(), count()) == (len(DEPARTMENTS), len(DEPARTMENTS))
    current[0] = {**DEPARTMENTS, "fleet": FLEET}
    assert count() == len(DEPARTMENTS) + 1
    assert built == [len(DEPARTMENTS), len(DEPARTMENTS) + 1]  # once per mapping


def test_a_department_from_the_source_is_routed_to_and_mailed(store: Store, tmp_path: Path) -> None:
    settings = Settings.load(
        {
            "content_dir": str(tmp_path),
            "smtp_host": "mail.example.org",
            "mail_domain": "example.org",
        },
        environ={},
    )
    current: list[Mapping[str, Department]] = [dict(DEPARTMENTS)]
    service = RequestService.from_settings(
        settings, store, departments=lambda: current[0], clock=Clock()
    )
    try:
        with pytest.raises(ValidationError, match="unknown department 'fleet'"):
            service.submit(EMPLOYEE, "Car park card", department="fleet")
        current[0] = {**DEPARTMENTS, "fleet": FLEET}
        filed = service.submit(EMPLOYEE, "Car park card", department="fleet")
        assert filed.department == "fleet"
        assert filed.resolution_due == service.due_dates("fleet", filed.created).resolution
        assert filed.resolution_due < service.due_dates("it", filed.created).resolution
        mails = [
            m for m in store.due_messages(service.clock(), 500) if m.target.startswith("email")
        ]
        queue = [m for m in mails if m.target == "email:fleet@example.org"]
        assert len(queue) == 1 and "Fleet" in str(queue[0].payload)
        assert service.notifier.department_name("fleet", "en") == "Fleet"
    finally:
        service.close()
