"""An article's audience named on pages in the reader's language: the groups
the product gives a meaning to in the page's words, any other as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.audiences import audience_names, group_name

HR = "name: Human Resources\ndisplay_names: {de: Personal}\n"


@pytest.fixture
def departments(request_content: Path) -> Path:
    (request_content / "hr" / "_department.yml").write_text(HR, encoding="utf-8")
    return request_content


@pytest.mark.usefixtures("departments")
@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("en", ["everyone", "agents", "Human Resources", "content owners of Human Resources"]),
        (
            "de",
            ["alle", "Bearbeitende", "Personal", "Inhaltsverantwortliche der Abteilung Personal"],
        ),
    ],
)
def test_groups_with_a_meaning_are_named_in_the_page_s_words(
    app: Flask, lang: str, names: list[str]
) -> None:
    with app.test_request_context(f"/?hl={lang}"):
        groups = ["everyone", "agent", "hr", "content_owner:hr"]
        assert [group_name(g) for g in groups] == names
        # The organisation's own groups, and a role in no known department, stay as written.
        assert group_name("managers") == "managers"
        assert group_name("agent:nowhere") == "agent:nowhere"


def test_a_list_of_groups_reads_as_a_list_of_the_page_s_language(app: Flask) -> None:
    with app.test_request_context("/?hl=de"):
        assert audience_names(["agent", "managers", "analyst"]) == (
            "Bearbeitende, managers und Auswertende"
        )
        assert audience_names(["everyone"]) == "alle"
    with app.test_request_context("/?hl=en"):
        assert audience_names(["agent", "managers"]) == "agents and managers"


@pytest.mark.usefixtures("people")
def test_a_link_finding_names_the_audiences_in_german(
    client: FlaskClient, store: Store, departments: Path
) -> None:
    """German insights said "das nur managers öffnen dürfen, … (everyone)"."""
    (departments / "hr" / "approving.md").write_text(
        "---\ntitle: Approving leave\naudience: [managers, content_owner:hr]\n---\nChecks.\n",
        "utf-8",
    )
    (departments / "hr" / "leave.md").write_text(
        "---\ntitle: Annual leave\nrelated: [hr/approving.md]\n---\nLeave.\n", "utf-8"
    )
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    page = text_of(client.get("/insights/content?department=hr&hl=de"))
    assert (
        "verweist auf hr/approving.md, das nur Inhaltsverantwortliche der Abteilung Personal "
        "und managers öffnen dürfen, nicht alle, die diesen Artikel lesen (alle)"
    ) in page, page
    english = text_of(client.get("/insights/content?department=hr&hl=en"))
    assert "which only content owners of Human Resources and managers may open" in english
    assert "some of its readers (everyone) may not" in english


NAMED = HR + "audience_names:\n  Managers: {de: Führungskräfte, en: line managers}\n"


@pytest.fixture
def named_groups(request_content: Path) -> Path:
    """HR's file names the organisation's group managers; IT's names it too, later."""
    (request_content / "hr" / "_department.yml").write_text(NAMED, encoding="utf-8")
    (request_content / "it" / "_department.yml").write_text(
        "name: IT\naudience_names: {managers: {de: Chefs}, interns: {de: Praktikanten}}\n",
        encoding="utf-8",
    )
    return request_content


@pytest.mark.usefixtures("named_groups")
@pytest.mark.parametrize(
    ("lang", "managers", "interns"),
    [("de", "Führungskräfte", "Praktikanten"), ("en", "line managers", "interns")],
)
def test_the_organisations_groups_take_the_names_department_files_give_them(
    app: Flask, lang: str, managers: str, interns: str
) -> None:
    with app.test_request_context(f"/?hl={lang}"):
        assert group_name("managers") == managers  # hr's file, first in folder order
        assert group_name("interns") == interns  # no English name: as written
        assert group_name("contractors") == "contractors"
        assert group_name("agent") == ("Bearbeitende" if lang == "de" else "agents")


@pytest.mark.usefixtures("people")
def test_a_link_finding_names_the_organisations_group_in_german(
    client: FlaskClient, store: Store, named_groups: Path
) -> None:
    (named_groups / "hr" / "approving.md").write_text(
        "---\ntitle: Approving leave\naudience: [managers]\n---\nChecks.\n", "utf-8"
    )
    (named_groups / "hr" / "leave.md").write_text(
        "---\ntitle: Annual leave\nrelated: [hr/approving.md]\n---\nLeave.\n", "utf-8"
    )
    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    page = text_of(client.get("/insights/content?department=hr&hl=de"))
    assert "verweist auf hr/approving.md, das nur Führungskräfte öffnen dürfen" in page, page
    english = text_of(client.get("/insights/content?department=hr&hl=en"))
    assert "which only line managers may open" in english
