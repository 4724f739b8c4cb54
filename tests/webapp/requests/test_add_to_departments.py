""" "Add to" an article of another department than the request's, on the request
page and in the JSON API: allowed only to whom may edit both (admins, content
owners of each); otherwise refused with a 403 that says why, before anything is
written, so the article and the request stay as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.errors import StoreUnavailableError
from kb.requests.articles import ArticleWork
from kb.store.protocols import Store
from tests.support import error_of, refused_page, sign_in_as, text_of
from tests.webapp.requests.test_stale_forms import agent, form_fields, resolved

pytestmark = pytest.mark.usefixtures("people", "both")

HR_ARTICLE = "hr/remote-access.md"
HR_TEXT = (
    "---\ntitle: Remote access\nowner: Human Resources\nstatus: published\n---\n\n"
    "## Who may work from home\n\nEveryone, after two weeks.\n"
)
ANSWER = "Switch the client to TCP 443."


@pytest.fixture
def hr_article(request_content: Path) -> Path:
    path = request_content / HR_ARTICLE
    path.write_text(HR_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def both(store: Store) -> None:
    """otto owns the content of IT and HR; ines works IT's queue and owns HR's content."""
    add_user(store, "otto", "content_owner", "it")
    add_user(store, "otto", "content_owner", "hr")
    add_user(store, "ines", "agent", "it")
    add_user(store, "ines", "content_owner", "hr")


class Answered(NamedTuple):
    id: int
    version: int  # the request's version once resolved


@pytest.fixture
def answered(app: Flask, store: Store) -> Answered:
    """A request of IT's, resolved with `ANSWER`."""
    request_id = resolved(app, ANSWER)
    return Answered(request_id, store.get_request(request_id).version)


def post_form(browser: FlaskClient, request_id: int, article: str) -> Any:
    """The "Add to" form with another article than the one it suggests: the page's
    token and version (from the draft form, which every one of them sees)."""
    url = f"/requests/{request_id}"
    fields = form_fields(text_of(browser.get(url)), f"{url}/article")
    return browser.post(f"{url}/article/append", data=fields | {"article": article})


def post_api(app: Flask, user: str, request_id: int, article: str, **headers: str) -> Any:
    client = app.test_client()
    token = sign_in_as(client, user)
    return client.post(
        f"/api/requests/{request_id}/article/append",
        json={"article": article},
        headers={"X-CSRF-Token": token, **headers},
    )


def unchanged(store: Store, answered: Answered, article: Path) -> None:
    assert article.read_text(encoding="utf-8") == HR_TEXT
    request = store.get_request(answered.id)
    assert (request.linked_articles, request.version) == ([], answered.version)


def test_a_refused_form_changes_neither_article_nor_request(
    app: Flask, store: Store, hr_article: Path, answered: Answered
) -> None:
    """ines may edit HR's articles but not link IT's answers: the answer went into
    HR's article first and the link was refused after, half done."""
    refused = post_form(agent(app, "ines"), answered.id, HR_ARTICLE)
    assert refused.status_code == 403
    unchanged(store, answered, hr_article)


def test_another_departments_article_is_refused_with_the_reason(
    app: Flask, store: Store, hr_article: Path, answered: Answered
) -> None:
    cora = agent(app, "cora")
    page = refused_page(cora, post_form(cora, answered.id, HR_ARTICLE), "articles")
    assert f"{HR_ARTICLE} is an article of Human Resources: only the content owners" in page
    assert "the role Content owner – Human Resources." in page
    assert 'id="articles"' in page  # the request page again, the form's message in place
    unchanged(store, answered, hr_article)


def test_who_owns_both_departments_adds_to_the_other_ones_article(
    app: Flask, store: Store, hr_article: Path, answered: Answered
) -> None:
    otto = agent(app, "otto")
    assert post_form(otto, answered.id, HR_ARTICLE).status_code == 303
    assert hr_article.read_text(encoding="utf-8").count(ANSWER) == 1
    assert store.get_request(answered.id).linked_articles == [HR_ARTICLE]
    assert f"added to {HR_ARTICLE}" in text_of(otto.get(f"/requests/{answered.id}"))


