"""A department's name on every page: the name its department file gives,
whatever the search index holds (a department added or renamed since the last
index run), with the folder's name only when the file names none."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import Grant, Role, User
from kb.store.protocols import Store
from tests.support import ENGINE_DEPARTMENTS, sign_in_as, text_of

FOLDER = "büro"  # the index has never seen it: default name "Büro"
NAME = "Empfang und Poststelle"


@pytest.fixture
def office(request_content: Path, store: Store, people: Any) -> None:
    """A department whose file's name differs from its folder's, with an agent,
    a content owner and an analyst of it; and IT renamed since the last index run."""
    (request_content / FOLDER).mkdir()
    (request_content / FOLDER / "_department.yml").write_text(f"name: {NAME}\n", "utf-8")
    it = request_content / "it" / "_department.yml"
    it.write_text(it.read_text("utf-8").replace("IT Service Desk", "IT & Telephony"), "utf-8")
    for name, role in (("berta", Role.AGENT), ("bodo", Role.CONTENT_OWNER)):
        store.add_user(User(username=name, grants=[Grant(role=role, department=FOLDER)]))


@pytest.mark.usefixtures("office")
def test_every_page_names_a_department_by_its_file(client: FlaskClient) -> None:
    assert FOLDER not in ENGINE_DEPARTMENTS
    assert ENGINE_DEPARTMENTS["it"].name == "IT Service Desk"  # the index's stale copy
    sign_in_as(client, "bodo")
    manage = text_of(client.get("/manage/"))
    assert f"Articles of {NAME}</h1>" in manage and "Articles of Büro" not in manage
    sign_in_as(client, "emma")
    ask = text_of(client.get(f"/ask/?department={FOLDER}"))
    assert f"Ask {NAME}</h1>" in ask
    body = {"query": "Ein Paket für mich?", "department": FOLDER}
    filed = client.post("/api/requests", json=body, headers={"X-CSRF-Token": "csrf-emma"})
    assert filed.get_json()["department_name"] == NAME, text_of(filed)
    shown = text_of(client.get(f"/requests/{filed.get_json()['id']}"))
    assert NAME in shown and "Büro" not in shown
    search = text_of(client.get("/?q=vpn"))
    assert "IT &amp; Telephony" in search and "IT Service Desk" not in search


@pytest.mark.usefixtures("office")
def test_a_decomposed_id_in_a_history_is_named_too(client: FlaskClient) -> None:
    from webapp.departments import department_name

    with client.application.test_request_context("/"):
        assert department_name(unicodedata.normalize("NFD", FOLDER)) == NAME
        assert department_name("it") == "IT & Telephony"
        assert department_name("legal-and-tax") == "Legal And Tax"  # no folder: its default
        assert department_name("triage") == "Central Service Desk"


def test_a_department_added_while_the_worker_runs_is_named_by_its_file(
    client: FlaskClient, request_content: Path, store: Store
) -> None:
    from webapp.departments import department_name
    from webapp.services import services

    app = client.application
    services(app).departments_check_seconds = 0.0  # no wait between looks, for the test
    with app.test_request_context("/"):
        assert department_name("fuhrpark") == "Fuhrpark"  # read once, no such folder yet
    (request_content / "fuhrpark").mkdir()
    (request_content / "fuhrpark" / "_department.yml").write_text("name: Fleet\n", "utf-8")
    store.add_user(
        User(username="fritz", grants=[Grant(role=Role.CONTENT_OWNER, department="fuhrpark")])
    )
    sign_in_as(client, "fritz")
    assert "Articles of Fleet</h1>" in text_of(client.get("/manage/"))
    # Edited in place (the folder's time unchanged): read again too.
    folder_time = (request_content / "fuhrpark").stat().st_mtime_ns
    (request_content / "fuhrpark" / "_department.yml").write_text("name: Fleet Desk\n", "utf-8")
    os.utime(request_content / "fuhrpark", ns=(folder_time, folder_time))
    assert "Articles of Fleet Desk</h1>" in text_of(client.get("/manage/"))


def test_the_departments_stamp_moves_with_folders_and_department_files(tmp_path: Path) -> None:
    from kb.content.files import departments_stamp

    assert departments_stamp(tmp_path / "missing") == ()
    (tmp_path / "hr").mkdir()
    first = departments_stamp(tmp_path)
    (tmp_path / "it").mkdir()
    second = departments_stamp(tmp_path)
    assert second != first
    (tmp_path / "it" / "_department.yml").write_text("name: IT\n", "utf-8")
    stamp = os.stat(tmp_path / "it").st_mtime_ns
    os.utime(tmp_path / "it", ns=(stamp, stamp))
    third = departments_stamp(tmp_path)
    os.utime(tmp_path / "it" / "_department.yml", ns=(1, 1))
    assert departments_stamp(tmp_path) != third


@pytest.mark.usefixtures("people")
def test_german_pages_show_a_departments_german_name(
    client: FlaskClient, request_content: Path
) -> None:
    """A first look at German pages found "Facilities" and "Finance" among German
    words: a department file's `display_names` give the name per language, and
    pages in another language show its `name`."""
    hr = request_content / "hr" / "_department.yml"
    hr.write_text(hr.read_text("utf-8") + "display_names: {de: Personal}\n", "utf-8")
    sign_in_as(client, "emma")
    german = text_of(client.get("/ask/?department=hr&hl=de"))
    assert "Frage an die Abteilung Personal</h1>" in german
    english = text_of(client.get("/ask/?department=hr&hl=en"))
    assert "Ask Human Resources</h1>" in english and "Personal" not in english
    body = {"query": "Urlaubsantrag?", "department": "hr"}
    filed = client.post("/api/requests", json=body, headers={"X-CSRF-Token": "csrf-emma"})
    mine = text_of(client.get("/requests/?hl=de"))
    assert f"/requests/{filed.get_json()['id']}" in mine
    assert ">Personal</span>" in mine and "Human Resources" not in mine


@pytest.mark.usefixtures("people")
def test_german_pages_do_not_call_the_triage_queue_a_department(client: FlaskClient) -> None:
    """ "Frage an die Abteilung Zentraler Service-Desk": the queue for questions no
    department owns is named as what it is, on the ask page and in its choices."""
    sign_in_as(client, "emma")
    german = text_of(client.get("/ask/?department=triage&hl=de"))
    assert "Frage an den Zentralen Service-Desk</h1>" in german
    assert 'data-ask-title="Frage an den Zentralen Service-Desk"' in german
    assert "Abteilung Zentraler" not in german
    english = text_of(client.get("/ask/?department=triage&hl=en"))
    assert "Ask the Central Service Desk</h1>" in english


@pytest.mark.usefixtures("people")
def test_search_ask_request_and_queue_pages_name_a_department_in_their_language(
    client: FlaskClient, request_content: Path
) -> None:
    """Where a department's name reaches a page: a search result's badge, the ask
    page's choice of department, the request and the department's queue. German
    pages show its German name, English ones its `name`, as before."""
    hr = request_content / "hr" / "_department.yml"
    hr.write_text(hr.read_text("utf-8") + "display_names: {de: Personal}\n", "utf-8")
    sign_in_as(client, "emma")
    body = {"query": "Urlaubsantrag?", "department": "hr"}
    filed = client.post("/api/requests", json=body, headers={"X-CSRF-Token": "csrf-emma"})
    pages = {
        "search": ("/", {"q": "sick"}),
        "ask": ("/ask/", {}),
        "request": (f"/requests/{filed.get_json()['id']}", {}),
    }
    shown = {
        (page, hl): text_of(client.get(path, query_string={**query, "hl": hl}))
        for page, (path, query) in pages.items()
        for hl in ("de", "en")
    }
    sign_in_as(client, "hanna")
    for hl in ("de", "en"):
        shown["queue", hl] = text_of(client.get("/requests/queue/hr", query_string={"hl": hl}))
    for (page, hl), html in shown.items():
        name, other = (
            ("Personal", "Human Resources") if hl == "de" else ("Human Resources", "Personal")
        )
        assert name in html and other not in html, (page, hl)
    assert re.search(r'<option value="hr"[^>]*>Personal</option>', shown["ask", "de"])
