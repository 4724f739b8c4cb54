"""A value stream's request and task titles carry their start date as
`YYYY-MM-DD`; pages show it as the reader's language writes dates, while the
stored title (and the API's) stays as it was filed."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import sign_in_as
from tests.webapp.catalogue.test_api import file

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")

FIELDS = {"new_hire": "Jana Fischer", "start_date": "2099-01-04"}


def test_a_title_s_date_is_shown_in_the_reader_s_language_and_stored_as_filed(
    client: FlaskClient, store: Store
) -> None:
    filed = file(client, {"type": "onboarding", "fields": FIELDS})
    assert filed.status_code == 201, filed.get_data(as_text=True)
    request_id = filed.get_json()["id"]
    title = "Onboarding Jana Fischer, starts 2099-01-04"
    assert filed.get_json()["query"] == title
    assert store.get_request(request_id).query == title
    english = client.get(f"/requests/{request_id}?hl=en").get_data(as_text=True)
    assert "Onboarding Jana Fischer, starts 4 January 2099</h1>" in english
    assert "Laptop for Jana Fischer, starts 4 January 2099" in english
    assert "2099-01-04</h1>" not in english
    german = client.get(f"/requests/{request_id}?hl=de").get_data(as_text=True)
    assert "Onboarding Jana Fischer, starts 4. Januar 2099</h1>" in german
    mine = client.get("/requests/?hl=de").get_data(as_text=True)
    assert "starts 4. Januar 2099" in mine
    sign_in_as(client, "ivan")
    queue = client.get("/requests/queue/it?hl=en").get_data(as_text=True)
    assert "Laptop for Jana Fischer, starts 4 January 2099" in queue
    assert store.get_request(request_id).query == title
