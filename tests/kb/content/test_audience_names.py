"""A department file's `audience_names`: the organisation's groups named per
language, entries that cannot be used left out with a warning."""

from __future__ import annotations

from pathlib import Path

from kb.content.audience_names import group_label, read_audience_names
from kb.content.departments import read_department
from kb.content.scanner import scan_departments
from kb.records import Department


def test_names_are_read_per_group_and_language(tmp_path: Path) -> None:
    folder = tmp_path / "hr"
    folder.mkdir()
    (folder / "_department.yml").write_text(
        "name: HR\naudience_names:\n  Managers: {de: ' Führungskräfte ', en: Managers}\n",
        encoding="utf-8",
    )
    department, problems = read_department(folder, "hr")
    assert problems == []
    assert department.audience_names == {"managers": {"de": "Führungskräfte", "en": "Managers"}}


def test_entries_that_cannot_be_used_are_left_out_with_a_warning() -> None:
    names, problems = read_audience_names(
        {"managers": {"de": "Führungs\nkräfte", "fr": "Cadres", "en": "Managers"}, "x": "y"},
        "hr/_department.yml",
    )
    assert names == {"managers": {"en": "Managers"}}
    assert [p.text_key for p in problems] == [
        "audience_name_not_line",
        "audience_name_language",
        "audience_names_not_mapping",
    ]
    assert problems[1].message == (
        "audience_names: 'fr' (group managers) is not one of en, de; "
        "that name is left out and the group is shown as written"
    )
    assert all(p.path == "hr/_department.yml" for p in problems)
    assert read_audience_names(["managers"], "hr/_department.yml")[0] == {}


def test_the_first_department_in_folder_order_names_a_group() -> None:
    it = Department(slug="it", name="IT", audience_names={"managers": {"de": "Chefs"}})
    hr = Department(slug="hr", name="HR", audience_names={"managers": {"de": "Leitung"}})
    assert group_label([it, hr], "Managers", "de") == "Leitung"
    assert group_label([it, hr], "managers", "en") == ""


def test_no_department_file_names_a_group_like_one_the_product_knows(tmp_path: Path) -> None:
    """Any department's file names the organisation's groups for every department
    (the first in folder order decides): Facilities could have HR's managers-only
    articles read as open to "everyone", or to "Personal" (HR itself), where the
    insights name a link's audience. Such a name is left out with a warning; a
    name of the group's own is kept."""
    root = tmp_path / "content"
    files = {
        "facilities": "name: Facilities\naudience_names:\n"
        "  managers: {en: ' EVERYONE ', de: Personal}\n"
        "  interns: {en: Agents, de: 'Inhaltsverantwortliche der Abteilung Personal'}\n"
        "  staff: {en: 'Ηuman Resources', de: Zentraler Service-Desk}\n",
        "hr": "name: Human Resources\ndisplay_names: {de: Personal}\n"
        "audience_names:\n  managers: {en: Managers, de: Führungskräfte}\n",
    }
    for slug, text in files.items():
        (root / slug).mkdir(parents=True)
        (root / slug / "_department.yml").write_text(text, encoding="utf-8")
    departments, problems = scan_departments(root)
    assert departments["facilities"].audience_names == {}
    assert departments["hr"].audience_names == {
        "managers": {"en": "Managers", "de": "Führungskräfte"}
    }
    assert group_label(departments.values(), "managers", "en") == "Managers"
    assert group_label(departments.values(), "managers", "de") == "Führungskräfte"
    left_out = [p for p in problems if "audience_names" in p.message]
    assert len(left_out) == 6 and all(p.path == "facilities/" for p in left_out)
    assert all(p.severity.value == "warning" for p in left_out)
    said = [p.message for p in left_out]
    assert any("'EVERYONE'" in m and "managers" in m and "'everyone'" in m for m in said), said
