"""Where a form's answer lands: every redirect after a request page's form (and a
queue's) names a fragment whose element the page it leads to shows.

A browser keeps the posted form's fragment (`…/resolve#resolve-form`) on a
redirect that names none; the page reached after the change may no longer
show that form, and the reader was left at the top with focus nowhere. Each
case posts a form as the page holds it and follows the redirect as a browser
does; a test fails when a form-handling view has no case."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.accounts.service import add_user
from kb.notify.unwatch_links import unwatch_token
from kb.store.protocols import Store
from tests.support import refused_page, text_of
from tests.webapp.requests.test_append_forms import ARTICLE_TEXT
from tests.webapp.requests.test_page_forms import file
from tests.webapp.requests.test_stale_forms import agent, form_fields, resolved
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


@dataclass(frozen=True)
class Post:
    """A form to send: who, from which page, to which action, with what typed."""

    browser: FlaskClient
    page: str
    action: str
    typed: dict[str, Any]


def posted_fragment(page: str, action: str) -> str:
    """The fragment of the first form on `page` posting to `action` ("" for none)."""
    found = re.search(rf'<form [^>]*action="{re.escape(action)}(#[^"]*)?"', page)
    assert found is not None, f"no form posts to {action}"
    return (found.group(1) or "").lstrip("#")


def lands_on(post: Post) -> tuple[str, str]:
    """Send the form; (the page reached, the fragment the browser scrolls to)."""
    answer = post.browser.post(post.action, data=form_fields(post.page, post.action) | post.typed)
    assert answer.status_code == 303, text_of(answer)
    target, _, fragment = answer.headers["Location"].partition("#")
    # The browser's rule: a redirect without a fragment keeps the one posted to.
    fragment = fragment or posted_fragment(post.page, post.action)
    reached = post.browser.get(target)
    assert reached.status_code == 200, target
    return text_of(reached), fragment


def page_of(browser: FlaskClient, request_id: int) -> tuple[FlaskClient, str, str]:
    url = f"/requests/{request_id}"
    return browser, text_of(browser.get(url)), url


def as_agent(app: Flask, name: str, request_id: int, action: str, **typed: Any) -> Post:
    browser, page, url = page_of(agent(app, name), request_id)
    return Post(browser, page, f"{url}/{action}", typed)


def merge_post(app: Flask) -> Post:
    into = file(app.test_client())
    return as_agent(app, "ivan", file(app.test_client()), "merge", into=str(into), note="Same")


def unwatch_self(app: Flask) -> Post:
    """A watcher takes themselves off: they may no longer read the request."""
    request_id = file(app.test_client())
    services(app).requests.watch(User(username="emma"), request_id, "olga")
    return as_agent(app, "olga", request_id, "watchers/remove", username="olga")


def leave_by_link(app: Flask) -> Post:
    """A watcher leaves by the link of their mail, signed in nowhere."""
    request_id = file(app.test_client())
    services(app).requests.watch(User(username="emma"), request_id, "olga")
    token = unwatch_token(str(services(app).settings.secret_key), request_id, "olga")
    visitor = app.test_client()
    page = visitor.get(f"/requests/{request_id}/leave?user=olga&token={token}")
    return Post(visitor, text_of(page), f"/requests/{request_id}/leave", {})


def unwatch_other(app: Flask) -> Post:
    request_id = file(app.test_client())
    services(app).requests.watch(User(username="emma"), request_id, "olga")
    return as_agent(app, "emma", request_id, "watchers/remove", username="olga")


def task_post(app: Flask) -> Post:
    made = services(app).requests.submit(User(username="emma"), "New hire", workflow="onboarding")
    assert made.id is not None
    return as_agent(app, "hanna", made.id, "tasks/1/done", note="Recorded")


def take_post(app: Flask) -> Post:
    made = services(app).requests.submit(User(username="emma"), "New hire", workflow="onboarding")
    assert made.id is not None
    return as_agent(app, "ivan", made.id, "tasks/2/take")


def release_post(app: Flask) -> Post:
    made = services(app).requests.submit(User(username="emma"), "New hire", workflow="onboarding")
    assert made.id is not None
    ivan = services(app).store.get_user("ivan")
    assert ivan is not None
    services(app).requests.holders.take_task(ivan, made.id, 2)
    return as_agent(app, "ivan", made.id, "tasks/2/release")


def hand_over_post(app: Flask) -> Post:
    # The list names colleagues only: IT needs a second agent.
    add_user(services(app).store, "carl", "agent", "it")
    made = services(app).requests.submit(User(username="emma"), "New hire", workflow="onboarding")
    assert made.id is not None
    return as_agent(app, "ivan", made.id, "tasks/2/hand-over", assignee="carl")


def drafted(app: Flask) -> int:
    request_id = resolved(app)
    post = as_agent(app, "cora", request_id, "article")
    assert lands_on(post)[1]
    return request_id


def publish_post(app: Flask) -> Post:
    request_id = drafted(app)
    [article] = services(app).store.get_request(request_id).linked_articles
    return as_agent(app, "cora", request_id, "publish", article=article)


def append_post(app: Flask) -> Post:
    root = services(app).settings.content_path
    (root / "it" / "hostile.md").write_text(ARTICLE_TEXT, encoding="utf-8")
    return as_agent(app, "cora", resolved(app), "article/append")


def bulk_post(app: Flask) -> Post:
    request_id = file(app.test_client())
    browser = agent(app, "ivan")
    page = text_of(browser.get("/requests/queue/it"))
    action = re.search(r'<form method="post" action="([^"]*)" class="bulk-form"', page)
    assert action is not None
    return Post(
        browser,
        page,
        action.group(1).replace("&amp;", "&"),
        {"ids": [str(request_id)], "assignee": "ivan"},
    )


def requester_status(status: str) -> Callable[[Flask], Post]:
    def post(app: Flask) -> Post:
        request_id = resolved(app)
        browser, page, url = page_of(agent(app, "emma"), request_id)
        return Post(browser, page, f"{url}/status", {"status": status})

    return post


# endpoint → cases: (name, the form to send, the element it should land on).
CASES: dict[str, list[tuple[str, Callable[[Flask], Post], str]]] = {
    "requests.comment": [
        (
            "reply",
            lambda a: as_agent(a, "ivan", file(a.test_client()), "comment", text="Hi"),
            "conversation",
        )
    ],
    "requests.rate": [
        ("rating", lambda a: as_agent(a, "emma", resolved(a), "rating", rating="4"), "outcome")
    ],
    "requests.watch": [
        (
            "watch",
            lambda a: as_agent(a, "emma", file(a.test_client()), "watchers", username="olga"),
            "watchers",
        )
    ],
    "requests.unwatch": [("self", unwatch_self, "outcome"), ("other", unwatch_other, "watchers")],
    "requests.leave": [("by the mail's link", leave_by_link, "leave-outcome")],
    "requests.merge": [("merge", merge_post, "outcome")],
    "requests.status": [
        (
            "agent",
            lambda a: as_agent(
                a, "ivan", file(a.test_client()), "status", status="waiting_for_requester"
            ),
            "outcome",
        ),
        ("reopen", requester_status("in_progress"), "outcome"),
        ("close", requester_status("closed"), "outcome"),
    ],
    "requests.assign": [
        (
            "assign",
            lambda a: as_agent(a, "ivan", file(a.test_client()), "assign", assignee="ivan"),
            "outcome",
        )
    ],
    "requests.assign_me": [
        ("me", lambda a: as_agent(a, "ivan", file(a.test_client()), "assign-me"), "outcome")
    ],
    "requests.reassign": [
        (
            "away",
            lambda a: as_agent(
                a, "ivan", file(a.test_client()), "reassign", department="hr", reason="Pay"
            ),
            "outcome",
        ),
        (
            "admin",
            lambda a: as_agent(
                a, "ada", file(a.test_client()), "reassign", department="hr", reason="Pay"
            ),
            "outcome",
        ),
    ],
    "requests.resolve": [
        (
            "resolve",
            lambda a: as_agent(a, "ivan", file(a.test_client()), "resolve", resolution="Use 443."),
            "outcome",
        )
    ],
    "requests.complete_task": [("task", task_post, "tasks")],
    "requests.take_task": [("take", take_post, "tasks")],
    "requests.release_task": [("release", release_post, "tasks")],
    "requests.hand_over_task": [("hand over", hand_over_post, "tasks")],
    "requests.draft_article": [
        ("draft", lambda a: as_agent(a, "cora", resolved(a), "article"), "articles")
    ],
    "requests.append_to_article": [("append", append_post, "articles")],
    "requests.publish_article": [("publish", publish_post, "articles")],
    "queue.bulk": [("bulk", bulk_post, "outcome")],
}


@pytest.mark.parametrize(
    ("case", "make", "expected"),
    [
        pytest.param(n, m, e, id=f"{endpoint}-{n}")
        for endpoint, cs in CASES.items()
        for n, m, e in cs
    ],
)
def test_a_form_s_answer_lands_on_an_element_of_the_page_reached(
    app: Flask, case: str, make: Callable[[Flask], Post], expected: str
) -> None:
    html, fragment = lands_on(make(app))
    assert fragment == expected, case
    found = re.search(rf'<[a-z]+ [^>]*id="{re.escape(fragment)}"[^>]*>', html)
    assert found is not None, f"{case}: no element #{fragment} on the page reached"
    # Focusable, so the browser moves focus there (and shows it to keyboard users).
    assert 'tabindex="-1"' in found.group(0), found.group(0)


def test_every_form_handling_view_has_a_case(app: Flask) -> None:
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
        and rule.endpoint.split(".")[0] in ("requests", "queue")
    }
    assert posting == set(CASES)


def test_a_refused_reply_on_a_merged_duplicate_lands_where_the_form_was(
    app: Flask, store: Store, tmp_path: Path
) -> None:
    """The page comes back at the posted fragment (#reply) with the message, the
    link to the other request and the text typed."""
    duplicate, into = file(app.test_client(), "olga"), file(app.test_client())
    olga = agent(app, "olga")
    page = text_of(olga.get(f"/requests/{duplicate}"))
    ivan = services(app).store.get_user("ivan")
    assert ivan is not None
    services(app).requests.merge(ivan, duplicate, into)  # meanwhile
    action = f"/requests/{duplicate}/comment"
    fields = form_fields(page, action)
    fields["version"] = str(store.get_request(duplicate).version)
    answer = olga.post(action, data=fields | {"text": "Still dropping at 10:02"})
    html = refused_page(olga, answer, "reply")
    assert posted_fragment(page, action) == "reply" and 'id="reply" tabindex="-1"' in html
    assert f"was merged into request #{into}" in html
    assert f'href="/requests/{into}#conversation"' in html
    assert "Still dropping at 10:02" in html  # nothing typed is lost
    assert [e.kind for e in store.entries(duplicate)] == ["created", "merged"]
