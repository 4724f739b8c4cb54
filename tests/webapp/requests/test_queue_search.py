"""The queue page's search: the queue's requests by their words, each linked
with its question and status, and its attachments below them."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name

pytestmark = pytest.mark.usefixtures("people")


def _file(client: FlaskClient, query: str, department: str, description: str = "") -> int:
    token = sign_in_as(client, "emma")
    response = client.post(
        "/api/requests",
        json={"query": query, "description": description, "department": department},
        headers={"X-CSRF-Token": token},
    )
    return int(response.get_json()["id"])


def test_agents_find_the_queues_requests_and_files_by_their_words(client: FlaskClient) -> None:
    dog = _file(client, "Can I bring my dog to the office", "it")
    walk = _file(client, "Lunch break", "it", "Time to walk the DOG?")
    other = _file(client, "A dog at the HR desk", "hr")
    token = sign_in_as(client, "ivan")
    response = client.post(
        f"/api/requests/{walk}/attachments",
        data={"file": [(io.BytesIO(b"dog leash rules"), "leash.txt")]},
        headers={"X-CSRF-Token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, text_of(response)
    html = text_of(client.get("/requests/queue/it?q=Dog"))
    assert "Search requests and attachments" in html
    walk_at = html.index(f'<a href="/requests/{walk}">#{walk}</a> Lunch break <span class="status')
    assert html.index(f'<a href="/requests/{dog}">#{dog}</a> Can I bring my dog') > walk_at
    assert '<span class="status status--new">New</span>' in html[walk_at:]
    assert f'href="/requests/{other}"' not in html
    assert html.index("leash.txt") > html.index(f"#{dog}</a>")  # the files below the requests
    assert "No request or attachment" not in html
    sign_in_as(client, "hanna")  # an agent of another queue finds nothing of IT's
    assert client.get("/requests/queue/it?q=dog").status_code == 403
    assert f"#{dog}</a>" not in text_of(client.get("/requests/queue/hr?q=dog"))
