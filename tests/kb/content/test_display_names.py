"""A department's name in other languages (`display_names` of its file): read,
checked like `name`, and shown in its language with `name` as the fallback."""

from __future__ import annotations

from pathlib import Path

from kb.content.scanner import scan_departments
from kb.records import Department
from tests.conftest import SAMPLE_CONTENT


def _content(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "content"
    for slug, text in files.items():
        (root / slug).mkdir(parents=True)
        (root / slug / "_department.yml").write_text(text, encoding="utf-8")
    return root


def test_a_display_name_is_shown_in_its_language_only(tmp_path: Path) -> None:
    root = _content(
        tmp_path,
        {
            "finance": "name: Finance\ndisplay_names: {de: Finanzen}\n",
            "legal": "name: Legal\n",
        },
    )
    departments, problems = scan_departments(root)
    assert not problems
    finance, legal = departments["finance"], departments["legal"]
    assert finance.display_names == {"de": "Finanzen"}
    assert (finance.shown_name("de"), finance.shown_name("en")) == ("Finanzen", "Finance")
    assert legal.shown_name("de") == "Legal"  # none given: the configured name


def test_broken_display_names_are_left_out_with_a_warning(tmp_path: Path) -> None:
    finance = "name: Finance\ndisplay_names: {de: [Finanzen], fr: Finances, en: ' Money '}\n"
    files = {"finance": finance, "legal": "name: Legal\ndisplay_names: Recht\n"}
    departments, problems = scan_departments(_content(tmp_path, files))
    assert departments["finance"].display_names == {"en": "Money"}
    assert departments["finance"].name == "Finance"  # the rest of the file is used
    assert departments["legal"].display_names == {}
    messages = sorted(p.message for p in problems)
    assert len(messages) == 3 and all(p.severity.value == "warning" for p in problems)
    assert any("'fr' is not one of de, en" in m for m in messages)
    assert any("the de name must be one line of text" in m for m in messages)
    assert any("must map language codes to names" in m for m in messages)


def test_no_two_departments_share_a_name_in_any_language(tmp_path: Path) -> None:
    """A German name that reads like another department's German name (its
    display name, or its configured name where it has none) or like the triage
    queue's would send that department's questions elsewhere: it is not used."""
    root = _content(
        tmp_path,
        {
            "finance": "name: Finance\ndisplay_names: {de: Finanzen}\n",
            "sales": "name: Sales\ndisplay_names: {de: FINANZEN}\n",
            "legal": "name: Legal\ndisplay_names: {de: finance}\n",
            "hr": "name: HR\ndisplay_names: {de: Zentraler Service-Desk}\n",
            "it": "name: IT\ndisplay_names: {de: IT-Service}\n",
        },
    )
    departments, problems = scan_departments(root)
    german = {slug: d.shown_name("de") for slug, d in departments.items()}
    assert german == {
        "finance": "Finance",
        "sales": "Sales",
        "legal": "Legal",
        "hr": "HR",
        "it": "IT-Service",
    }
    clashes = {p.path: p.message for p in problems if p.kind == "department_name"}
    assert set(clashes) == {"finance/", "sales/", "legal/", "hr/"}
    assert "triage queue" in clashes["hr/"] and "department finance" in clashes["legal/"]


def test_the_sample_departments_have_german_names() -> None:
    departments, problems = scan_departments(SAMPLE_CONTENT)
    assert not [p for p in problems if p.kind in ("department", "department_name")]
    for department in departments.values():
        assert department.shown_name("de") != department.name, department.slug


def test_display_names_take_no_part_in_comparing() -> None:
    """The index snapshot keeps no display names; its copy equals the file's."""
    assert Department("hr", "HR", display_names={"de": "Personal"}) == Department("hr", "HR")
