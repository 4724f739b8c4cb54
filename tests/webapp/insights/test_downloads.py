"""Every insights page's CSV links are downloads, not pages to open."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import sign_in_as


@pytest.mark.parametrize(
    "page", ["/insights/", "/insights/gaps", "/insights/requests", "/insights/content"]
)
def test_each_page_s_csv_links_are_downloads(
    client: FlaskClient, store: Store, people: dict[str, Any], page: str
) -> None:
    """Only the overview's CSV buttons were downloads: on the gaps, requests and
    content pages the browser opened the CSV in place of the page."""
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    html = client.get(f"{page}?hl=en").get_data(as_text=True)
    links = re.findall(r"<a [^>]*href=\"[^\"]*format=csv[^\"]*\"[^>]*>", html)
    assert links, html
    assert all(re.search(r"\sdownload(\s|>|=)", link) for link in links), links


@pytest.mark.parametrize(
    "page", ["/insights/", "/insights/gaps", "/insights/requests", "/insights/content"]
)
def test_each_csv_link_sends_only_what_its_call_takes(
    client: FlaskClient, store: Store, people: dict[str, Any], page: str
) -> None:
    """The pages keep `by` and the gaps' `status` between them; a CSV call that
    takes neither refuses them (`webapp.query_params`), so its link leaves them out."""
    from kb.accounts.service import add_user

    add_user(store, "anna", "analyst", None)
    sign_in_as(client, "anna")
    html = client.get(f"{page}?by=week&status=open&hl=en").get_data(as_text=True)
    links = re.findall(r"href=\"(/api/insights/[^\"]*format=csv[^\"]*)\"", html)
    assert links, html
    for link in links:
        answer = client.get(link.replace("&amp;", "&"))
        assert answer.status_code == 200, (link, answer.get_data(as_text=True))
