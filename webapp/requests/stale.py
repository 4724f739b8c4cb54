"""The stale-page check of the request page's forms and the queue's bulk form.

A form that changes a request carries the version its page showed (a hidden
`version`; on the queue's bulk form one `version_<id>` per request). When
the request has changed since the page was rendered, the change is not
applied and the reader is sent back to the page (`webapp.requests.acting`):
as the request is now, with a message that someone else changed it, and
what was typed still in the form (409 where the page is the form's answer).
The JSON API does the same with `If-Match` and 412.

The version is untrusted input: anything but a whole number from 1 (text,
a sign, a number beyond the store's range) is a 400 naming the field, never
a 500. A form without it (a page cached from before this check, a script
that posts the form) is refused too, as the article editor refuses one: it
could undo a change its sender never saw. The page comes back as the
request is now, saying so, with what was typed kept and the version in
the form, so sending it again works; nothing is applied. (The JSON API
keeps its documented rule: a PATCH without `If-Match` applies to the
current version; a client states that by leaving the header out.) The
forms about who follows a request and publishing its article carry no
version: they change nothing the page showed of the request for them to
contradict. "Turn into an article" and "Add to an article" do: the text
they write is the resolution the page showed.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request

from kb.accounts.records import User
from kb.requests.ledger import StaleRequestError
from kb.requests.service import RequestService
from webapp.i18n import gettext
from webapp.inputs import invalid
from webapp.preconditions import version_of

STALE_STATUS = 409  # a page of a form, not an If-Match: Conflict


def form_version(name: str = "version") -> int | None:
    """The version a form says its page showed; None when it says none."""
    return version_of(request.form.get(name), "version")


def refuse_stale(service: RequestService, actor: User, request_id: int) -> None:
    """StaleRequestError when the request is no longer at the form's version.

    Checked before the change is made: it catches what changed while the page
    was open (minutes); two saves in the same instant are still each checked
    again on the fresh request by the store's own version check."""
    current = service.get(actor, request_id).version  # first: unknown to whom may not see it
    seen = page_version()
    if current != seen:
        raise StaleRequestError(request_id, seen, current)


def page_version() -> int:
    """The version the form says its page showed; a 400 naming `version` when it
    says none (read it after the request, so that who may not see it gets a 404)."""
    seen = form_version()
    if seen is None:
        raise invalid(
            "version",
            "the form did not say which version of the request it was sent from, so "
            "nothing was changed; send it again from the request's page",
            key="request_version_needed",
        )
    return seen


def bulk_versions(ids: Iterable[int]) -> dict[int, int]:
    """The version the queue page showed of each chosen request (`version_<id>`);
    a 400 naming those without one, and then nothing is changed."""
    found, missing = {}, []
    for request_id in ids:
        seen = form_version(f"version_{request_id}")
        if seen is None:
            missing.append(request_id)
        else:
            found[request_id] = seen
    if missing:
        named = ", ".join(f"#{i}" for i in missing)
        raise invalid(
            "version",
            f"the queue page did not say which version of {named} it showed, so nothing "
            "was changed; apply the change again from the queue",
            key="bulk_version_needed",
            values={"ids": named},
            ids=missing,
        )
    return found


def stale_message(request_id: int) -> str:
    """What the reader is told: someone else changed it; nothing of theirs is lost."""
    text = gettext("changed_while_open", id=request_id)
    if any(f.filename for f in request.files.getlist("files")):
        text += " " + gettext("changed_files_again")
    return text
