"""The request page's article forms, for what they add and to whom they answer:
"Add to" an article adds the resolution the page showed, once, and "Turn into
an article" answers only those who may draft from the request."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kb.store.protocols import Store
from tests.support import refused_page, sign_in_as, text_of
from tests.webapp.requests.test_stale_forms import (
    CHANGED,
    MISSING,
    agent,
    form_fields,
    resolved,
    send,
)

pytestmark = pytest.mark.usefixtures("people")

ARTICLE = "it/hostile.md"  # what the test engine answers for IT's questions
ARTICLE_TEXT = (
    "---\ntitle: Hostile article\nowner: IT Service Desk\nstatus: published\n---\n\n"
    "## Scope\n\nThe VPN client and its profiles.\n"
)


@pytest.fixture
def article(request_content: Path) -> Path:
    path = request_content / ARTICLE
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    return path


def sections(path: Path, answer: str) -> int:
    return path.read_text(encoding="utf-8").count(answer)


def test_an_answer_changed_since_the_page_is_not_added(
    app: Flask, store: Store, article: Path
) -> None:
    request_id = resolved(app, "Switch the client to TCP 443.")
    ivan, cora = agent(app, "ivan"), agent(app, "cora")
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article/append"
    coras_page = text_of(cora.get(url))
    fields = form_fields(coras_page, action)
    assert fields["article"] == ARTICLE
    assert fields["version"] == str(store.get_request(request_id).version)
    ivans_page = text_of(ivan.get(url))
    assert send(ivan, ivans_page, f"{url}/status", status="in_progress", note="").status_code == 303
    answer = "Use the new VPN profile."
    assert (
        send(ivan, text_of(ivan.get(url)), f"{url}/resolve", resolution=answer).status_code == 303
    )

    refused = refused_page(cora, send(cora, coras_page, action), "articles")
    assert CHANGED in refused
    assert "TCP 443" not in article.read_text(encoding="utf-8")
    assert store.get_request(request_id).linked_articles == []
    # From the page shown again, the answer it shows now is added.
    assert send(cora, refused, action).status_code == 303
    assert sections(article, answer) == 1
    assert store.get_request(request_id).linked_articles == [ARTICLE]


def test_an_append_without_its_version_adds_nothing(
    app: Flask, store: Store, article: Path
) -> None:
    """A script posting the form, or a page kept from before it carried one."""
    request_id = resolved(app, "Switch the client to TCP 443.")
    cora = agent(app, "cora")
    action = f"/requests/{request_id}/article/append"
    page = text_of(cora.get(f"/requests/{request_id}"))
    unversioned = {k: v for k, v in form_fields(page, action).items() if k != "version"}
    answer = cora.post(action, data=unversioned)
    assert MISSING in refused_page(cora, answer, "articles")
    assert article.read_text(encoding="utf-8") == ARTICLE_TEXT
    assert store.get_request(request_id).linked_articles == []


def test_a_second_click_adds_the_answer_once(app: Flask, store: Store, article: Path) -> None:
    answer = "Switch the client to TCP 443."
    request_id = resolved(app, answer)
    cora, url = agent(app, "cora"), f"/requests/{request_id}"
    page = text_of(cora.get(url))
    clicks = [send(cora, page, f"{url}/article/append") for _ in range(2)]
    assert [click.status_code for click in clicks] == [303, 303]
    assert sections(article, answer) == 1
    assert store.get_request(request_id).linked_articles == [ARTICLE]
    assert f"The answer is already in {ARTICLE}" in text_of(cora.get(url))


def test_a_requester_posting_turn_into_an_article_is_refused(app: Flask, store: Store) -> None:
    """With a draft in place, the form was answered for anyone who could read
    the request: a requester's post came back as a second click would (303,
    "the draft exists") instead of being refused."""
    request_id = resolved(app)
    ivan = agent(app, "ivan")
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    assert send(ivan, text_of(ivan.get(url)), action).status_code == 303
    [drafted] = store.get_request(request_id).linked_articles
    emma = app.test_client()
    token = sign_in_as(emma, "emma")
    version = str(store.get_request(request_id).version)
    refused = emma.post(action, data={"csrf_token": token, "version": version})
    assert refused.status_code == 403
    assert "already has the draft" not in text_of(emma.get(url))
    assert store.get_request(request_id).linked_articles == [drafted]
