"""Dates and times on the content owner's pages: a review date and the moment
of a change are written alike, in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_routes import form

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.mark.parametrize(
    ("lang", "review", "moment"),
    [
        ("en", "10 January 2026", r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} CES?T"),
        ("de", "10. Januar 2026", r"\d{1,2}\. [A-ZÄ][a-zä]+ \d{4}, \d{2}:\d{2} MES?Z"),
    ],
)
def test_the_list_and_the_history_write_dates_and_times_alike(
    client: FlaskClient, content: Path, lang: str, review: str, moment: str
) -> None:
    token = sign_in_as(client, "cora")
    saved = client.post(
        "/manage/edit/it/vpn-setup.md",
        data=form(token, review_by="2026-01-10", message="office"),
    )
    assert saved.status_code == 303
    listed = text_of(client.get(f"/manage/?department=it&hl={lang}"))
    assert review in listed and re.search(moment, listed), listed
    history = text_of(client.get(f"/manage/history/it/vpn-setup.md?hl={lang}"))
    assert re.search(moment, history), history
    for page in (listed, history):
        assert not ISO_MOMENT.search(page)
