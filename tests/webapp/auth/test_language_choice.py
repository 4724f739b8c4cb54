"""A signed-in user who switches the interface language has it kept on their
account, for the mails it is sent (on SQLite and PostgreSQL); a visitor's
choice stays in the cookie alone, and `hl` on a JSON API call changes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import sign_in_as
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name

pytestmark = pytest.mark.usefixtures("people")


def test_switching_the_language_keeps_it_on_the_account(client: FlaskClient, store: Store) -> None:
    sign_in_as(client, "ivan")
    assert store.account_languages() == {}

    assert client.get("/?hl=de").status_code == 200

    assert store.account_languages() == {"ivan": "de"}
    client.get("/requests/?hl=en")
    assert store.get_user("ivan").language == "en"  # type: ignore[union-attr]


def test_a_visitor_or_an_api_call_keeps_no_language(client: FlaskClient, store: Store) -> None:
    client.get("/?hl=de")  # a visitor: the cookie alone
    sign_in_as(client, "ivan")
    client.get("/api/catalogue?hl=de")
    client.get("/?hl=xx")  # no language the interface offers
    assert store.account_languages() == {}


def test_a_browser_without_the_cookie_shows_the_accounts_language(app: Flask, store: Store) -> None:
    """Another browser of an account that picked German: German pages, though
    it asks for English, until it picks a language itself."""
    store.set_language("ivan", "de")
    fresh = app.test_client()
    fresh.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert '<html lang="en"' in fresh.get("/").get_data(as_text=True)  # a visitor
    sign_in_as(fresh, "ivan")
    assert fresh.get_cookie("kb_hl") is None
    assert '<html lang="de"' in fresh.get("/").get_data(as_text=True)
    assert '<html lang="en"' in fresh.get("/?hl=en").get_data(as_text=True)
    assert '<html lang="en"' in fresh.get("/").get_data(as_text=True)  # its own choice now


def test_a_link_from_another_site_changes_no_accounts_language(
    client: FlaskClient, store: Store
) -> None:
    """A page elsewhere that links or frames `/?hl=de` shows the page in German,
    but the account's mails stay in the language its owner picked."""
    sign_in_as(client, "ivan")
    store.set_language("ivan", "en")
    for site in ("cross-site", "same-site"):
        page = client.get("/?hl=de", headers={"Sec-Fetch-Site": site})
        assert '<html lang="de"' in page.get_data(as_text=True)
        assert store.account_languages() == {"ivan": "en"}
    client.get("/?hl=de", headers={"Sec-Fetch-Site": "same-origin"})
    assert store.account_languages() == {"ivan": "de"}
