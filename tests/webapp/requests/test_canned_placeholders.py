"""A canned reply is offered only where the request fills it in, and a reply
still holding one of its `{name}`s is refused on the page, in the reader's
language, with what was typed kept."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from kb.store.protocols import Store
from tests.support import refused_page, sign_in_as, text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.catalogue.conftest import IT_CATALOGUE
from tests.webapp.requests.test_stale_forms import form_fields
from tests.webapp.requests.test_tools import api, file

pytestmark = pytest.mark.usefixtures("laptop_replies", "people")

CANNED = """canned_replies:
  - id: ordered
    title: {en: Laptop ordered, de: Laptop bestellt}
    text: {en: "Hello {requester}, the laptop for {for_whom} is ordered. {agent}"}
"""


@pytest.fixture
def laptop_replies(request_content: Any) -> Any:
    with (request_content / "it" / "_department.yml").open("a", encoding="utf-8") as out:
        out.write(IT_CATALOGUE + CANNED)
    return request_content


def replies(store: Store, request_id: int) -> list[str]:
    return [e.message for e in store.entries(request_id) if e.kind == "comment"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "still holds the placeholder {for_whom}"), ("de", "Platzhalter {for_whom}")],
)
def test_a_half_filled_reply_is_refused_and_its_text_kept(
    app: Flask, store: Store, lang: str, said: str
) -> None:
    client = app.test_client()
    request_id = file(client)  # a plain request: no "for whom"
    offered = api(client, "ivan", "get", f"/api/requests/{request_id}/canned-replies")
    assert offered.get_json() == {"replies": []}  # "Laptop ordered" would go out half-filled
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "Laptop ordered" not in page
    action = f"/requests/{request_id}/comment"
    typed = "Hello emma, the laptop for {for_whom} is ordered."
    answer = client.post(
        action,
        data=form_fields(page, action) | {"text": typed},
        headers={"Accept-Language": lang},
    )
    shown = refused_page(client, answer, "reply")
    assert said in shown
    assert f">{typed}</textarea>" in shown
    assert replies(store, request_id) == []
    # Braces that are no canned reply's placeholder go out as typed.
    fine = "Run the client with {profile} set; your laptop {for whom} is fine."
    answer = client.post(action, data=form_fields(shown, action) | {"text": fine})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#conversation")
    assert replies(store, request_id) == [fine]


def test_a_filled_in_reply_is_offered_and_sent(app: Flask, store: Store) -> None:
    client = app.test_client()
    fields: dict[str, Any] = {"for_whom": "Jana Fischer", "model": "standard"}
    request_id = file(client, query="", type="laptop", fields=fields)
    sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}?canned=ordered"))
    text = "Hello emma, the laptop for Jana Fischer is ordered. ivan"
    assert f">{text}</textarea>" in page
    action = f"/requests/{request_id}/comment"
    assert client.post(action, data=form_fields(page, action) | {"text": text}).status_code == 303
    assert replies(store, request_id) == [text]
