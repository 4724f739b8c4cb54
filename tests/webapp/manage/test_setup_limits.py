"""A department file past a cap (`kb.catalogue.limits`) is on the /manage setup
panel with its file and line, in the page's language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.catalogue.limits import MAX_REQUEST_TYPES
from tests.kb.catalogue.test_limits import request_type
from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_setup_problems import problems, running, write  # noqa: F401


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("running")
def test_too_many_request_types_are_shown_with_the_line(client: FlaskClient, content: Path) -> None:
    department = content / "it" / "_department.yml"
    folder_time = (content / "it").stat().st_mtime_ns
    types = "".join(request_type(f"t{i}") for i in range(MAX_REQUEST_TYPES + 1))
    write(department, "name: IT Service Desk\nrequest_types:\n" + types)
    os.utime(content / "it", ns=(folder_time, folder_time))
    sign_in_as(client, "ada")
    [shown] = problems(text_of(client.get("/manage/?department=it")))
    assert "it/_department.yml" in shown and "line 2" in shown
    assert f"lists {MAX_REQUEST_TYPES + 1} request types" in shown
    [german] = problems(text_of(client.get("/manage/?department=it&hl=de")))
    assert "Zeile 2" in german and f"höchstens {MAX_REQUEST_TYPES}" in german
    assert "at most" not in german
