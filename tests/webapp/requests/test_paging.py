"""My requests and the department queues a page at a time, without JavaScript:
the "Older"/"Next" links carry a cursor and keep the page's filters."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.requests.service import RequestService
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from webapp.requests.listing import MAX_CURSOR_CHARS, MINE_PAGE

pytestmark = pytest.mark.usefixtures("people")


def filed(settings: Settings, store: Store, count: int, who: str = "emma") -> list[int]:
    """`count` requests of `who` to IT, oldest first."""
    service = RequestService.from_settings(settings, store)
    ids = []
    for n in range(count):
        made = service.submit(User(username=who), f"Printer {n} jams", department="it")
        assert made.id is not None
        ids.append(made.id)
    return ids


def shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td data-label="No.">#(\d+)</td>', html)]


def link(html: str, label: str = "[^<]*", attrs: str = "[^>]*") -> str | None:
    """Where the first link reading `label` (with `attrs`) goes."""
    found = re.search(rf'<a href="([^"]+)"{attrs}>{label}</a>', html)
    return None if found is None else found[1].replace("&amp;", "&")


def next_link(html: str) -> str | None:
    return link(html, attrs=' rel="next"')


def test_my_requests_come_a_page_at_a_time_newest_first(
    client: FlaskClient, settings: Settings, store: Store
) -> None:
    ids = filed(settings, store, MINE_PAGE + 2)
    filed(settings, store, 1, who="olga")  # somebody else's: never listed
    sign_in_as(client, "emma")
    html = text_of(client.get("/requests/"))
    newest_first = list(reversed(ids))
    assert shown(html) == newest_first[:MINE_PAGE]
    assert f"Requests 1 to {MINE_PAGE} of {MINE_PAGE + 2}" in html
    assert "Older requests" in html and "Newest requests" not in html
    following = next_link(html)
    assert following is not None and "cursor=" in following
    # A request filed meanwhile pushes nothing off the next page.
    filed(settings, store, 1)
    rest = text_of(client.get(following))
    assert shown(rest) == newest_first[MINE_PAGE:]
    assert next_link(rest) is None and "Newest requests" in rest
    # One more newest first: these are now the 27th and 28th.
    assert f"Requests {MINE_PAGE + 2} to {MINE_PAGE + 3} of {MINE_PAGE + 3}" in rest


def test_one_page_of_my_requests_shows_no_links(
    client: FlaskClient, settings: Settings, store: Store
) -> None:
    filed(settings, store, 2)
    sign_in_as(client, "emma")
    html = text_of(client.get("/requests/"))
    assert len(shown(html)) == 2 and 'class="pagination"' not in html


def test_my_requests_in_german_page_too(
    client: FlaskClient, settings: Settings, store: Store
) -> None:
    filed(settings, store, MINE_PAGE + 1)
    sign_in_as(client, "emma")
    html = text_of(client.get("/requests/", headers={"Accept-Language": "de"}))
    assert "Ältere Anfragen" in html


@pytest.mark.parametrize(
    "cursor", ["nonsense", "x" * (MAX_CURSOR_CHARS + 1), "WzEsImR1ZSIsbnVsbCwieCIsMV0"]
)
def test_a_broken_cursor_is_a_400_page(client: FlaskClient, cursor: str) -> None:
    sign_in_as(client, "emma")
    assert client.get("/requests/", query_string={"cursor": cursor}).status_code == 400
    sign_in_as(client, "ivan")
    answer = client.get("/requests/queue/it", query_string={"cursor": cursor})
    assert answer.status_code == 400
    # The queue's task list has a cursor of its own, named when it is broken.
    answer = client.get("/requests/queue/it", query_string={"task_cursor": cursor})
    assert answer.status_code == 400 and "task_cursor" in text_of(answer)


def test_the_queue_pages_keep_its_filters_and_search(
    client: FlaskClient, settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.requests import queue

    monkeypatch.setattr(queue, "QUEUE_PAGE", 2)
    ids = filed(settings, store, 3)
    sign_in_as(client, "ivan")
    html = text_of(client.get("/requests/queue/it?status=new&q=invoice"))
    following = next_link(html)
    assert following is not None
    assert "status=new" in following and "q=invoice" in following
    rest = text_of(client.get(following))
    assert shown(rest) == ids[2:]
    first = re.search(r'<a href="([^"]+)">First page</a>', rest)
    assert first is not None and "status=new" in first[1] and "cursor" not in first[1]
    # The bulk form posts back to this page of the queue, with its filters.
    action = re.search(r'<form method="post" action="([^"]+)" class="bulk-form"[^>]*>', rest)
    assert action is not None and "status=new" in action[1] and "cursor=" in action[1]


@pytest.mark.parametrize(
    "argument", ["department=hr", "_anchor=x", "_method=POST", "_scheme=http", "endpoint=x"]
)
def test_an_argument_named_like_the_path_or_url_fors_own_is_left_out(
    client: FlaskClient, settings: Settings, store: Store, argument: str
) -> None:
    """The page links were built by passing every query argument to `url_for`:
    one named like a part of the path (`department` on a queue) or like one of
    `url_for`'s own keywords answered 500. Such an argument is left out of the
    links; the page is served."""
    filed(settings, store, MINE_PAGE + 1)
    sign_in_as(client, "ada")
    for page in ("/requests/queue/it", "/requests/drafts/"):
        assert client.get(f"{page}?{argument}").status_code == 200
    sign_in_as(client, "emma")
    response = client.get(f"/requests/?{argument}")
    assert response.status_code == 200
    older = next_link(text_of(response)) or ""
    name = argument.split("=")[0]
    assert "cursor=" in older
    assert (f"{name}=" in older) is (name == "department")  # a filter of this page
