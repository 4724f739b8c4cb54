"""The front door, the catalogue's forms and the agents' tools, in real headless Chromium.

An employee starts onboarding from the home page's department card: the form
refuses an empty submission at its fields, then files one request whose tasks
wait in four departments' queues, each naming the new hire and the start
date under its own department's badge. A second employee orders a laptop
with a hostile HTML file attached, which only ever downloads; an IT agent
takes the request with a bulk change, answers with a canned reply filled in
from the form and resolves it; the employee rates the answer, and on a phone
still sees every request's status and due date. The app serves a tmp copy of
the sample content and its index with the real engine, as the other browser
tests do; waits are on conditions, never fixed sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from kb.accounts.service import add_user
from kb.requests.title_dates import dated_title
from kb.settings import Settings
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    OUTPUT,
    LiveServer,
    Tab,
    _open,
    _serve,
    browser,  # noqa: F401 - a fixture, used by name
    sample_copy,
)
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_HIRE = "Jana Fischer"
START = (date.today() + timedelta(days=60)).isoformat()
SHOWN_START = dated_title(START, "en")  # titles show dates as the reader's language writes them
ONBOARDING_QUEUES = {
    "hr": "Employee record, contract and welcome e-mail for Jana Fischer",
    "finance": f"Payroll and cost centre for Jana Fischer, starts {SHOWN_START}",
    "it": f"Laptop for Jana Fischer, starts {SHOWN_START}",
    "facilities": f"Access card, desk and locker for Jana Fischer, starts {SHOWN_START}",
}
REFUSED_FORM = "Failed to load resource: the server responded with a status of 400"
HOSTILE = (
    b"<!doctype html><html><body><script>document.title = 'pwned'; alert(1)</script></body></html>"
)


@pytest.fixture(scope="module")
def live(
    sample_index: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    settings = sample_copy(sample_index, tmp_path_factory.mktemp("front-door"), "browser-tools")
    yield from _serve(settings, embedder)


@pytest.fixture
def tabs(browser: Any) -> Iterator[list[Tab]]:  # noqa: F811 - the fixture imported above
    opened: list[Tab] = []
    yield opened
    for tab in opened:
        tab.page.context.close()
        # No script errors, no CSP violations; a refused form is answered 400 on purpose.
        assert [e for e in tab.errors if not e.startswith(REFUSED_FORM)] == []


def person(browser: Any, live: LiveServer, tabs: list[Tab], name: str, role: str,  # noqa: F811
           department: str | None = None, **options: Any) -> Tab:  # fmt: skip
    add_user(live.store, name, role, department, password=f"{name}-secret")
    tab = _open(browser, **options)
    tabs.append(tab)
    sign_in(tab, live, name)
    return tab


def request_id_of(url: str) -> int:
    found = re.search(r"/requests/(\d+)", url)
    assert found, url
    return int(found.group(1))


def test_onboarding_from_the_front_door_reaches_four_queues(
    browser: Any,  # noqa: F811
    live: LiveServer,
    tabs: list[Tab],
) -> None:
    from playwright.sync_api import expect

    erik = person(browser, live, tabs, "erik", "employee", viewport={"width": 1280, "height": 900})
    page = erik.page
    page.goto(live.url + "/")

    # The departments are a grid of cards, several to a row, without bullets.
    cards = page.locator(".department-card")
    assert cards.count() >= 4
    grid = page.locator(".department-cards")
    assert grid.evaluate("e => getComputedStyle(e).display") == "grid"
    assert grid.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and first["y"] == second["y"] and second["x"] > first["x"]
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "front-door.png"), full_page=True)

    # The HR card serves onboarding; an empty form is refused at its fields.
    page.locator("#home-hr").get_by_role("link", name="Onboarding a new hire").click()
    expect(page.get_by_role("heading", name="Onboarding a new hire")).to_be_visible()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Please check the form")).to_be_visible()
    name_box = page.get_by_label("Name of the new hire")
    expect(name_box).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-field--error .field-error").first).to_be_visible()
    assert page.locator(".form-field--error").count() >= 5
    page.screenshot(path=str(OUTPUT / "onboarding-form-errors.png"), full_page=True)

    name_box.fill(NEW_HIRE)
    page.get_by_label("Start date").fill(START)
    page.get_by_label("Job title").fill("Sales manager")
    page.get_by_label("Department of the team").select_option("finance")
    page.get_by_label("Manager", exact=True).fill("Maria Lopez")
    page.get_by_label("Laptop", exact=True).select_option("standard")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    filed = live.store.get_request(request_id_of(page.url))
    assert filed.fields["new_hire"] == NEW_HIRE and filed.department == "hr"
    expect(page.locator(".request-fields")).to_contain_text(NEW_HIRE)

    # Each department's agent finds its task under its own badge, named for the hire.
    agents: dict[str, Tab] = {}
    for department, title in ONBOARDING_QUEUES.items():
        agent = agents[department] = person(
            browser, live, tabs, f"agent-{department}", "agent", department
        )
        agent.page.goto(f"{live.url}/requests/queue/{department}")
        task = agent.page.locator(".task-item", has_text=title)
        expect(task).to_be_visible()
        expect(task.locator(".badge").first).to_have_text(
            re.compile(agent.page.locator("h1").inner_text().removeprefix("Queue: "))
        )
        expect(agent.page.locator(".empty")).to_have_count(0)
        if department != "hr":  # waits for HR's record, named by its title
            expect(task.locator(".task-waits")).to_contain_text(ONBOARDING_QUEUES["hr"])
        if department == "finance":
            agent.page.screenshot(path=str(OUTPUT / "queue-finance-task.png"), full_page=True)

    # Facilities takes its task ahead of HR's record; its task list then says who has it.
    facilities = agents["facilities"].page
    facilities.get_by_role("link", name=ONBOARDING_QUEUES["facilities"]).click()
    facilities.get_by_role("button", name="Take this task").click()
    expect(facilities.locator(".flash")).to_have_text("You have taken the task.")
    expect(facilities.locator("#tasks .task-assignee")).to_have_text("taken by agent-facilities")
    facilities.goto(f"{live.url}/requests/queue/facilities")
    expect(facilities.locator(".task-item .task-assignee")).to_have_text(
        "taken by agent-facilities"
    )
    # HR is offered no answer the service would refuse: the last task resolves it.
    hr = agents["hr"].page
    hr.goto(f"{live.url}/requests/{filed.id}")
    expect(hr.locator("#resolve-form")).to_have_count(0)
    expect(hr.locator("#resolve-by-tasks")).to_contain_text("(4 still open)")


def test_a_laptop_request_from_file_to_rating(
    browser: Any,  # noqa: F811
    live: LiveServer,
    tabs: list[Tab],
) -> None:
    from playwright.sync_api import expect

    # The employee orders a laptop from the catalogue with a hostile HTML file.
    nina = person(browser, live, tabs, "nina", "employee")
    page = nina.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live.url + "/catalogue/laptop")
    page.get_by_label("For whom").fill("Ali Yilmaz")
    page.get_by_label("Reason").select_option("new")
    page.get_by_label("Model").select_option("standard")
    page.get_by_label("Attach files").set_input_files(
        [{"name": "invoice.html", "mimeType": "text/html", "buffer": HOSTILE}]
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    request_id = request_id_of(page.url)
    link = page.locator("a.attachment-link", has_text="invoice.html").first
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    assert saved is not None and saved.read_bytes() == HOSTILE
    answer = page.context.request.get(live.url + link.get_attribute("href"))
    assert answer.headers["content-disposition"].startswith("attachment")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "text/html" not in answer.headers["content-type"]
    assert dialogs == [] and page.title() != "pwned"

    # A second open request, so that the bulk change has a choice.
    page.goto(live.url + "/catalogue/software")
    page.get_by_label("Software and version").fill("Diagram editor 12")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    other_id = request_id_of(page.url)

    # An IT agent takes both with one bulk change.
    agent = person(browser, live, tabs, "ivan", "agent", "it")
    queue = agent.page
    queue.goto(live.url + "/requests/queue/it")
    queue.get_by_label(f"Select request #{request_id}").check()
    queue.get_by_label(f"Select request #{other_id}").check()
    queue.locator("#bulk-assignee").select_option("ivan")
    queue.locator("#bulk-status").select_option("in_progress")
    queue.get_by_role("button", name="Apply to selected").click()
    expect(queue.locator(".flash")).to_contain_text("2 requests changed")
    for rid in (request_id, other_id):
        changed = live.store.get_request(rid)
        assert (changed.assignee, changed.status.value) == ("ivan", "in_progress")

    # The canned reply is filled in with the requester and the form's values.
    queue.goto(f"{live.url}/requests/{request_id}")
    queue.get_by_label("Canned reply").select_option(label="Laptop ordered")
    queue.get_by_role("button", name="Use in the reply").click()
    reply = queue.get_by_label("Reply to the requester")
    # In the request's language (told from its text), with the form's values filled in.
    expect(reply).to_have_value(re.compile(r"nina.*Ali Yilmaz.*ivan", re.S))
    queue.get_by_role("button", name="Send reply").click()
    expect(queue.locator(".flash")).to_have_text("Your reply has been sent.")
    queue.get_by_label("Answer", exact=True).fill("The laptop is ready at the IT Service Point.")
    queue.get_by_role("button", name="Resolve with this answer").click()
    expect(queue.locator(".flash")).to_have_text("The request is resolved.")

    # The employee reads the reply and rates the answer.
    page.goto(f"{live.url}/requests/{request_id}")
    expect(page.locator(".conversation")).to_contain_text("Ali Yilmaz")
    page.get_by_label("4 of 5").check()
    page.get_by_label("Comment").fill("Quick and clear.")
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator(".rating-shown").first).to_contain_text("Rated 4 of 5")
    rated = live.store.get_request(request_id)
    assert (rated.rating, rated.rating_comment) == (4, "Quick and clear.")

    # On a phone, every request shows its status and due date inside the screen.
    phone = _open(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    tabs.append(phone)
    sign_in(phone, live, "nina")
    phone.page.goto(live.url + "/requests/")
    rows = phone.page.locator(".requests-table tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        for cell in ("Status", "Due"):
            box = rows.nth(i).locator(f'td[data-label="{cell}"]').bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell, box)
    expect(rows.locator(".status").first).to_be_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    phone.page.screenshot(path=str(OUTPUT / "my-requests-phone.png"), full_page=True)

    # So does the agent's queue (the software request is still open there).
    agent_phone = _open(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    tabs.append(agent_phone)
    sign_in(agent_phone, live, "ivan")
    agent_phone.page.goto(live.url + "/requests/queue/it")
    expect(agent_phone.page.locator(".queue-counts")).to_have_text(re.compile(r"^1 request · "))
    row = agent_phone.page.locator(".queue-table tbody tr")
    expect(row).to_have_count(1)
    for cell in ("Status", "Due"):
        box = row.locator(f'td[data-label="{cell}"]').bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell, box)
    expect(row.locator(".status")).to_have_text("In progress")
    assert agent_phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    agent_phone.page.screenshot(path=str(OUTPUT / "queue-phone.png"), full_page=True)


def test_a_canned_reply_joins_what_the_agent_typed(
    browser: Any,  # noqa: F811
    live: LiveServer,
    tabs: list[Tab],
) -> None:
    """Choosing a canned reply reloaded the page and dropped what the agent had
    typed; with a script it now follows the typed text in place, filled in by
    the server as the reload fills it, and without one the reload still works."""
    from playwright.sync_api import expect

    olga = add_user(live.store, "olga", "employee")
    title = 'Printer says <b>"offline"</b> & stops'
    description = "The printer on the second floor stops printing every morning at nine."
    filed = services(live.app).requests.submit(olga, title, description, department="it")
    url = f"{live.url}/requests/{filed.id}"
    filled = (
        f"Hello olga, to help with “{title}” we need the exact error message and, if you "
        "can, a screenshot. Please attach it to this request. paula, IT Services"
    )

    page = person(browser, live, tabs, "paula", "agent", "it").page
    page.goto(url)
    page.evaluate("window.stayed = true")  # a reload or a navigation forgets it
    reply = page.get_by_label("Reply to the requester")
    reply.fill("Thanks, I am looking into it.\n")
    page.get_by_label("Canned reply").select_option(label="Ask for the error message")
    page.get_by_role("button", name="Use in the reply").click()
    expect(reply).to_have_value(f"Thanks, I am looking into it.\n\n{filled}")
    assert page.evaluate("window.stayed") is True and page.url == url
    expect(reply).to_be_focused()
    # An empty box takes the reply as it is.
    reply.fill("")
    page.get_by_role("button", name="Use in the reply").click()
    expect(reply).to_have_value(filled)
    assert page.evaluate("window.stayed") is True and page.url == url

    # Without JavaScript the form reloads the page with the reply in the box.
    plain = _open(browser, java_script_enabled=False)
    tabs.append(plain)
    sign_in(plain, live, "paula")
    plain.page.goto(url)
    plain.page.get_by_label("Canned reply").select_option(label="Ask for the error message")
    plain.page.get_by_role("button", name="Use in the reply").click()
    expect(plain.page).to_have_url(re.compile(r"\?canned=it%2Fneed-more-detail#reply$"))
    expect(plain.page.get_by_label("Reply to the requester")).to_have_value(filled)
