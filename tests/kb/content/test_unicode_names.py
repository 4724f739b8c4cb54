"""A department folder named "Büro" on macOS holds a decomposed ü (NFD), on
Linux or Windows a composed one (NFC): both are one department, with one set
of article ids, one queue and one role, and two such folders side by side
lose nothing (issue 69)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from kb.accounts.records import Grant, Role, User
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.departments import display_name
from kb.content.scanner import load_departments, scan_content
from kb.insights.access import InsightsScope
from kb.records import Department, Status
from kb.requests.departments import Departments
from kb.store.factory import create_store

COMPOSED = unicodedata.normalize("NFC", "Büro")
DECOMPOSED = unicodedata.normalize("NFD", "Büro")
ARTICLE = "---\ntitle: {title}\nstatus: published\n---\n## Text\n\nSome words about {title}.\n"


def article(folder: Path, name: str, title: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(ARTICLE.format(title=title), encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    article(root / "it", "vpn.md", "VPN")
    article(root / DECOMPOSED, "keys.md", "Keys")  # made on macOS
    return root


def test_a_folder_made_on_macos_is_the_department_its_name_reads_as(root: Path) -> None:
    from kb.content.files import department_path

    assert COMPOSED != DECOMPOSED
    scan = scan_content(root)
    assert set(scan.departments) == {COMPOSED, "it"}
    found = scan.articles[f"{COMPOSED}/keys.md"]
    assert found.department == COMPOSED and found.id == f"{COMPOSED}/keys.md"
    assert department_path(root, COMPOSED) == root / DECOMPOSED


def test_two_folders_of_one_name_are_one_department_and_lose_nothing(root: Path) -> None:
    article(root / COMPOSED, "desks.md", "Desks")  # the same name, typed on Linux
    (root / COMPOSED / "_department.yml").write_text("name: Office\n", encoding="utf-8")
    article(root / DECOMPOSED, "desks.md", "Other desks")  # one id twice
    (root / DECOMPOSED / "_department.yml").write_text("name: Lost\n", encoding="utf-8")
    scan = scan_content(root)
    assert set(scan.departments) == {COMPOSED, "it"}
    assert scan.departments[COMPOSED].name == "Office"
    assert {a for a in scan.articles if a.startswith(COMPOSED)} == {
        f"{COMPOSED}/keys.md",
        f"{COMPOSED}/desks.md",
    }
    assert all(a.department == COMPOSED for a in scan.articles.values() if a.id != "it/vpn.md")
    [twin] = [p for p in scan.problems if p.kind == "department_twin"]
    assert twin.path == f"{DECOMPOSED}/" and "differ only in Unicode form" in twin.message
    assert "'Bu\\u0308ro' and 'B\\xfcro'" in twin.message  # told apart where they look alike
    assert "the department file of 'B\\xfcro' alone" in twin.message
    assert "move the files" in twin.hint
    [duplicate] = [p for p in scan.problems if p.kind == "duplicate"]
    assert duplicate.path.endswith("desks.md")  # named, never silently dropped


def test_roles_queues_and_insights_take_either_form(root: Path) -> None:
    grant = Grant(role=Role.AGENT, department=DECOMPOSED)
    assert grant.department == COMPOSED and grant.covers(Role.AGENT, DECOMPOSED)
    assert Department(slug=DECOMPOSED, name="Büro").slug == COMPOSED
    departments = Departments(load_departments(root))
    assert departments.get(DECOMPOSED).slug == COMPOSED
    assert departments.route(DECOMPOSED, None, None) == COMPOSED
    assert departments.route(None, DECOMPOSED, 0.1) == "triage"  # the suggestion, unsure
    scope = InsightsScope(frozenset({COMPOSED}), may_assign=False)
    assert scope.department(DECOMPOSED) == COMPOSED


def test_the_editor_opens_saves_and_creates_in_the_folder_made_on_macos(
    root: Path, tmp_path: Path
) -> None:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    service = AuthoringService(root, version_store(store), lambda: load_departments(root))
    owner = User(username="olga", grants=[Grant(role=Role.CONTENT_OWNER, department=DECOMPOSED)])
    opened = service.open(owner, f"{COMPOSED}/keys.md")
    assert opened.department == COMPOSED and opened.fields.title == "Keys"
    service.save(owner, f"{COMPOSED}/keys.md", opened.fields, base_version=opened.version)
    fields = opened.fields.__class__(**{**vars(opened.fields), "title": "Lockers"})
    service.create(owner, COMPOSED, "lockers", fields)
    assert sorted(p.name for p in root.iterdir() if p.name[0] != ".") == sorted(["it", DECOMPOSED])
    assert (root / DECOMPOSED / "lockers.md").is_file()
    scan = scan_content(root)
    assert scan.articles[f"{COMPOSED}/lockers.md"].status is Status.PUBLISHED
    store.close()


def test_the_index_holds_one_department_under_its_composed_name(root: Path, tmp_path: Path) -> None:
    from indexer.build import IndexBuilder
    from indexer.reader import SnapshotReader
    from kb.settings import Settings
    from tests.support import HashingEmbedder

    article(root / COMPOSED, "desks.md", "Desks")
    # Without the second model, whose vectors nothing here reads.
    settings = Settings.load(
        {"content_dir": str(root), "index_dir": str(tmp_path / "index"), "secondary_model": ""},
        environ={},
    )
    report = IndexBuilder(settings, embedder=HashingEmbedder()).run()
    assert [p for p in report.errors if "Unicode" not in p] == []
    snap = SnapshotReader(settings.index_path).get()
    assert set(snap.titles) == {"it/vpn.md", f"{COMPOSED}/keys.md", f"{COMPOSED}/desks.md"}
    assert set(snap.departments) == {"it", COMPOSED}
    keys = snap.article(f"{COMPOSED}/keys.md")
    assert keys is not None and keys.department == COMPOSED


def test_a_department_is_named_by_its_file_under_either_form_of_its_id() -> None:
    names = {COMPOSED: "Empfang und Poststelle"}
    assert display_name(DECOMPOSED, names) == "Empfang und Poststelle"
    assert display_name(DECOMPOSED, {}) == "Büro"  # not "BüRo": title() splits at a mark
    assert display_name("hr", {}) == "HR"
