"""A published article saved as a draft, sent to review or retired leaves search: the
editor says so after the save, in the page's language, and only then."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_routes import form


@pytest.mark.parametrize(
    ("lang", "notice"),
    [
        ("en", "Search no longer finds this article"),
        ("de", "Die Suche findet diesen Artikel nicht mehr"),
    ],
)
@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_draft_saved_over_a_published_article_says_it_left_search(
    client: FlaskClient, lang: str, notice: str, action: str
) -> None:
    token = sign_in_as(client, "cora")
    saved = client.post(
        f"/manage/edit/it/vpn-setup.md?hl={lang}", data=form(token, action=action, body="New text.")
    )
    assert saved.status_code == 303
    assert notice in text_of(client.get(f"{saved.location}?hl={lang}"))


def test_publishing_or_editing_a_draft_gives_no_such_notice(client: FlaskClient) -> None:
    token = sign_in_as(client, "cora")
    published = client.post("/manage/edit/it/vpn-setup.md", data=form(token, body="Changed."))
    assert "Search no longer finds" not in text_of(client.get(published.location))
    drafted = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, version="2", action="save", body="A.")
    )
    assert "Search no longer finds" in text_of(client.get(drafted.location))
    again = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, version="3", action="save", body="B.")
    )
    assert "Search no longer finds" not in text_of(client.get(again.location))


@pytest.mark.parametrize(
    ("lang", "notice"),
    [
        ("en", "Search no longer finds this article. Publish it again to bring it back."),
        ("de", "Die Suche findet diesen Artikel nicht mehr. Veröffentlichen Sie ihn erneut"),
    ],
)
def test_retiring_a_published_article_says_it_left_search(
    client: FlaskClient, lang: str, notice: str
) -> None:
    token = sign_in_as(client, "cora")
    retired = client.post(
        f"/manage/edit/it/vpn-setup.md?hl={lang}",
        data=form(token, action="retire", confirm="retire"),
    )
    assert retired.status_code == 303
    assert notice in text_of(client.get(f"{retired.location}?hl={lang}"))
    again = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, version="2", action="retire")
    )
    assert "Publish it again" not in text_of(client.get(again.location))
