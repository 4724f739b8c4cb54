"""The catalogue of a content root: request types from department files, value
streams from _workflows.yml, top requests, and problems with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.catalogue.fields import FORM_OWN_NAMES
from kb.catalogue.loading import load_catalogue
from kb.content.scanner import load_departments, scan_departments
from kb.errors import ConfigError
from kb.requests.workflows import load_workflows, parse_workflows
from tests.conftest import SAMPLE_CONTENT

LAPTOP = """\
name: IT
top_requests: [laptop, onboarding, unknown-thing]
request_types:
  - id: laptop
    title: {en: New laptop, de: Neuer Laptop}
    summary: {en: "Laptop for {for_whom}"}
    triggers: {en: [new laptop]}
    fields:
      - name: for_whom
        type: person
        required: true
        label: {en: For whom, de: Für wen}
  - id: broken
    title: {en: Broken}
    fields:
      - name: colour
        type: colour
        label: {en: Colour}
  - id: summary-optional
    title: {en: Optional}
    summary: {en: "About {note}"}
    fields:
      - {name: note, type: text, label: {en: Note}}
"""


def write(root: Path, slug: str, text: str) -> None:
    (root / slug).mkdir(parents=True, exist_ok=True)
    (root / slug / "_department.yml").write_text(text, encoding="utf-8")


def test_the_sample_content_offers_at_least_three_top_requests_per_department() -> None:
    departments = load_departments(SAMPLE_CONTENT)
    workflows = load_workflows(SAMPLE_CONTENT / "_workflows.yml", [*departments, "triage"])
    catalogue, problems = load_catalogue(SAMPLE_CONTENT, departments, workflows.workflows.values())
    assert problems == []
    for slug in departments:
        top = catalogue.top_requests(slug)
        assert len(top) >= 3, slug
        assert all(t.fields for t in top), slug
    onboarding = catalogue.get("onboarding")
    assert (onboarding.workflow, onboarding.department) == ("onboarding", "hr")
    assert {"new_hire", "start_date"} <= {f.name for f in onboarding.fields}
    for stream in ("onboarding", "offboarding", "office-move"):
        assert catalogue.get(stream).workflow == stream
    assert catalogue.match("Our new hire starts in January").id == "onboarding"  # type: ignore[union-attr]
    assert catalogue.match("Mein Laptop ist defekt, ich brauche einen Ersatzlaptop").id == "laptop"  # type: ignore[union-attr]


def test_a_broken_request_type_is_left_out_and_reported_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, "it", LAPTOP)
    workflows = parse_workflows(
        "workflows:\n  - name: onboarding\n    owner: it\n    title: {en: Onboarding}\n"
        "    tasks:\n      - {key: a, department: it, title: {en: A}}\n",
        departments=["it"],
    )
    catalogue, problems = load_catalogue(tmp_path, ["it"], workflows.workflows.values())
    assert sorted(catalogue.types) == ["laptop", "onboarding"]
    assert [t.id for t in catalogue.top_requests("it")] == ["laptop", "onboarding"]
    messages = [str(p) for p in problems]
    assert any(
        "it/_department.yml:17:" in m and "type must be one of text, date" in m for m in messages
    ), messages
    assert any(
        "it/_department.yml:21:" in m and "names {note}, which is not a required field" in m
        for m in messages
    ), messages
    assert any("top_requests names unknown-thing" in m for m in messages), messages
    # The department itself is read as before: its name and targets stay.
    departments, department_problems = scan_departments(tmp_path)
    assert departments["it"].name == "IT" and department_problems == []


def test_a_department_file_cannot_take_another_department_s_request_type(tmp_path: Path) -> None:
    """The first department file (by folder name) to define an id kept it: a
    content owner of Facilities who defined `laptop` had IT's "New laptop" on IT's
    card and at /catalogue/laptop open their form, and the requests, with what
    people typed, went to the Facilities queue. A disputed id is nobody's."""
    write(tmp_path, "it", LAPTOP)
    write(
        tmp_path,
        "facilities",
        "name: Facilities\nrequest_types:\n  - id: laptop\n    title: {en: New laptop}\n"
        "  - id: desk\n    title: {en: A desk}\n",
    )
    catalogue, problems = load_catalogue(tmp_path, ["facilities", "it"])
    assert sorted(catalogue.types) == ["desk"]
    assert catalogue.top_requests("it") == []
    messages = [str(p) for p in problems]
    for path in ("facilities/_department.yml", "it/_department.yml"):
        assert any(
            f"{path}:" in m and "request type 'laptop' is defined by facilities and it" in m
            for m in messages
        ), messages


