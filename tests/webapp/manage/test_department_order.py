"""The department switches of the articles pages and the queue, in the order of
the names the page shows, as every other list of departments is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as


@pytest.fixture
def content(content: Path) -> Path:
    """HR is "Personal" in German: after "IT Service Desk", though its folder comes first."""
    (content / "hr" / "_department.yml").write_text(
        'name: Human Resources\ndisplay_names: {de: "Personal"}\nreview_required: true\n',
        encoding="utf-8",
    )
    return content


# In English the folders' order is the names' order; in German it is not.
ORDERS = pytest.mark.parametrize(
    ("hl", "order"),
    [("en", ["Human Resources", "IT Service Desk"]), ("de", ["IT Service Desk", "Personal"])],
)


def _switch(page: str) -> list[str]:
    """The names of the page's department switch (or list of queues), in order."""
    found = re.search(r'<(nav|ul) class="queue-(switch|list)".*?</\1>', page, re.S)
    assert found, "no department switch on the page"
    return re.findall(r"<a [^>]*>([^<]+)</a>", found.group(0))


@ORDERS
def test_the_article_pages_list_departments_by_their_shown_name(
    client: FlaskClient, hl: str, order: list[str]
) -> None:
    """In German the admin's tabs read "Personal", "IT Service Desk": the
    folders' order, not the names'."""
    sign_in_as(client, "ada")
    assert _switch(client.get(f"/manage/?hl={hl}").get_data(as_text=True)) == order


@ORDERS
def test_the_queue_lists_departments_by_their_shown_name_triage_last(
    client: FlaskClient, hl: str, order: list[str]
) -> None:
    sign_in_as(client, "ada")
    for path in ("/requests/queue/", "/requests/queue/hr"):
        shown = _switch(client.get(f"{path}?hl={hl}").get_data(as_text=True))
        assert shown[:-1] == order and len(shown) == 3, path  # the triage queue last
