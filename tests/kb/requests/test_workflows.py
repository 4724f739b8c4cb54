"""The value-stream file: the shipped templates, matching, and every way to get it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import ConfigError, ValidationError
from kb.requests.workflows import WorkflowCatalog, load_workflows, parse_workflows
from tests.conftest import SAMPLE_CONTENT

GOOD = """\
workflows:
  - name: onboarding
    owner: hr
    title: {en: Onboarding, de: Einarbeitung}
    triggers:
      en: [new hire]
      de: [neue Mitarbeiterin]
    tasks:
      - key: it
        department: it
        title: Laptop
        depends_on: [contract]
      - key: contract
        department: hr
        title: {en: Contract, de: Vertrag}
"""


def test_shipped_templates_are_valid_against_the_sample_departments() -> None:
    departments = [p.name for p in SAMPLE_CONTENT.iterdir() if p.is_dir()]
    catalog = load_workflows(SAMPLE_CONTENT / "_workflows.yml", [*departments, "triage"])
    assert {"onboarding", "offboarding", "office-move"} <= set(catalog.workflows)
    for workflow in catalog.workflows.values():
        assert workflow.title_in("de") != workflow.title_in("en")
        assert workflow.triggers["en"] and workflow.triggers["de"]
        assert len(workflow.departments()) >= 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our new hire starts on Monday, what do we need to prepare?", "onboarding"),
        ("Neue Mitarbeiterin ab 1. April im Vertrieb", "onboarding"),
        ("My last working day is 30 June, what do I have to return?", "offboarding"),
        ("Ich habe gekündigt, was muss ich am letzten Arbeitstag tun?", "offboarding"),
        ("Our team is moving office to the 4th floor", "office-move"),
        ("Büroumzug nach München im Herbst", "office-move"),
        ("How do I reset my password?", None),
    ],
)
def test_matching_offers_the_right_template(
    workflows: WorkflowCatalog, text: str, expected: str | None
) -> None:
    found = workflows.match(text)
    assert (found.name if found else None) == expected


def test_tasks_come_in_dependency_order_with_titles_per_language() -> None:
    catalog = parse_workflows(GOOD, "w.yml", ["hr", "it"])
    workflow = catalog.get("onboarding")
    assert [t.key for t in workflow.tasks] == ["contract", "it"]
    assert workflow.task_numbers() == {"contract": 1, "it": 2}
    assert workflow.tasks[0].title_in("de") == "Vertrag"
    assert workflow.tasks[1].title_in("de") == "Laptop"  # English when no German title
    with pytest.raises(ValidationError, match="unknown value stream 'moving'; known: onboarding"):
        catalog.get("moving")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("department: it", "department: marketing"),
         r"w.yml:10: value stream 'onboarding', task 'it': unknown department 'marketing'; known: hr, it"),
        (("depends_on: [contract]", "depends_on: [legal]"),
         r"w.yml:12: value stream 'onboarding': task 'it' depends on unknown tasks \['legal'\]"),
        (("title: {en: Contract, de: Vertrag}", "title: Contract\n        depends_on: [it]"),
         r"w.yml:12: value stream 'onboarding': tasks depend on each other in a cycle \(it -> contract -> it\)"),
        (("key: contract", "key: it"), r"w.yml:13: value stream 'onboarding': two tasks have the key 'it'"),
        (("owner: hr", "owner: sales"), r"w.yml:3: value stream 'onboarding': unknown department 'sales'"),
        (("title: {en: Onboarding, de: Einarbeitung}", "title: {de: Einarbeitung}"),
         r"w.yml:4: value stream 'onboarding': 'title' needs an 'en' text"),
        (("en: [new hire]", "en: new hire"), r"w.yml:6: value stream 'onboarding': triggers.en must be a list"),
        (("name: onboarding", "name: On Boarding"), r"w.yml:2: value stream name must be lower-case"),
        (("    tasks:", "    tasks: []\n    old_tasks:"), r"w.yml:8: value stream 'onboarding' needs a non-empty list of 'tasks'"),
        (("title: Laptop", "title: [Laptop"), r"w.yml:1\d: not valid YAML"),
    ],
)  # fmt: skip
def test_bad_files_say_file_line_and_what_to_fix(change: tuple[str, str], message: str) -> None:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    with pytest.raises(ConfigError, match=message):
        parse_workflows(text, "w.yml", ["hr", "it"])


def test_duplicate_names_and_wrong_shapes(tmp_path: Path) -> None:
    doubled = GOOD + GOOD.split("workflows:\n", 1)[1]
    with pytest.raises(ConfigError, match=r"w.yml:16: a second value stream named 'onboarding'"):
        parse_workflows(doubled, "w.yml")
    with pytest.raises(ConfigError, match="must have a list under 'workflows:'"):
        parse_workflows("onboarding: {}\n", "w.yml")
    assert parse_workflows("", "w.yml").workflows == {}
    with pytest.raises(ConfigError, match="does not exist; create it or fix the setting"):
        load_workflows(tmp_path / "missing.yml")
