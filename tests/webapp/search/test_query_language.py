"""A question too short to tell its language is searched in the searcher's:
the signed-in account's language, else the site's `default_language`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from kb.results import Query
from tests.support import FakeEngine, sign_in_as
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def _searched(app: Flask, engine: FakeEngine, account: str | None = None) -> Query:
    client = app.test_client()
    if account is not None:
        sign_in_as(client, account)
    assert client.get("/api/search", query_string={"q": "ok"}).status_code == 200
    return engine.queries[-1]


def test_a_visitor_gets_the_sites_language(
    make_app: Callable[..., Flask], engine: FakeEngine
) -> None:
    assert _searched(make_app(default_language="de"), engine).fallback_lang == "de"
    assert _searched(make_app(), engine).fallback_lang == "en"


def test_a_signed_in_user_gets_the_language_of_their_account(
    make_app: Callable[..., Flask], engine: FakeEngine
) -> None:
    german = make_app(default_language="de")
    store = services(german).store
    store.set_language("ivan", "en")
    assert _searched(german, engine, "ivan").fallback_lang == "en"
    # An account that picked no language searches in the site's.
    store.set_language("ivan", "")
    assert _searched(german, engine, "ivan").fallback_lang == "de"


def test_the_words_of_a_vote_take_the_same_language(
    make_app: Callable[..., Flask], engine: FakeEngine
) -> None:
    german = make_app(default_language="de")
    client = german.test_client()
    vote = {"article_id": "hr/sick-leave.md", "helpful": False, "query": "ok"}
    assert client.post("/api/feedback", json=vote).status_code == 201
    (event,) = services(german).store.feedback_events()
    assert (event.query, event.lang) == ("ok", "de")
