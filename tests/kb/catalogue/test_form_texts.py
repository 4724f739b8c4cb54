"""A request form's mistakes (in a department file's request types, fields and
choices, or a value stream's fields and trigger phrases) read German on German
pages, and English for kb validate, the log and the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.catalogue.form_texts import FORM_TEXTS, PART_TEXTS
from kb.catalogue.loading import check_catalogue, load_catalogue
from kb.errors import ConfigError
from kb.i18n.catalog import domain_catalog
from kb.i18n.problems import problem_words
from kb.requests.workflows import parse_workflows
from tests.kb.catalogue.test_loading import LAPTOP, write

CHOICES = """\
name: IT
request_types:
  - id: monitor
    title: {en: Monitor}
    fields:
      - name: size
        type: choice
        label: {en: Size}
        choices:
          - {value: small, label: [not, a, text]}
  - id: dock
    title: {en: Dock}
    colour: blue
  - id: Bad Id
    title: {en: X}
"""
STREAM = (
    "workflows:\n  - name: move\n    owner: it\n    title: {en: Move}\n"
    "    triggers: {de: umzug}\n"
    "    tasks:\n      - {key: a, department: it, title: {en: A}}\n"
)


def test_every_form_mistake_has_its_words_in_every_language() -> None:
    catalog = domain_catalog()
    for key, english in {**FORM_TEXTS, **PART_TEXTS}.items():
        assert catalog.translate("en", f"error_{key}") == english, key
        for lang in catalog.languages:
            assert catalog.has(lang, f"error_{key}"), (
                f'add msgid "error_{key}" to errors.po ({lang})'
            )


def _said(root: Path, lang: str) -> list[str]:
    _, problems = load_catalogue(root, ["it"], ())
    return sorted(problem_words(p, lang)[0] for p in problems)


def test_a_department_files_form_mistakes_read_german(tmp_path: Path) -> None:
    write(tmp_path, "it", LAPTOP)
    german = _said(tmp_path, "de")
    assert (
        "Anfrageart 'broken', Feld 'colour': type muss einer von text, date, choice, person, "
        "department, boolean sein, nicht 'colour'"
    ) in german
    assert (
        "Anfrageart 'summary-optional': 'summary' nennt {note}, das kein Pflichtfeld ist; "
        "es gibt keine Pflichtfelder"
    ) in german
    english = _said(tmp_path, "en")
    assert (
        "request type 'broken', field 'colour': type must be one of text, date, choice, person, "
        "department, boolean, got 'colour'"
    ) in english
    write(tmp_path, "it", CHOICES)
    german = _said(tmp_path, "de")
    assert (
        "Anfrageart 'monitor', Feld 'size', Auswahl 'small' braucht 'label' mit einem Text "
        "unter 'en' (und wahlweise 'de')"
    ) in german
    assert any(s.startswith("Anfrageart 'dock': unbekannter Schlüssel 'colour'") for s in german)
    assert (
        "Die Kennung einer Anfrageart besteht aus Kleinbuchstaben, Ziffern, - oder _, "
        "nicht 'Bad Id'"
    ) in german
    assert not any("request type" in s or "must" in s for s in german), german


def test_a_value_streams_form_mistake_reads_german(tmp_path: Path) -> None:
    (tmp_path / "_workflows.yml").write_text(STREAM, encoding="utf-8")
    [found] = check_catalogue(tmp_path, ["it"])
    assert found.line == 5
    german, _ = problem_words(found, "de")
    assert german == "Wertstrom 'move': triggers.de muss eine Liste von Auslösern sein"
    assert found.message == "value stream 'move': triggers.de must be a list of phrases"
    with pytest.raises(ConfigError) as refused:
        parse_workflows(STREAM, "w.yml", ["it"])
    assert refused.value.message == f"w.yml:5: {found.message}"
    assert refused.value.message_in("de") == german
    assert refused.value.message_in("en") == found.message


@pytest.mark.parametrize(
    ("field", "english"),
    [
        ("max_length: 5000", "max_length must be 1..2000, got 5000"),
        ("required: maybe", "'required' must be true or false"),
    ],
)
def test_a_fields_settings_are_checked_in_both_languages(
    tmp_path: Path, field: str, english: str
) -> None:
    write(
        tmp_path,
        "it",
        "request_types:\n  - id: desk\n    title: {en: Desk}\n    fields:\n"
        f"      - {{name: note, type: text, label: {{en: Note}}, {field}}}\n",
    )
    [message] = _said(tmp_path, "en")
    assert message == f"request type 'desk', field 'note': {english}"
    [german] = _said(tmp_path, "de")
    assert german.startswith("Anfrageart 'desk', Feld 'note': ")
    assert "must" not in german
