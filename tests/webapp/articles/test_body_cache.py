"""Article bodies are sanitised once per process, never shown across what changes them."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import Markup

import webapp.articles.sanitize as sanitize
from kb.records import ArticleImage
from tests.support import ARTICLES, count_calls, make_article, sign_in_as, text_of
from webapp.articles.body_cache import BodyCache


def body_of(page: str) -> str:
    return page.split('<div class="article-body">')[1].split("</div>")[0]


def test_a_second_view_is_served_from_the_cache_with_the_same_html(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_calls(monkeypatch, sanitize, "sanitize_article_html")
    first = text_of(client.get("/articles/hr/sick-leave.md"))
    second = text_of(client.get("/articles/hr/sick-leave.md"))
    api = client.get("/api/articles/hr/sick-leave.md").get_json()
    assert first == second
    assert api["html"] in first and "<strong>by 9:30</strong>" in api["html"]
    assert len(calls) == 1


def test_a_changed_article_is_sanitised_again(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = body_of(text_of(client.get("/articles/hr/sick-leave.md")))
    assert "by 9:30" in before
    changed = make_article("hr/sick-leave.md", "Reporting sick", "Tell your manager by 8:00.")
    monkeypatch.setitem(ARTICLES, changed.id, changed)
    after = body_of(text_of(client.get("/articles/hr/sick-leave.md")))
    assert "by 8:00" in after and "by 9:30" not in after
    # Another title places the headings anew: a key of its own too.
    retitled = replace(changed, title="Sick leave")
    monkeypatch.setitem(ARTICLES, changed.id, retitled)
    assert "Sick leave" in text_of(client.get("/articles/hr/sick-leave.md"))


def test_a_body_cached_for_a_reader_is_never_shown_to_one_who_may_not_read_it(
    client: FlaskClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = make_article("hr/salary-bands.md", "Salary bands", "Band **C** pays 70k.")
    monkeypatch.setitem(ARTICLES, secret.id, replace(secret, audience=("hr",)))
    sign_in_as(client, "hanna")  # an HR agent may read it, and so caches it
    assert "<strong>C</strong>" in text_of(client.get("/articles/hr/salary-bands.md"))
    stranger = client.application.test_client()
    assert stranger.get("/articles/hr/salary-bands.md").status_code == 404
    assert stranger.get("/api/articles/hr/salary-bands.md").status_code == 404
    sign_in_as(stranger, "emma")  # an employee outside HR
    assert stranger.get("/articles/hr/salary-bands.md").status_code == 404
    assert "70k" not in text_of(stranger.get("/api/articles/hr/salary-bands.md"))


def test_links_follow_the_address_the_app_is_served_under(client: FlaskClient) -> None:
    plain = text_of(client.get("/articles/hr/sick-leave.md"))
    assert 'href="/articles/hr/krankmeldung.md"' in body_of(plain)
    prefixed = text_of(
        client.get("/articles/hr/sick-leave.md", environ_overrides={"SCRIPT_NAME": "/kb"})
    )
    assert 'href="/kb/articles/hr/krankmeldung.md"' in body_of(prefixed)


def test_the_cache_keeps_its_bound_least_recently_used_first_out() -> None:
    cache = BodyCache(max_chars=10)
    made: list[str] = []

    def body(text: str) -> Any:
        def make() -> Markup:
            made.append(text)
            return Markup(text)

        return make

    key = {name: (name, "", "", "") for name in "abcd"}
    assert cache.get(key["a"], body("aaaa")) == "aaaa"
    cache.get(key["b"], body("bbbb"))
    cache.get(key["a"], body("never"))  # a hit: `a` is now the most recent
    cache.get(key["c"], body("cccc"))  # 12 characters: `b` goes
    assert len(cache) == 2
    cache.get(key["a"], body("never"))
    cache.get(key["b"], body("bbbb"))
    assert made == ["aaaa", "bbbb", "cccc", "bbbb"]
    # A body over the bound is made each time and kept never.
    cache.get(key["d"], body("d" * 11))
    cache.get(key["d"], body("d" * 11))
    assert made[-2:] == ["d" * 11, "d" * 11]
    assert len(cache) == 2


def test_a_picture_with_new_bytes_is_a_new_body(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture's address names its bytes' digest: the same HTML with a picture
    replaced (a new snapshot) must not keep the old address."""

    def with_panel(data: bytes) -> Any:
        article = make_article("it/printer.md", "Printer", "![Panel](panel.png)")
        panel = ArticleImage(
            path="it/panel.png",
            digest=hashlib.sha256(data).hexdigest(),
            media_type="image/png",
            size=len(data),
        )
        return replace(article, images=(panel,))

    for data in (b"first", b"second"):
        monkeypatch.setitem(ARTICLES, "it/printer.md", with_panel(data))
        body = body_of(text_of(client.get("/articles/it/printer.md")))
        assert f"/image/{hashlib.sha256(data).hexdigest()}" in body
