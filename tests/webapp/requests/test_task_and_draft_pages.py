"""A queue's task list and the drafts page a page at a time, without JavaScript,
and My requests reading the progress of its value streams in one query; on
SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.requests.records import Request
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.requests.test_paging import link
from webapp.requests import presenters
from webapp.requests.listing import TASK_PAGE
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def onboardings(app: Flask, count: int) -> list[int]:
    """`count` onboarding requests of emma, oldest first: each has an HR task and
    an IT task waiting for it."""
    service = services(app).requests
    ids = []
    for n in range(count):
        made = service.submit(User(username="emma"), f"Onboarding {n}", workflow="onboarding")
        assert made.id is not None
        ids.append(made.id)
    return ids


def task_requests(html: str) -> list[int]:
    """The requests of the task list's tasks, in the order shown."""
    listed = html.split('id="task-queue-h"', 1)[1]
    return [int(n) for n in re.findall(r'href="/requests/(\d+)#tasks"', listed)]


def test_the_task_list_of_a_queue_comes_a_page_at_a_time(app: Flask, client: FlaskClient) -> None:
    ids = onboardings(app, TASK_PAGE + 2)
    sign_in_as(client, "hanna")
    html = text_of(client.get("/requests/queue/hr?status=new&overdue="))
    assert task_requests(html) == ids[:TASK_PAGE]  # equal due dates: by request
    assert f"{TASK_PAGE + 2} tasks" in html
    assert f"Tasks 1 to {TASK_PAGE} of {TASK_PAGE + 2}" in html
    more = link(html, "More tasks")
    assert more is not None and "task_cursor=" in more and more.endswith("#tasks")
    assert "status=new" in more  # the requests' filter is kept
    rest = text_of(client.get(more))
    assert task_requests(rest) == ids[TASK_PAGE:]
    assert link(rest, "More tasks") is None
    first = link(rest, "First tasks")
    assert first is not None and "task_cursor" not in first and "status=new" in first
    # The requests above stay where they were: their own cursor is kept.
    assert f"{TASK_PAGE + 2} requests" in rest


