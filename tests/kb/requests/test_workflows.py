"""The value-stream file: the shipped templates, matching, and every way to get it wrong."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kb.errors import ConfigError, ValidationError
from kb.i18n.catalog import domain_catalog
from kb.requests.workflow_order import dependency_order
from kb.requests.workflow_texts import STREAM_TEXTS
from kb.requests.workflows import MAX_TASKS, WorkflowCatalog, load_workflows, parse_workflows
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


def _hostile(change: tuple[str, str]) -> str:
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    return text


_MANY_TASKS = "".join(
    f"      - {{key: t{i}, department: it, title: Task {i}}}\n" for i in range(MAX_TASKS + 1)
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("name: onboarding", 'name: "onboarding\\n"'),
         r"w.yml:2: value stream name must be lower-case letters, digits, - or _, got 'onboarding\\n'"),
        (("key: contract", 'key: "contract\\n"'), r"w.yml:13: .*task key must be lower-case"),
        (("title: {en: Onboarding, de: Einarbeitung}", 'title: "Onboarding\\r\\nBcc: x@example.org"'),
         r"w.yml:4: value stream 'onboarding': 'title' holds a control character"),
        (("title: Laptop", 'title: "Lap\\ttop"'), r"w.yml:11: .*task 'it': 'title' holds a control character"),
        (("title: Laptop", "title: {en: [1, 2]}"), r"w.yml:11: .*task 'it': each 'title' must be text"),
        (("title: Laptop", "title: !!binary aGVsbG8="), r"w.yml:11: .*each 'title' must be text"),
        (("title: Laptop", "title: !!set {a, b}"), r"w.yml:11: .*each 'title' must be text"),
        (("title: Laptop", "title: !!python/name:os.system"), r"w.yml:11: not valid YAML"),
        (("title: Laptop", "title: &a Laptop\n        x: *a"), r"w.yml:12: not valid YAML: the alias \*a"),
        (("      - key: it\n", "      - 5\n      - key: it\n"),
         r"w.yml:8: value stream 'onboarding': each task must be a mapping, got 5"),
        (("      - key: it\n", f"      - {'x' * 100_000}\n      - key: it\n"),
         r"w.yml:8: .*each task must be a mapping, got 'x{56}\.\.\.$"),
        (("workflows:\n", "workflows:\n  - [onboarding]\n"),
         r"w.yml:1: each value stream must be a mapping, got \['onboarding'\]"),
        (("    tasks:\n", "    tasks:\n" + _MANY_TASKS),
         rf"w.yml:8: value stream 'onboarding' lists {MAX_TASKS + 3} tasks; .* at most {MAX_TASKS}"),
    ],
)  # fmt: skip
def test_a_hostile_value_stream_file_says_file_line_and_what_to_fix(
    change: tuple[str, str], message: str
) -> None:
    """A name ending in a line break passed (`$` matches before it); a title of
    control characters, a list or bytes was taken as text; a task or value
    stream that was no mapping was quoted whole without a line; a template of
    thousands of tasks made every request filed with it thousands of tasks."""
    with pytest.raises(ConfigError, match=message):
        parse_workflows(_hostile(change), "w.yml", ["hr", "it"])


class _CountedKeys(tuple[str, ...]):
    """A task's dependencies that count how often anything reads them."""

    reads = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).reads += 1
        return super().__iter__()


def _chain(count: int, *, closed: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """Tasks each depending on the one after it (the last on the first: `closed`)."""
    tasks = [(f"t{i}", _CountedKeys((f"t{i + 1}",))) for i in range(count - 1)]
    return [*tasks, (f"t{count - 1}", _CountedKeys(("t0",) if closed else ()))]


def test_a_long_chain_of_tasks_is_ordered_in_linear_time() -> None:
    """8,000 tasks in one chain took 23 s to order: the earlier ordering read
    every waiting task's dependencies again for each task it placed (about
    n²/2 reads). Now each task's dependencies are read a fixed number of times
    (counted, not timed: a timing depends on the machine's load)."""
    count = 20_000
    _CountedKeys.reads = 0
    order, cycle = dependency_order(_chain(count))
    assert order == list(range(count - 1, -1, -1)) and cycle == []
    order, cycle = dependency_order(_chain(count, closed=True))
    assert order == [] and len(cycle) == count + 1 and cycle[0] == cycle[-1] == "t0"
    assert _CountedKeys.reads <= 8 * count
    _CountedKeys.reads = 0
    _earlier_order(_chain(400))
    assert _CountedKeys.reads > 8 * 400  # the count tells the quadratic ordering apart


def _earlier_order(tasks: list[tuple[str, tuple[str, ...]]]) -> tuple[list[int], list[str]]:
    """The earlier ordering, as the definition: the first task left whose
    dependencies are placed comes next; else a cycle from the first task left."""
    order: list[int] = []
    placed: set[str] = set()
    pending = list(range(len(tasks)))
    while pending:
        ready = next((i for i in pending if set(tasks[i][1]) <= placed), None)
        if ready is None:
            by_key = {tasks[i][0]: tasks[i][1] for i in pending}
            path: list[str] = []
            key = tasks[pending[0]][0]
            while key not in path:
                path.append(key)
                key = next(d for d in by_key[key] if d in by_key)
            return order, [*path[path.index(key) :], key]
        order.append(ready)
        placed.add(tasks[ready][0])
        pending.remove(ready)
    return order, []


def test_tasks_are_ordered_as_the_earlier_ordering_ordered_them() -> None:
    rng = random.Random(486)
    for _ in range(400):
        count = rng.randint(1, 12)
        keys = [f"k{i}" for i in range(count)]
        tasks = [(key, tuple(rng.sample(keys, rng.randint(0, min(3, count))))) for key in keys]
        if rng.random() < 0.6:  # mostly without cycles: dependencies on later keys only
            tasks = [(k, tuple(d for d in deps if d > k)) for k, deps in tasks]
        expected_order, expected_cycle = _earlier_order(tasks)
        order, cycle = dependency_order(tasks)
        assert cycle == expected_cycle, tasks
        if not cycle:
            assert order == expected_order, tasks


def test_every_value_stream_mistake_has_its_words_in_every_language() -> None:
    """The admins' list of setup problems says a value-stream file's mistake in
    its reader's language (`error_<key>`), naming the same values as the English."""
    catalog = domain_catalog()
    for key, english in STREAM_TEXTS.items():
        assert catalog.translate("en", f"error_{key}") == english, key
        assert catalog.has("de", f"error_{key}"), f'add msgid "error_{key}" to errors.po (de)'
    bad = GOOD.replace("department: it", "department: marketing", 1)
    with pytest.raises(ConfigError) as refused:
        parse_workflows(bad, "w.yml", ["hr", "it"])
    assert refused.value.message_in("de") == (
        "Wertstrom 'onboarding', Aufgabe 'it': unbekannte Abteilung 'marketing'; "
        "bekannt sind: hr, it; setzen Sie 'department' auf eine davon oder legen Sie einen "
        "Ordner für die Abteilung 'marketing' an (eine aus anderen Inhalten kopierte "
        "Wertstrom-Datei nennt deren Abteilungen)"
    )
    assert refused.value.message.endswith(refused.value.message_in("en"))
