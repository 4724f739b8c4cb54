"""Fixtures of the catalogue tests: a content root whose IT department offers a
laptop form and whose onboarding value stream has a form, and the app on
SQLite and on PostgreSQL (the API's contract holds on both)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name

IT_CATALOGUE = """
top_requests: [laptop, onboarding]
request_types:
  - id: laptop
    title: {en: New laptop, de: Neuer Laptop}
    description: {en: A laptop for you or a colleague., de: Ein Laptop für Sie oder andere.}
    summary: {en: "Laptop for {for_whom}", de: "Laptop für {for_whom}"}
    triggers: {en: [new laptop], de: [neuer laptop]}
    fields:
      - name: for_whom
        type: person
        required: true
        label: {en: For whom, de: Für wen}
      - name: model
        type: choice
        required: true
        label: {en: Model, de: Modell}
        choices:
          - {value: standard, label: {en: Standard, de: Standard}}
          - {value: developer, label: {en: Developer, de: Entwicklung}}
      - name: needed_by
        type: date
        not_before_today: true
        label: {en: Needed by, de: Benötigt bis}
        help: {en: The day it must be ready., de: "Der Tag, an dem er bereit sein muss."}
      - name: team
        type: department
        label: {en: Team, de: Team}
      - name: docking
        type: boolean
        label: {en: With a docking station, de: Mit Dockingstation}
"""

ONBOARDING_YML = """\
workflows:
  - name: onboarding
    owner: hr
    title: {en: Onboarding a new hire, de: Einstellung}
    summary: {en: "Onboarding {new_hire}, starts {start_date}"}
    triggers: {en: [onboarding, new hire], de: [Neueinstellung]}
    fields:
      - {name: new_hire, type: person, required: true, label: {en: New hire, de: Neue Person}}
      - {name: start_date, type: date, required: true, label: {en: Start date, de: Startdatum}}
    tasks:
      - key: record
        department: hr
        title: {en: "Employee record for {new_hire}"}
      - key: laptop
        department: it
        title: {en: "Laptop for {new_hire}, starts {start_date}"}
        depends_on: [record]
"""


@pytest.fixture
def catalogue_content(request_content: Path) -> Path:
    """The request content with a catalogue in IT and a form for onboarding."""
    with (request_content / "it" / "_department.yml").open("a", encoding="utf-8") as out:
        out.write(IT_CATALOGUE)
    (request_content / "_workflows.yml").write_text(ONBOARDING_YML, encoding="utf-8")
    return request_content
