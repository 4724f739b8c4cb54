"""The "No results" figure: searches that showed no article, among all searches.

A walkthrough read "No results 0 %" while searches without results had been
made. The share counted was right (the API's `zero_result_rate`); the page
rounded a share under half a percent to "0 %", which reads as none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.events import SearchEvent
from kb.insights.charts import percent_text
from kb.store.protocols import Store
from tests.support import earlier_today, sign_in_as


def _log(store: Store, empty: int, found: int) -> None:
    now = earlier_today()  # counted under today's date, whatever the hour
    for n in range(empty + found):
        ids = [] if n < empty else ["it/vpn.md"]
        store.log_search(
            SearchEvent(
                query=f"question {n}",
                answered=bool(ids),
                user=f"u{n}",
                person=f"p{n}",
                department="it",
                ts=now,
                result_ids=ids,
            )
        )


def _card(page: str, name: str) -> str:
    found = re.search(
        rf'data-figure="{name}">\s*<span class="figure-name">[^<]*</span>\s*'
        r'<span class="figure-value">([^<]*)</span>',
        page,
    )
    assert found is not None, name
    return found.group(1)


@pytest.fixture
def anna(store: Store, people: dict[str, Any]) -> None:
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)


@pytest.mark.usefixtures("anna")
def test_searches_without_results_are_counted_on_the_page_and_in_the_api(
    client: FlaskClient, store: Store
) -> None:
    _log(store, empty=2, found=3)
    sign_in_as(client, "anna")
    body = client.get("/api/insights/overview").get_json()
    assert (body["searches"], body["zero_result_rate"]) == (5, 0.4)
    assert _card(client.get("/insights/").get_data(as_text=True), "zero_result_rate") == "40 %"


@pytest.mark.usefixtures("anna")
def test_a_few_searches_without_results_never_read_as_none(
    client: FlaskClient, store: Store
) -> None:
    _log(store, empty=1, found=249)
    sign_in_as(client, "anna")
    body = client.get("/api/insights/overview").get_json()
    assert body["zero_result_rate"] == 0.004  # the exact share stays the API's
    page = client.get("/insights/").get_data(as_text=True)
    assert _card(page, "zero_result_rate") == "&lt; 1 %"
    assert _card(page, "answered_rate") == "&gt; 99 %"


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (0.0, "0 %"),
        (0.004, "< 1 %"),
        (0.005, "< 1 %"),
        (0.0051, "1 %"),
        (0.4, "40 %"),
        (0.996, "> 99 %"),
        (1.0, "100 %"),
    ],
)
def test_a_share_is_written_as_a_whole_percentage_that_never_hides_a_few(
    share: float, shown: str
) -> None:
    assert percent_text(share) == shown
