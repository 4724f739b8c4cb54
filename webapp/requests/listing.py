"""Pages of request lists in the browser: My requests and the department queues.

Both are cut into pages in the database by cursor (`kb.requests.paging`), as
the JSON API pages them: a page's "Older"/"Next" link carries the cursor of
its last request and every other query argument of the page (the queue's
status, overdue and search filters), so following it keeps what was
filtered, without JavaScript. A cursor is checked for length here and for
shape by `PageKey.decode`; either failure is a 400 naming `cursor`.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from kb.requests.paging import Page
from webapp.inputs import too_long

# My requests shows this many, newest first: a screen or two of a table.
MINE_PAGE = 25
# A cursor this app gives out is about 120 characters.
MAX_CURSOR_CHARS = 200


def cursor_arg() -> str | None:
    """The `cursor` of the page asked for; None for the first page."""
    cursor = (request.args.get("cursor") or "").strip() or None
    if cursor is not None and len(cursor) > MAX_CURSOR_CHARS:
        raise too_long("cursor", len(cursor), MAX_CURSOR_CHARS)
    return cursor


def page_url(endpoint: str, cursor: str | None = None, **values: Any) -> str:
    """This page's URL with its query arguments, at the page `cursor` names
    (the first page without one)."""
    args: dict[str, Any] = {
        k: v for k, v in request.args.to_dict(flat=False).items() if k != "cursor"
    }
    return url_for(endpoint, **values, **args, cursor=cursor)


def page_links(page: Page[Any], endpoint: str, **values: Any) -> tuple[str | None, str | None]:
    """(the next page's URL or None on the last, the first page's URL or None on it)."""
    following = None
    if page.next_key is not None:
        following = page_url(endpoint, page.next_key.encode(), **values)
    first = page_url(endpoint, **values) if request.args.get("cursor") else None
    return following, first