def test_the_two_lists_of_a_queue_page_apart(
    app: Flask, client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.requests import queue

    monkeypatch.setattr(queue, "QUEUE_PAGE", 2)
    onboardings(app, TASK_PAGE + 1)
    sign_in_as(client, "hanna")
    html = text_of(client.get("/requests/queue/hr"))
    more_tasks, more_requests = link(html, "More tasks"), link(html, "Next")
    assert more_tasks is not None and more_requests is not None
    second = text_of(client.get(more_tasks))
    following = link(second, "Next")  # the requests' next page keeps the task page
    assert following is not None and "task_cursor=" in following and "cursor=" in following
    assert task_requests(text_of(client.get(following))) == task_requests(second)


def test_my_requests_read_the_progress_of_a_page_in_one_query(
    app: Flask, client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    onboardings(app, 4)
    calls: list[str] = []
    for name in ("tasks", "tasks_of", "get_request"):
        original = getattr(store, name)

        def counted(*args: object, _name: str = name, _original: object = original) -> object:
            calls.append(_name)
            return _original(*args)  # type: ignore[operator]

        monkeypatch.setattr(store, name, counted)
    sign_in_as(client, "emma")
    html = text_of(client.get("/requests/"))
    assert html.count("0 of 2 done") == 4
    assert calls == ["tasks_of"]


def drafted(store: Store, root: Path, department: str, count: int) -> list[int]:
    """`count` requests of `department`, oldest first, each with a draft article."""
    ids = []
    for n in range(count):
        article = f"{department}/draft-{n}.md"
        (root / article).write_text(
            f"---\ntitle: Draft {n}\nstatus: draft\n---\nText {n}.\n", encoding="utf-8"
        )
        made = store.create_request(
            Request(
                requester="emma",
                query=f"Question {n}",
                department=department,
                linked_articles=[article],
            )
        )
        assert made.id is not None
        ids.append(made.id)
    return ids


def draft_requests(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/requests/(\d+)#articles"', html)]


def test_the_drafts_page_reaches_every_draft(
    client: FlaskClient, store: Store, request_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presenters, "DRAFTS_PAGE", 3)
    monkeypatch.setattr(presenters, "DRAFTS_SCAN_PAGES", 2)
    ids = drafted(store, request_content, "it", 8)
    published = request_content / "it" / "draft-6.md"
    published.write_text(published.read_text().replace("draft", "published"), encoding="utf-8")
    drafted(store, request_content, "hr", 4)  # a department cora does not own: not listed
    sign_in_as(client, "cora")
    seen: list[int] = []
    page = text_of(client.get("/requests/drafts/"))
    while True:
        seen += draft_requests(page)
        following = link(page, "Older requests")
        if following is None:
            break
        page = text_of(client.get(following))
    newest_first = list(reversed(ids))
    assert seen == [i for i in newest_first if i != ids[6]]
    assert "Newest requests" in page


def test_each_draft_opens_in_the_editor_where_the_reader_may_publish_it(
    client: FlaskClient, store: Store, request_content: Path
) -> None:
    """The list named a draft's id as plain text, while the request's own page
    links it to the editor: a content owner had to copy the id to publish it."""
    for article in ("it/draft-a.md", "hr/draft-b.md"):
        (request_content / article).write_text(
            "---\ntitle: A draft\nstatus: draft\n---\nText.\n", encoding="utf-8"
        )
    store.create_request(
        Request(
            requester="emma",
            query="Both",
            department="it",
            linked_articles=["it/draft-a.md", "hr/draft-b.md"],
        )
    )
    sign_in_as(client, "cora")  # a content owner of IT
    page = text_of(client.get("/requests/drafts/"))
    assert 'href="/manage/edit/it/draft-a.md"' in page
    assert "<code>hr/draft-b.md</code>" in page and "/manage/edit/hr/" not in page


def test_a_drafts_page_without_drafts_still_leads_on(
    client: FlaskClient, store: Store, request_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presenters, "DRAFTS_PAGE", 2)
    monkeypatch.setattr(presenters, "DRAFTS_SCAN_PAGES", 1)
    [old] = drafted(store, request_content, "it", 1)
    for _ in range(2):
        store.create_request(
            Request(requester="emma", query="gone", department="it", linked_articles=["it/x.md"])
        )
    sign_in_as(client, "cora")
    page = text_of(client.get("/requests/drafts/"))
    assert draft_requests(page) == [] and "older requests may have some" in page
    following = link(page, "Older requests")
    assert following is not None
    assert draft_requests(text_of(client.get(following))) == [old]


@pytest.mark.parametrize("who", ["ivan", "emma"])
def test_the_drafts_page_tells_who_it_is_for(
    client: FlaskClient, store: Store, request_content: Path, who: str
) -> None:
    """An agent (or an employee) opening the drafts page read "No drafts are
    waiting." while their department's drafts waited for a content owner: the
    page is the content owners' and says so (403, who may and how to get it)."""
    drafted(store, request_content, "it", 1)
    sign_in_as(client, who)
    response = client.get("/requests/drafts/")
    page = text_of(response)
    assert response.status_code == 403
    assert "No drafts are waiting" not in page
    assert "it is for content owners and administrators" in page
    assert "ask an administrator for the role “Content owner”" in page
    sign_in_as(client, "ada")  # admins own every department's content
    assert draft_requests(text_of(client.get("/requests/drafts/"))) != []
    sign_in_as(client, who)
    german = text_of(client.get("/requests/drafts/?hl=de"))
    assert "für Inhaltsverantwortliche und Administrierende" in german


def test_an_agent_of_a_task_is_led_back_to_their_queue(app: Flask, client: FlaskClient) -> None:
    """An IT agent opened an HR onboarding from IT's task list; the page's way back
    read "Back to my requests" and led to a list that does not hold it."""
    (request_id,) = onboardings(app, 1)
    sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert link(page, "← Back to the queue") == "/requests/queue/it"
    sign_in_as(client, "hanna")
    assert link(text_of(client.get(f"/requests/{request_id}")), "← Back to the queue") == (
        "/requests/queue/hr"
    )
    sign_in_as(client, "emma")
    assert link(text_of(client.get(f"/requests/{request_id}")), "← Back to my requests") == (
        "/requests/"
    )


def test_a_content_owner_is_led_back_to_the_drafts(
    client: FlaskClient, store: Store, request_content: Path
) -> None:
    """A content owner opened a request to publish its draft; the page's way back
    read "Back to my requests", a list that does not hold the request."""
    (request_id,) = drafted(store, request_content, "it", 1)
    sign_in_as(client, "cora")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert link(page, "← Back to drafts from requests") == "/requests/drafts/"
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert link(german, "← Zurück zu den Entwürfen aus Anfragen") == "/requests/drafts/"
    sign_in_as(client, "emma")  # the requester's way back stays their own requests
    mine = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert link(mine, "← Back to my requests") == "/requests/"


def test_a_published_article_of_a_request_is_not_called_a_draft(
    client: FlaskClient, store: Store, request_content: Path
) -> None:
    """The editor link beside each article of a request read "Draft: …" after
    the article was published, next to its "Published" badge."""
    (request_id,) = drafted(store, request_content, "it", 1)
    article = request_content / "it" / "draft-0.md"
    article.write_text(article.read_text().replace("status: draft", "status: published"))
    sign_in_as(client, "cora")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert link(page, "Edit: it/draft-0.md") == "/manage/edit/it/draft-0.md"
    assert "Draft: it/draft-0.md" not in page
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert link(german, "Bearbeiten: it/draft-0.md") == "/manage/edit/it/draft-0.md"


def test_the_drafts_page_offers_answered_requests_to_turn_into_articles(
    client: FlaskClient, store: Store, request_content: Path
) -> None:
    """A content owner works no queue (its page is 403 to them) and the drafts
    page listed only drafts already made: the answered requests whose "Turn into
    an article" is theirs could be reached by typing their number alone."""
    from kb.requests.lifecycle import RequestStatus

    def made(department: str, status: RequestStatus, answer: str | None, **more: object) -> int:
        request = store.create_request(
            Request(
                requester="emma",
                query=f"Question {department} {status.value} {answer}",
                department=department,
                status=status,
                resolution=answer,
                **more,  # type: ignore[arg-type]
            )
        )
        assert request.id is not None
        return request.id

    resolved = made("it", RequestStatus.RESOLVED, "Restart the router.")
    made("it", RequestStatus.RESOLVED, "Drafted already.", linked_articles=["it/x.md"])
    made("it", RequestStatus.IN_PROGRESS, None)
    made("it", RequestStatus.RESOLVED, "")  # nothing to write up
    made("hr", RequestStatus.RESOLVED, "Another department's.")
    closed = made("it", RequestStatus.CLOSED, "Use the guest network.")
    sign_in_as(client, "cora")  # a content owner of IT
    page = text_of(client.get("/requests/drafts/"))
    assert 'id="write-up-h"' in page, page
    offered = draft_requests(page.split('id="write-up-h"', 1)[1])
    assert offered == [closed, resolved]  # newest first
    assert "Answered requests without an article" in page
    german = text_of(client.get("/requests/drafts/?hl=de"))
    assert "Beantwortete Anfragen ohne Artikel" in german


def test_a_value_stream_its_tasks_resolved_is_offered_as_an_article(
    app: Flask, client: FlaskClient, store: Store
) -> None:
    """An onboarding (a task for HR, one for IT) its last task resolved offered no
    "Turn into an article", where a request of one department answered by an
    agent does. Its answer is the product's note ("All 2 tasks are done."): the
    draft says the steps the departments took and their notes instead, under
    the value stream's title, without the name of the new hire."""
    from kb.accounts.service import add_user
    from kb.content.markdown_article import parse_article

    add_user(store, "hilde", "content_owner", "hr")
    service = services(app).requests
    made = service.submit(User(username="emma"), "Onboarding Jana Fischer", workflow="onboarding")
    single = service.submit(User(username="emma"), "Where is the payslip?", department="hr")
    assert made.id is not None and single.id is not None
    request_id = made.id
    hanna, ivan = store.get_user("hanna"), store.get_user("ivan")
    assert hanna is not None and ivan is not None
    service.resolve(hanna, single.id, "Payslips are in Workday under Pay.")
    service.complete_task(hanna, request_id, 1, "Contract signed, payroll set up.")
    note = "Jana Fischer picks the laptop up at the service desk. Accounts work from day one."
    service.complete_task(ivan, request_id, 2, note)
    assert store.get_request(request_id).status.value == "resolved"
    sign_in_as(client, "hilde")
    listed = text_of(client.get("/requests/drafts/"))
    assert f"/requests/{request_id}#articles" in listed and f"/requests/{single.id}#" in listed
    sign_in_as(client, "hanna")
    for offered in (single.id, request_id):
        page = text_of(client.get(f"/requests/{offered}?hl=en"))
        assert f'action="/requests/{offered}/article' in page, offered
    assert "All 2 tasks are done." in page  # the page still says so
    path = service.draft_article(hanna, request_id, services(app).settings.content_path)
    article, warnings = parse_article(path.read_bytes(), f"hr/{path.name}")
    assert warnings == [] and path.name == "onboarding-a-new-hire.md"
    assert article.title == "Onboarding a new hire"
    # What the request was about, not its first step's line.
    assert article.summary == (
        "Onboarding a new hire: what Human Resources and IT Service Desk do, step by step."
    )
    assert article.body_markdown.strip() == (
        "**Question:** Onboarding a new hire\n\n"
        "**Answer:** Employee record (Human Resources). Contract signed, payroll set up.\n\n"
        "Accounts and laptop (IT Service Desk). Accounts work from day one."
    )
    assert "Jana" not in path.read_text(encoding="utf-8")
    assert "tasks are done" not in path.read_text(encoding="utf-8")
