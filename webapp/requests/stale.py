"""The stale-page check of the request page's forms and the queue's bulk form.

A form that changes a request carries the version its page showed (a hidden
`version`; on the queue's bulk form one `version_<id>` per request). When
the request has changed since the page was rendered, the change is not
applied and the page comes back (409): as the request is now, with a
message that someone else changed it, and what was typed still in the form.
The JSON API does the same with `If-Match` and 412.

The version is untrusted input: anything but a whole number from 1 (text,
a sign, a number beyond the store's range) is a 400 naming the field, never
a 500. A form without it (a page cached from before this check, a script)
changes whatever version is current, as the API without `If-Match`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request

from kb.accounts.records import User
from kb.requests.ledger import StaleRequestError
from kb.requests.service import RequestService
from webapp.i18n import gettext
from webapp.inputs import version_of

STALE_STATUS = 409  # a page of a form, not an If-Match: Conflict


def form_version(name: str = "version") -> int | None:
    """The version a form says its page showed; None when it says none."""
    return version_of(request.form.get(name), "version")


def refuse_stale(service: RequestService, actor: User, request_id: int) -> None:
    """StaleRequestError when the request is no longer at the form's version.

    Checked before the change is made: it catches what changed while the page
    was open (minutes); two saves in the same instant are still each checked
    again on the fresh request by the store's own version check."""
    seen = form_version()
    if seen is None:
        return
    current = service.get(actor, request_id).version
    if current != seen:
        raise StaleRequestError(request_id, seen, current)


def bulk_versions(ids: Iterable[int]) -> dict[int, int]:
    """The version the queue page showed of each chosen request (`version_<id>`)."""
    found = {}
    for request_id in ids:
        seen = form_version(f"version_{request_id}")
        if seen is not None:
            found[request_id] = seen
    return found


def stale_message(request_id: int) -> str:
    """What the reader is told: someone else changed it; nothing of theirs is lost."""
    text = gettext("changed_while_open", id=request_id)
    if any(f.filename for f in request.files.getlist("files")):
        text += " " + gettext("changed_files_again")
    return text
