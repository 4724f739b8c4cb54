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
    assert "letzten gültigen Wertströme" in problems(german)[0]
    assert "last good" not in problems(german)[0]
    # The mistake itself is said in German too, naming the task and the department.
    assert (
        "Wertstrom &#39;onboarding&#39;, Aufgabe &#39;laptop&#39;: unbekannte Abteilung "
        "&#39;fleet&#39;; bekannt sind:"
    ) in problems(german)[0]
    assert "unknown department" not in problems(german)[0]
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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_catalogue_problems_are_said_in_the_page_s_language(
    client: FlaskClient, running: Path, content: Path
) -> None:
    """The panel printed each problem's English message and hint on German pages."""
    department = content / "it" / "_department.yml"
    folder_time = (content / "it").stat().st_mtime_ns
    write(department, "name: IT Service Desk\ntop_requests: [nothing]\ncanned_replies: 3\n")
    os.utime(content / "it", ns=(folder_time, folder_time))
    sign_in_as(client, "ada")
    english = problems(text_of(client.get("/manage/?department=it")))
    assert len(english) == 2, english
    assert any(
        "&#39;canned_replies&#39; must be a list" in shown
        and "fix it; the request type is left out of the catalogue until then" in shown
        for shown in english
    )
    assert any("top_requests names nothing, which no request type defines" in s for s in english)
    german = problems(text_of(client.get("/manage/?department=it&hl=de")))
    assert any(
        "&#39;canned_replies&#39; muss eine Liste sein" in shown
        and "bis dahin fehlt die Anfrageart im Katalog" in shown
        for shown in german
    ), german
    assert any("top_requests nennt nothing, die keine Anfrageart festlegt" in s for s in german)
    assert not any("must be" in s or "fix it" in s for s in german)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_broken_department_file_is_shown_to_its_owners_and_the_admins(
    client: FlaskClient, running: Path, content: Path
) -> None:
    """A department file edited into a mistake was only logged while its department
    ran on the defaults: the list page shows it to the admins and to the content
    owners of that department, in the page's language, and to no one else."""
    department = content / "hr" / "_department.yml"
    folder_time = (content / "hr").stat().st_mtime_ns
    write(department, "name: Human Resources\ntargets:\n  first_response_hours: soon\n")
    os.utime(content / "hr", ns=(folder_time, folder_time))
    sign_in_as(client, "ada")
    [shown] = problems(text_of(client.get("/manage/?department=hr")))
    assert "<code>hr/_department.yml</code>" in shown and "hours" in shown
    sign_in_as(client, "helga")
    page = text_of(client.get("/manage/?department=hr"))
    [own] = problems(page)
    assert "<code>hr/_department.yml</code>" in own
    assert "Problems in your departments’ department files" in page
    german = text_of(client.get("/manage/?department=hr&hl=de"))
    assert "Probleme in den Abteilungsdateien Ihrer Abteilungen" in german
    assert "Stunden" in problems(german)[0], problems(german)
    sign_in_as(client, "cora")
    assert problems(text_of(client.get("/manage/?department=it"))) == []
    sign_in_as(client, "helga")
    write(department, "name: Human Resources\n")
    assert problems(text_of(client.get("/manage/?department=hr"))) == []
