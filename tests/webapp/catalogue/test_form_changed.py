"""A request type's form sent after its department file changed the type: a
field the form showed that the type no longer has is not dropped unseen. The
form comes back as the type is now (409), naming each such field with what was
typed there, and nothing is filed until it is sent again."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import text_of
from tests.webapp.catalogue.conftest import IT_CATALOGUE
from tests.webapp.catalogue.test_routes import form_page, post_form
from webapp.services import services

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")


def _edit_type(content: Path, old: str, new: str) -> None:
    """The IT department file with `old` replaced by `new`, as a content owner saves
    it (its time moved on, so that the change is seen within the same second)."""
    path = content / "it" / "_department.yml"
    text = path.read_text(encoding="utf-8")
    assert IT_CATALOGUE in text and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(later, later))


def test_a_field_taken_out_of_the_type_while_the_form_was_open_is_not_dropped_unseen(
    client: FlaskClient, store: Store, catalogue_content: Path
) -> None:
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    page = form_page(client, "/catalogue/laptop?hl=en")
    assert 'name="team"' in page
    _edit_type(
        catalogue_content,
        "      - name: team\n        type: department\n        label: {en: Team, de: Team}\n",
        "",
    )
    sent = {"for_whom": "Jana Fischer", "model": "developer", "team": "hr"}
    late = post_form(client, page, **sent)
    html = text_of(late)
    assert late.status_code == 409, html
    assert "changed since you opened it" in html and "team: hr" in html
    assert 'name="team"' not in html and 'value="Jana Fischer"' in html
    assert store.list_requests() == []
    # Sent again from the form as the type is now, it is filed.
    again = post_form(client, html, for_whom="Jana Fischer", model="developer")
    assert again.status_code == 303, text_of(again)
    [filed] = store.list_requests()
    assert filed.fields == {"for_whom": "Jana Fischer", "model": "developer", "docking": False}


def test_a_form_whose_type_was_taken_out_meanwhile_shows_back_everything_it_sent(
    client: FlaskClient, store: Store, catalogue_content: Path
) -> None:
    """Before, the post answered a bare 404 page: what was typed was gone."""
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    page = form_page(client, "/catalogue/laptop?hl=en")
    _edit_type(catalogue_content, IT_CATALOGUE, "")
    late = post_form(
        client, page, for_whom="Jana Fischer", model="developer", description="Her old one broke."
    )
    html = text_of(late)
    assert late.status_code == 404, html
    assert "The catalogue has no service “laptop”" in html and 'href="/catalogue/"' in html
    shown = re.findall(
        r'<label for="(typed-\d+)">(.*?)</label>\s*<textarea id="\1" readonly[^>]*>(.*?)</textarea>',
        html,
        re.S,
    )
    assert [(label, text) for _, label, text in shown] == [
        ("for_whom", "Jana Fischer"),
        ("model", "developer"),
        ("Anything else we should know?", "Her old one broke."),
    ]
    assert "csrf" not in "".join(label for _, label, _ in shown)
    assert store.list_requests() == []
