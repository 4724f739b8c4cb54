"""The sample content's German texts name departments by their German names.

Request types, their fields' help, canned replies and value streams carry a
text per language; the German ones said "Legal prüft einen Vertrag" and
signed "{agent}, Facilities" while every German page calls those departments
"Recht & Compliance" and "Gebäudemanagement" (their `display_names`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from kb.content.departments import default_name
from kb.content.scanner import scan_departments
from tests.conftest import SAMPLE_CONTENT


def _german_texts(data: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every German text of a language map (`{en: …, de: …}`) in `data`, with
    the keys that lead to it; a list of texts yields each."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "de":
                for text in value if isinstance(value, list) else [value]:
                    yield where, str(text)
            else:
                yield from _german_texts(value, f"{where}/{key}")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _german_texts(item, f"{where}/{index}")


def _english_names() -> dict[str, str]:
    """Each name of a sample department that its German name does not contain
    (its file's `name` and its folder's default name), with its German name."""
    departments, _ = scan_departments(SAMPLE_CONTENT)
    names: dict[str, str] = {}
    for slug, department in departments.items():
        german = department.shown_name("de")
        for name in (department.name, default_name(slug)):
            if name not in german:
                names[name] = german
    return names


def test_german_texts_of_the_sample_content_name_departments_in_german() -> None:
    names = _english_names()
    assert {"Legal", "Facilities", "HR", "IT Services"} <= set(names)
    # A name as a word of its own; one in a path (S:\Finance\Budgets) names a folder.
    named = re.compile(
        r"(?<![\w\\/-])(" + "|".join(map(re.escape, sorted(names, key=len)[::-1])) + r")(?![\w-])"
    )
    files = [*sorted(SAMPLE_CONTENT.glob("*/_department.yml")), SAMPLE_CONTENT / "_workflows.yml"]
    assert len(files) > 5
    wrong = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rel = Path(path).relative_to(SAMPLE_CONTENT).as_posix()
        for where, text in _german_texts(data, rel):
            wrong += [f"{where}: {m} (German: {names[m]}) in {text!r}" for m in named.findall(text)]
    assert wrong == [], "\n".join(wrong)
