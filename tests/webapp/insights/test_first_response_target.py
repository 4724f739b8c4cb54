"""The requests table gives the share first answered within target, as its API
and CSV did, beside the share resolved within target."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.requests.records import Request
from kb.store.protocols import Store
from tests.support import sign_in_as


def test_the_table_shows_the_share_first_answered_within_target(
    client: FlaskClient, store: Store, people: dict[str, Any]
) -> None:
    """The page showed only the share resolved within target: a department that
    resolved everything in time but left half its requesters waiting past the
    first-response target read as meeting its targets."""
    add_user(store, "anna", "analyst", None)
    now = datetime.now(UTC)
    for i in range(4):
        created = now - timedelta(hours=30 + i)
        store.create_request(
            Request(
                requester=f"r{i}",
                query="Parking permit",
                department="hr",
                created=created,
                first_response_due=created + timedelta(hours=8),
                resolution_due=created + timedelta(hours=40),
                # two answered in time, one late, one not at all (its due date passed)
                first_responded_at=created + timedelta(hours=1 if i < 2 else 9) if i < 3 else None,
                resolved_at=created + timedelta(hours=10) if i < 3 else None,
                status="resolved" if i < 3 else "new",
            )
        )
    sign_in_as(client, "anna")
    (hr,) = client.get("/api/insights/requests").get_json()["departments"]
    assert (hr["first_response_within_target"], hr["resolution_within_target"]) == (0.5, 1.0)
    html = client.get("/insights/requests?hl=en").get_data(as_text=True)
    table = html.split('<table class="insights-table">', 1)[1]
    head = table.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "First response within target" in head and "Resolved within target" in head
    cells = table.split('data-department="hr"', 1)[1].split("</tr>", 1)[0].split("<td>")
    columns = [c.split("</th>")[0].split(">")[-1] for c in head.split("<th")[1:]]
    values = dict(zip(columns[1:], (c.split("</td>")[0] for c in cells[1:]), strict=True))
    assert values["First response within target"] == "50 %"
    assert values["Resolved within target"] == "100 %"
    german = client.get("/insights/requests?hl=de").get_data(as_text=True)
    german_table = german.split('<table class="insights-table">', 1)[1].split("</thead>", 1)[0]
    assert "Erste Antwort in der Zielzeit" in german_table
    rows = list(csv.DictReader(io.StringIO(client.get("/api/insights/requests?format=csv").text)))
    assert rows[0]["first_response_within_target"] == "0.5"
