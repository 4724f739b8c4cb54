"""Addresses typed by hand: a department's name (or an article's id) in the
decomposed form of macOS file names (NFD) names the same department as the
composed form the app keeps, in URL parts, query parameters, forms and JSON."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from kb.accounts.records import Grant, Role, User
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.names import composed_fields, composed_json

COMPOSED = unicodedata.normalize("NFC", "büro")
DECOMPOSED = unicodedata.normalize("NFD", "büro")
HAND_TYPED = quote(DECOMPOSED)  # "bu%CC%88ro"


@pytest.fixture
def office(request_content: Path) -> Path:
    """A department whose folder name has an umlaut, with an agent and an owner."""
    folder = request_content / COMPOSED
    folder.mkdir()
    (folder / "_department.yml").write_text("name: Büro und Empfang\n", encoding="utf-8")
    return folder


@pytest.fixture
def staff(office: Path, store: Store, people: Any) -> None:
    """An agent and a content owner of the office (as SSO's groups give them: `kb
    user add` takes ASCII department ids only)."""
    for name, role in (("berta", Role.AGENT), ("bodo", Role.CONTENT_OWNER)):
        store.add_user(User(username=name, grants=[Grant(role=role, department=COMPOSED)]))


def test_only_department_fields_are_composed() -> None:
    assert DECOMPOSED != COMPOSED
    sent = MultiDict([("department", DECOMPOSED), ("q", DECOMPOSED), ("suggested", DECOMPOSED)])
    composed = composed_fields(sent)
    assert composed is not None
    assert composed.getlist("department") == [COMPOSED] and composed["suggested"] == COMPOSED
    assert composed["q"] == DECOMPOSED  # what people wrote stays as they wrote it
    assert composed_fields(MultiDict([("department", COMPOSED)])) is None
    body = composed_json({"department": DECOMPOSED, "query": DECOMPOSED, "fields": {"x": 1}})
    assert body == {"department": COMPOSED, "query": DECOMPOSED, "fields": {"x": 1}}
    assert composed_json([DECOMPOSED]) == [DECOMPOSED]


@pytest.mark.usefixtures("staff")
def test_a_hand_typed_queue_address_is_the_departments_queue(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    filed = client.post(
        "/api/requests",
        json={"query": "Der Drucker im Empfang klemmt", "department": DECOMPOSED},
        headers={"X-CSRF-Token": "csrf-emma"},
    )
    assert filed.status_code == 201, text_of(filed)
    assert filed.get_json()["department"] == COMPOSED
    sign_in_as(client, "berta")
    queue = client.get(f"/requests/queue/{HAND_TYPED}")
    assert queue.status_code == 200 and "Der Drucker im Empfang klemmt" in text_of(queue)
    listed = client.get(f"/api/requests?department={HAND_TYPED}")
    assert listed.status_code == 200, text_of(listed)
    assert [r["department"] for r in listed.get_json()["requests"]] == [COMPOSED]


@pytest.mark.usefixtures("staff")
def test_a_hand_typed_department_filter_of_the_article_list(client: FlaskClient) -> None:
    sign_in_as(client, "bodo")
    listed = client.get(f"/manage/?department={HAND_TYPED}")
    assert listed.status_code == 200 and "Articles of Büro" in text_of(listed)
    new = client.get(f"/manage/new?department={HAND_TYPED}")
    assert new.status_code == 200


@pytest.mark.usefixtures("staff")
def test_a_hand_typed_department_on_the_ask_form_is_preselected(client: FlaskClient) -> None:
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/ask/?department={HAND_TYPED}"))
    assert re.search(f'<option value="{COMPOSED}"[^>]* selected>', page)
