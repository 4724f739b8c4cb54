"""A vote on a search that was not logged keeps the language of its words, as
the search would have had it (`search.understanding.query_language`)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.webapp.search.test_unlogged_votes_and_requests import (  # noqa: F401 - fixtures
    unlogged_app,
)
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


@pytest.mark.parametrize(
    ("words", "lang"), [("wo beantrage ich meinen urlaub", "de"), ("vacation days left", "en")]
)
def test_the_words_of_a_vote_keep_their_language(
    unlogged_app: Flask,  # noqa: F811
    words: str,
    lang: str,
) -> None:
    client = unlogged_app.test_client()
    answer = client.get("/api/search", query_string={"q": words}).get_json()
    assert answer["search_id"] is None
    vote = {"article_id": answer["results"][0]["id"], "helpful": False, "query": words}
    assert client.post("/api/feedback", json=vote).status_code == 201
    (event,) = services(unlogged_app).store.feedback_events()
    assert (event.query, event.lang) == (words, lang)
