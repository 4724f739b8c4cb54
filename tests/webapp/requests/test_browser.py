"""From an unanswered search to a published, indexed article, in real headless Chromium.

An employee searches, finds no answer and asks the suggested department; an
agent of that department (a second browser context) replies and resolves;
the employee sees the answer; the agent turns it into a draft article; a
content owner publishes it; the indexer runs; the same question now finds the
new article. The app serves a tmp copy of the sample content and of its
index (updated incrementally after publishing), with the real engine, over a
werkzeug server thread. Waits are on conditions, never fixed sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kb.accounts.service import add_user
from kb.settings import Settings
from tests.webapp.test_browser import (
    OUTPUT,
    LiveServer,
    Tab,
    _open,
    _serve,
    browser,  # noqa: F401 - a fixture, used by name
    sample_copy,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Unanswered on the sample content (no article is about pets) and routed to one
# department with a confidence above route_threshold.
QUESTION = "Can I bring my dog to the office?"
DESCRIPTION = "My dog is quiet and would stay under my desk on Fridays."
REPLY = "Thanks for asking, we are checking the house rules."
RESOLUTION = (
    "Dogs are welcome in the office on Fridays when they are registered with Facilities "
    "beforehand and stay at your desk; guide dogs are welcome every day."
)


@pytest.fixture(scope="module")
def flow(
    sample_index: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    settings = sample_copy(
        sample_index, tmp_path_factory.mktemp("request-flow"), "browser-request-tests"
    )
    yield from _serve(settings, embedder)


def sign_in(tab: Tab, live: LiveServer, username: str) -> None:
    from playwright.sync_api import expect

    page = tab.page
    # In English whatever language the account picked in an earlier test: a
    # signed-in page follows the account's language when the browser has none.
    page.goto(live.url + "/auth/sign-in?hl=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-secret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_unanswered_question_becomes_an_indexed_article(
    browser: Any,  # noqa: F811 - the fixture imported above
    flow: LiveServer,
    embedder: Any,
) -> None:
    from playwright.sync_api import expect

    from webapp.services import services

    store = flow.store
    add_user(store, "erik", "employee", password="erik-secret")
    employee = _open(browser)
    page = employee.page

    # 1. The search finds no answer and offers the department it suggests.
    page.goto(flow.url + "/")
    box = page.get_by_role("combobox", name="Search the knowledge base")
    box.fill(QUESTION)
    box.press("Enter")
    expect(page.locator(".unanswered")).to_be_visible()
    search = store.search_events()[-1]
    assert search.answered is False and search.department
    department = search.department
    assert search.department_confidence >= float(services(flow.app).settings.route_threshold)
    offer = page.locator(".unanswered a.ask-link")
    department_name = offer.inner_text().removeprefix("Ask ")

    # 2. Asking needs sign-in; afterwards the form is prefilled from the search.
    offer.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("erik")
    page.get_by_label("Password").fill("erik-secret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=f"Ask {department_name}")).to_be_visible()
    expect(page.get_by_label("Your question")).to_have_value(QUESTION)
    expect(page.get_by_label("Send to")).to_have_value(department)

    # 3. Describing the need suggests articles again; the employee goes on anyway.
    page.get_by_label("Details (optional)").fill(DESCRIPTION)
    suggestions = page.locator(".ask-suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.locator("li a").first).to_be_visible()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "request-ask-form.png"), full_page=True)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    request_id = int(re.search(r"/requests/(\d+)$", page.url).group(1))  # type: ignore[union-attr]
    filed = store.get_request(request_id)
    assert (filed.department, filed.query, filed.description) == (department, QUESTION, DESCRIPTION)
    assert (filed.suggestions_shown, filed.went_on_anyway) == (True, True)
    assert filed.search_id == search.id

    # 4. The request is in the department's queue; its agent replies and resolves.
    add_user(store, "fiona", "agent", department, password="fiona-secret")
    agent = _open(browser)
    sign_in(agent, flow, "fiona")
    agent.page.get_by_role("link", name="Queue").click()
    expect(agent.page.get_by_role("heading", name=f"Queue: {department_name}")).to_be_visible()
    agent.page.get_by_role("link", name=QUESTION).click()
    agent.page.get_by_label("Reply to the requester").fill(REPLY)
    agent.page.get_by_role("button", name="Send reply").click()
    expect(agent.page.locator(".flash")).to_have_text("Your reply has been sent.")
    agent.page.get_by_label("Answer", exact=True).fill(RESOLUTION)
    agent.page.get_by_role("button", name="Resolve with this answer").click()
    expect(agent.page.locator(".flash")).to_have_text("The request is resolved.")
    agent.page.screenshot(path=str(OUTPUT / "request-agent-page.png"), full_page=True)

    # 5. The employee sees the conversation and the answer.
    page.reload()
    expect(page.locator(".conversation")).to_contain_text(REPLY)
    expect(page.locator(".resolution")).to_contain_text(RESOLUTION)
    expect(page.locator(".status").first).to_have_text("Resolved")

    # 6. The agent turns the answer into a draft article.
    agent.page.get_by_role("button", name="Turn into an article").click()
    expect(agent.page.locator(".flash")).to_contain_text("Draft article written:")
    article_id = agent.page.locator(".flash").inner_text().rsplit(": ", 1)[1]
    assert article_id.startswith(f"{department}/") and article_id.endswith(".md")
    assert "status: draft" in (flow_content(flow) / article_id).read_text(encoding="utf-8")

    # 7. A content owner of the department publishes it.
    add_user(store, "otto", "content_owner", department, password="otto-secret")
    owner = _open(browser)
    sign_in(owner, flow, "otto")
    owner.page.goto(flow.url + "/requests/drafts/")
    owner.page.get_by_role("link", name=re.compile(re.escape(QUESTION))).click()
    owner.page.get_by_role("button", name="Publish").click()
    expect(owner.page.locator(".flash")).to_contain_text("The article is published.")
    expect(owner.page.locator(".article-status")).to_have_text("Published")

    # 8. The index worker picks it up; the same question finds the new article.
    worker = services(flow.app).index_worker
    assert worker is not None and worker.wait_idle(60), worker and worker.last_error
    page.goto(flow.url + "/")
    box = page.get_by_role("combobox", name="Search the knowledge base")
    box.fill(QUESTION)
    box.press("Enter")
    top = page.locator(".result a.result-link").first
    expect(top).to_have_attribute("data-article", article_id)
    # Whether it counts as answered depends on the engine's confidence threshold;
    # when it does, the answer comes from the new article.
    answer = page.locator(".answer-card a.result-link")
    if answer.count():
        expect(answer).to_have_attribute("data-article", article_id)
    assert store.search_events()[-1].result_ids[0] == article_id
    page.screenshot(path=str(OUTPUT / "request-flow-answered.png"), full_page=True)

    for tab in (employee, agent, owner):
        tab.page.context.close()
        assert tab.errors == []  # no script errors, no CSP violations


def flow_content(live: LiveServer) -> Any:
    from webapp.services import services

    return services(live.app).settings.content_path
