"""Two departments are never shown under one name (security review of 2
December): a department file's `name` is shown on every page, in mails and in
request titles, and employees choose where a request goes by it, so a content
owner whose file took another department's name would be sent questions (and
whatever they hold) meant for that department."""

from __future__ import annotations

from pathlib import Path

from kb.content.display_names import MAX_NAME_CHARS
from kb.content.scanner import scan_departments


def _content(tmp_path: Path, names: dict[str, str | None]) -> Path:
    root = tmp_path / "content"
    for slug, name in names.items():
        (root / slug).mkdir(parents=True)
        if name is not None:
            (root / slug / "_department.yml").write_text(f"name: {name!r}\n", encoding="utf-8")
    return root


def test_a_department_file_never_takes_another_departments_name(tmp_path: Path) -> None:
    root = _content(
        tmp_path,
        {
            "it": "IT Services",
            "hr": "  it   SERVICES ",  # HR's owner poses as IT, in another spelling
            "facilities": None,  # shown by its folder's name, Facilities
            "finance": "Ｆａｃｉｌｉｔｉｅｓ",  # the same in full-width letters
            "legal": "Legal",  # its folder's own name: kept, whoever else takes it
            "sales": "legal",
        },
    )
    departments, problems = scan_departments(root)
    names = {slug: d.name for slug, d in departments.items()}
    assert names == {
        "it": "IT",
        "hr": "HR",
        "facilities": "Facilities",
        "finance": "Finance",
        "legal": "Legal",
        "sales": "Sales",
    }
    assert len({name.casefold() for name in names.values()}) == len(names)
    clashes = {p.path: p.message for p in problems if p.kind == "department_name"}
    assert set(clashes) == {"it/", "hr/", "finance/", "sales/"}
    assert "'  it   SERVICES '" in clashes["hr/"] and "it" in clashes["hr/"]
    assert all(p.severity.value == "warning" for p in problems if p.kind == "department_name")


def test_names_of_their_own_are_kept(tmp_path: Path) -> None:
    root = _content(tmp_path, {"it": "IT Services", "hr": "Human Resources", "legal": None})
    departments, problems = scan_departments(root)
    assert {d.name for d in departments.values()} == {"IT Services", "Human Resources", "Legal"}
    assert not problems


def test_no_department_takes_the_triage_queues_name(tmp_path: Path) -> None:
    """The duplicate-name check compared departments with each other only: a file
    naming its department "Central Service Desk" (or the German "Zentraler
    Service-Desk", in any spelling) posed as the triage queue, where employees
    send what they cannot place. Such a name is not used."""
    root = _content(
        tmp_path,
        {"hr": "central  SERVICE desk", "it": "Zentraler Service-Desk", "finance": "Finance Desk"},
    )
    departments, problems = scan_departments(root)
    assert {slug: d.name for slug, d in departments.items()} == {
        "hr": "HR",
        "it": "IT",
        "finance": "Finance Desk",
    }
    warned = {p.path: p.message for p in problems if p.kind == "department_name"}
    assert set(warned) == {"hr/", "it/"}
    assert "triage queue" in warned["hr/"]


def test_a_name_that_only_looks_like_another_is_not_used(tmp_path: Path) -> None:
    """Names were compared by letter case, spacing and compatibility form only: a
    zero-width space, a soft hyphen, Cyrillic letters drawn like Latin ones or a
    small l for a capital I made a name that reads exactly like IT's or the
    triage queue's on every page, and it was used."""
    root = _content(
        tmp_path,
        {
            "it": "IT Services",
            "hr": None,
            "finance": None,
            "legal": "\u0406\u0422 \u0405ervices",  # Cyrillic І, Т and Ѕ
            "sales": "lT Services",  # a small l
            "facilities": "\u0421entral Service Desk",  # a Cyrillic С, as the triage queue
            "marketing": "Отдел кадров",  # a name in Cyrillic letters of its own
        },
    )
    # A zero-width space and a soft hyphen, written with YAML's own escapes.
    (root / "hr" / "_department.yml").write_text('name: "IT\\u200b Services"\n', encoding="utf-8")
    (root / "finance" / "_department.yml").write_text(
        'name: "I\\u00adT Services"\n', encoding="utf-8"
    )
    departments, problems = scan_departments(root)
    assert {slug: d.name for slug, d in departments.items()} == {
        "it": "IT",
        "hr": "HR",
        "finance": "Finance",
        "legal": "Legal",
        "sales": "Sales",
        "facilities": "Facilities",
        "marketing": "Отдел кадров",
    }
    warned = {p.path for p in problems if p.kind == "department_name"}
    assert warned == {"it/", "hr/", "finance/", "legal/", "sales/", "facilities/"}


def test_a_name_too_long_to_stand_beside_every_result_is_not_used(tmp_path: Path) -> None:
    """A department's name stands beside every search result and in every queue:
    a `name` of 460 KB made each search listing the department's articles a page
    of 11 MB. A name (or display name) over `MAX_NAME_CHARS` is not used; the
    default name (or the configured one) is shown, with a warning naming it."""
    root = _content(tmp_path, {"it": None, "hr": "Human Resources"})
    long = "Information Technology " * 20_000
    (root / "it" / "_department.yml").write_text(
        f'name: "{long}"\ndisplay_names: {{de: "{long}"}}\n', encoding="utf-8"
    )
    (root / "hr" / "_department.yml").write_text(
        f'name: "{"H" * MAX_NAME_CHARS}"\ndisplay_names: {{de: Personal}}\n', encoding="utf-8"
    )
    departments, problems = scan_departments(root)
    assert departments["it"].name == "IT" and departments["it"].display_names == {}
    assert departments["hr"].name == "H" * MAX_NAME_CHARS
    assert departments["hr"].display_names == {"de": "Personal"}
    said = sorted(str(p) for p in problems if p.path == "it/_department.yml")
    assert len(said) == 2 and all(f"more than {MAX_NAME_CHARS} characters" in m for m in said)
    assert "display_names.de:" in said[0] and "name:" in said[1]
    assert not [p for p in problems if p.path == "hr/_department.yml"]