def test_the_api_refuses_before_it_writes(
    app: Flask, store: Store, hr_article: Path, answered: Answered
) -> None:
    error_of(post_api(app, "ines", answered.id, HR_ARTICLE), 403, "forbidden")
    unchanged(store, answered, hr_article)
    refused = error_of(post_api(app, "cora", answered.id, HR_ARTICLE), 403, "forbidden")
    assert refused["details"] == {"field": "article", "value": HR_ARTICLE, "department": "hr"}
    assert "is an article of Human Resources" in refused["message"]
    unchanged(store, answered, hr_article)
    stale = post_api(
        app, "otto", answered.id, HR_ARTICLE, **{"If-Match": f'"{answered.version - 1}"'}
    )
    error_of(stale, 412, "stale_version")
    unchanged(store, answered, hr_article)


def test_the_api_adds_once_to_an_article_of_either_department(
    app: Flask, store: Store, hr_article: Path, answered: Answered
) -> None:
    added = post_api(app, "otto", answered.id, HR_ARTICLE, **{"If-Match": f'"{answered.version}"'})
    assert added.status_code == 200, text_of(added)
    assert added.get_json()["linked_articles"] == [HR_ARTICLE]
    assert added.headers["ETag"] == f'"{answered.version + 1}"'
    again = post_api(app, "otto", answered.id, HR_ARTICLE)
    assert again.status_code == 200 and again.get_json()["version"] == answered.version + 1
    assert hr_article.read_text(encoding="utf-8").count(ANSWER) == 1


def test_an_answer_taken_back_is_not_added(
    app: Flask, store: Store, hr_article: Path, answered: Answered
) -> None:
    """A request reopened since has no answer to add: refused before the article."""
    ivan = app.test_client()
    token = sign_in_as(ivan, "ivan")
    reopened = ivan.patch(
        f"/api/requests/{answered.id}", json={"status": "in_progress"},
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    assert reopened.status_code == 200, text_of(reopened)
    error_of(post_api(app, "otto", answered.id, HR_ARTICLE), 409, "conflict")
    unchanged(store, answered._replace(version=store.get_request(answered.id).version), hr_article)


def test_two_clicks_at_once_add_the_answer_once(
    app: Flask, store: Store, hr_article: Path, answered: Answered, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second click that read the request before the first one linked the
    article, and opened the article after it was saved, added the answer again:
    here the second call runs whole between the first one's save and its link."""
    link = ArticleWork._link
    second: list[Any] = []

    def link_after_another_click(work: ArticleWork, *args: Any) -> bool:
        if not second:
            second.append(None)  # the second click's own link goes straight through
            second[0] = post_api(app, "otto", answered.id, HR_ARTICLE)
        return link(work, *args)

    monkeypatch.setattr(ArticleWork, "_link", link_after_another_click)
    first = post_api(app, "otto", answered.id, HR_ARTICLE)
    assert first.status_code == 200 and second[0].status_code == 200, text_of(second[0])
    assert hr_article.read_text(encoding="utf-8").count(ANSWER) == 1
    assert store.get_request(answered.id).linked_articles == [HR_ARTICLE]


def test_an_answer_added_but_not_linked_is_linked_on_the_next_click(
    app: Flask, store: Store, hr_article: Path, answered: Answered, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database failed after the article was saved: the next click links the
    article to the request instead of adding the answer a second time."""
    link = ArticleWork._link

    def fail_once(work: ArticleWork, *args: Any) -> bool:
        monkeypatch.setattr(ArticleWork, "_link", link)
        raise StoreUnavailableError("the database is not available right now")

    monkeypatch.setattr(ArticleWork, "_link", fail_once)
    assert post_api(app, "otto", answered.id, HR_ARTICLE).status_code == 503
    assert store.get_request(answered.id).linked_articles == []
    again = post_api(app, "otto", answered.id, HR_ARTICLE)
    assert again.status_code == 200, text_of(again)
    assert hr_article.read_text(encoding="utf-8").count(ANSWER) == 1
    assert store.get_request(answered.id).linked_articles == [HR_ARTICLE]
