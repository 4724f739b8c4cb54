"""A request type's form sent after its session ended shows every typed value
under the label the form shows it by (not the field's internal name), one word
or many, and never a choice, a hidden field or a token."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import text_of
from tests.webapp.catalogue.test_routes import form_page

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")


def shown_back(page: str) -> list[tuple[str, str]]:
    """(label, text) of each read-only box of the page that shows what was typed."""
    boxes = re.findall(
        r'<label for="(typed-\d+)">(.*?)</label>\s*<textarea id="\1" readonly[^>]*>(.*?)</textarea>',
        page,
        re.S,
    )
    return [(html.unescape(label), html.unescape(text)) for _, label, text in boxes]


@pytest.mark.parametrize(
    ("lang", "who", "details"),
    [("en", "For whom", "Anything else we should know?"), ("de", "Für wen", None)],
)
def test_typed_values_come_back_under_their_labels(
    client: FlaskClient, store: Store, lang: str, who: str, details: str | None
) -> None:
    page = form_page(client, f"/catalogue/laptop?hl={lang}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    store.end_sessions("emma")  # signed out in another tab

    response = client.post(
        "/catalogue/laptop",
        data={
            "csrf_token": token,
            "idempotency_key": "4f8e3c1a-one-word-key",
            "search_id": "17",
            "for_whom": "Ada",  # one word, typed: shown
            "model": "developer",  # a choice: not text that was typed
            "needed_by": "2026-12-24",
            "docking": "1",
            "description": "Her old one broke.",
        },
        headers={"Referer": f"http://localhost/catalogue/laptop?hl={lang}"},
    )

    assert response.status_code == 401
    shown = shown_back(text_of(response))
    assert shown[0] == (who, "Ada")
    assert [text for _, text in shown] == ["Ada", "Her old one broke."]
    if details:
        assert shown[1][0] == details
    page = text_of(response)
    assert "for_whom" not in page and "4f8e3c1a" not in page and "developer" not in page
    assert store.list_requests() == []
