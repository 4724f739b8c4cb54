"""Pages of request lists in the browser: My requests, the department queues
(their requests and, paged apart, their tasks) and the drafts to publish.

Each is cut into pages in the database by cursor (`kb.requests.paging`), as
the JSON API pages them: a page's "Older"/"Next" link carries the cursor of
its last row and every other query argument of the page (the queue's
status, overdue and search filters, and the other list's cursor on a queue
page), so following it keeps what was filtered and where the other list
stood, without JavaScript. A cursor is checked for length here and for
shape by `PageKey.decode` or `TaskKey.decode`; either failure is a 400
naming it.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from kb.accounts.records import User
from kb.requests.paging import Page, Paging
from kb.requests.records import Request
from kb.requests.service import RequestService
from kb.requests.tasks import Progress
from webapp.inputs import too_long

# My requests shows this many, newest first: a screen or two of a table; so
# do a queue's task list (its own cursor, `task_cursor`) and the drafts page.
MINE_PAGE = 25
TASK_PAGE = 25
TASK_CURSOR = "task_cursor"
# A cursor this app gives out is about 120 characters.
MAX_CURSOR_CHARS = 200


def cursor_arg(name: str = "cursor") -> str | None:
    """The cursor (`name`) of the page asked for; None for the first page."""
    cursor = (request.args.get(name) or "").strip() or None
    if cursor is not None and len(cursor) > MAX_CURSOR_CHARS:
        raise too_long(name, len(cursor), MAX_CURSOR_CHARS)
    return cursor


def page_url(
    endpoint: str, cursor: str | None = None, *, cursor_name: str = "cursor", **values: Any
) -> str:
    """This page's URL with its query arguments, at the page `cursor` names
    (the first page without one) of the list paged by `cursor_name`. Arguments
    named like `url_for`'s own (`endpoint`, `_anchor`, `_scheme`…) or like a part
    of the path (`department`) are left out: passed on they broke the page (500)."""
    args: dict[str, Any] = {
        k: v
        for k, v in request.args.to_dict(flat=False).items()
        if k != cursor_name and k != "endpoint" and not k.startswith("_") and k not in values
    }
    args[cursor_name] = cursor
    return url_for(endpoint, **values, **args)


def page_links(
    page: Page[Any], endpoint: str, *, cursor_name: str = "cursor", **values: Any
) -> tuple[str | None, str | None]:
    """(the next page's URL or None on the last, the first page's URL or None on it)."""
    following = None
    if page.next_key is not None:
        following = page_url(endpoint, page.next_key.encode(), cursor_name=cursor_name, **values)
    first = page_url(endpoint, cursor_name=cursor_name, **values)
    return following, first if request.args.get(cursor_name) else None


def own_rows(
    service: RequestService, actor: User, paging: Paging
) -> tuple[Page[Request], list[tuple[Request, Progress | None]]]:
    """A page of `actor`'s own requests, newest first, each with the progress of
    its value stream (None for a plain request), read in one query."""
    page = service.page_mine(actor, paging)
    progress = service.progress_of(actor, [item for item in page.items if item.workflow])
    return page, [(item, progress.get(item.id or 0)) for item in page.items]