@pytest.mark.parametrize("name", sorted(FORM_OWN_NAMES))
def test_a_field_may_not_take_a_name_the_form_sends_itself(tmp_path: Path, name: str) -> None:
    """A request type of IT with a field named `csrf_token` put a text box of that
    name after the form's hidden one; the first of a name is read, so each
    request filed stored the employee's session token among its fields, for IT's
    agents and content owners to read (`idempotency_key`, `search_query` and the
    others the same way). Such a type is left out, saying why, at its line."""
    write(
        tmp_path,
        "it",
        "name: IT\nrequest_types:\n  - id: toner\n    title: {en: Toner}\n    fields:\n"
        f"      - {{name: {name}, type: text, label: {{en: Anything}}}}\n"
        "  - id: desk\n    title: {en: A desk}\n",
    )
    catalogue, problems = load_catalogue(tmp_path, ["it"])
    assert sorted(catalogue.types) == ["desk"]
    assert [p.line for p in problems] == [6]
    assert f"field name '{name}' is one the form sends itself" in str(problems[0])


def test_value_stream_titles_may_only_name_required_fields() -> None:
    text = (
        "workflows:\n  - name: move\n    owner: it\n    title: {en: Move}\n"
        "    fields:\n      - {name: team, type: text, label: {en: Team}}\n"
        "    tasks:\n      - key: a\n        department: it\n        title: {en: 'Move {team}'}\n"
    )
    with pytest.raises(ConfigError, match=r"w.yml:10: value stream 'move': 'title' names \{team\}"):
        parse_workflows(text, "w.yml", ["it"])


def test_kb_validate_reports_the_catalogue_and_the_value_streams(tiny_content: Path) -> None:
    import json

    from tests.support import run_kb

    department = next(p for p in tiny_content.iterdir() if p.is_dir())
    with (department / "_department.yml").open("a", encoding="utf-8") as out:
        out.write("\nrequest_types:\n  - id: Bad Id\n    title: {en: X}\n")
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    problems = json.loads(result.output)["problems"]
    [catalogue] = [p for p in problems if p["kind"] == "catalogue"]
    assert catalogue["severity"] == "warning" and "request type id" in catalogue["message"]
    assert result.exit_code == 0
    (tiny_content / "_workflows.yml").write_text("workflows: [1]\n", encoding="utf-8")
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    [streams] = [p for p in json.loads(result.output)["problems"] if p["kind"] == "value_streams"]
    assert streams["severity"] == "error" and result.exit_code == 1
    (tiny_content / "_workflows.yml").write_text("workflows:\n  - name: a\n", encoding="utf-8")
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    [streams] = [p for p in json.loads(result.output)["problems"] if p["kind"] == "value_streams"]
    assert (streams["path"], streams["line"]) == ("_workflows.yml", 2)
    assert streams["message"].startswith("value stream 'a' needs")  # the file and line apart


def test_a_department_shows_only_its_own_request_types_first(tmp_path: Path) -> None:
    """`top_requests` named any type: a content owner of HR who listed IT's
    `laptop` (or a value stream HR has no part in) put that form on HR's card
    of the home page and first in HR's part of the catalogue, where employees
    read it as a service of HR. A department's top requests are its own types
    and the value streams it has a task in; another's is left out with a
    warning naming its department."""
    write(tmp_path, "it", LAPTOP)
    write(
        tmp_path,
        "hr",
        "name: HR\ntop_requests: [laptop, onboarding, letter, move]\nrequest_types:\n"
        "  - id: letter\n    title: {en: A letter}\n",
    )
    workflows = parse_workflows(
        "workflows:\n  - name: onboarding\n    owner: it\n    title: {en: Onboarding}\n"
        "    tasks:\n      - {key: a, department: it, title: {en: A}}\n"
        "  - name: move\n    owner: it\n    title: {en: Moving}\n"
        "    tasks:\n      - {key: a, department: hr, title: {en: A}}\n",
        departments=["hr", "it"],
    )
    catalogue, problems = load_catalogue(tmp_path, ["hr", "it"], workflows.workflows.values())
    assert [t.id for t in catalogue.top_requests("hr")] == ["letter", "move"]  # HR has a task
    assert [t.id for t in catalogue.of_department("hr")] == ["letter", "move"]
    assert [t.id for t in catalogue.top_requests("it")] == ["laptop", "onboarding"]
    messages = [str(p) for p in problems]
    assert any(
        "hr/_department.yml:2:" in m
        and "top_requests names laptop, onboarding" in m
        and "types of it" in m
        for m in messages
    ), messages
