"""A value-stream file edited into a mistake while the app runs was only logged
(the last good value streams stay in use): the admins' list page shows it, with
the file, the line and what is wrong, as `kb validate` reports it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from webapp.services import services

GOOD = """workflows:
  - name: onboarding
    owner: it
    title: Onboarding
    tasks:
      - key: laptop
        department: it
        title: Laptop
"""
BROKEN = GOOD.replace("department: it\n", "department: fleet\n")


def write(path: Path, text: str) -> None:
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, "utf-8")
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))


@pytest.fixture
def running(app: Flask, content: Path) -> Path:
    """The content root with a good value-stream file, read by the running app."""
    services(app).departments_check_seconds = 0.0  # no wait, for the test
    write(content / "_workflows.yml", GOOD)
    return content / "_workflows.yml"


def problems(page: str) -> list[str]:
    found = re.search(r'<ul class="manage-setup-problems">(.*?)</ul>', page, re.S)
    return re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S) if found else []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_broken_value_stream_file_is_shown_to_admins_with_its_line(
    client: FlaskClient, running: Path
) -> None:
    sign_in_as(client, "ada")
    assert problems(text_of(client.get("/manage/?department=it"))) == []
    write(running, BROKEN)
    [shown] = problems(text_of(client.get("/manage/?department=it")))
    assert "<code>_workflows.yml</code>, line 7" in shown
    assert "fleet" in shown and "last good value streams" in shown
    german = text_of(client.get("/manage/?department=it&hl=de"))
    assert "Zeile 7" in problems(german)[0]
    # Content owners are not shown the content root's files.
    sign_in_as(client, "cora")
    assert problems(text_of(client.get("/manage/?department=it"))) == []
    sign_in_as(client, "ada")
    write(running, GOOD)
    assert problems(text_of(client.get("/manage/?department=it"))) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_broken_request_form_is_shown_too(
    client: FlaskClient, running: Path, content: Path
) -> None:
    department = content / "it" / "_department.yml"
    folder_time = (content / "it").stat().st_mtime_ns
    write(department, "name: IT Service Desk\nrequest_types:\n  - id: Bad Id\n    title: X\n")
    os.utime(content / "it", ns=(folder_time, folder_time))
    sign_in_as(client, "ada")
    [shown] = problems(text_of(client.get("/manage/?department=it")))
    assert "it/_department.yml" in shown and "request type id" in shown
