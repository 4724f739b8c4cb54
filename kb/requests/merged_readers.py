"""What the requester of a duplicate merged into a request reads of that request.

Merging request D (Emma's) into request T (Olga's) makes Emma a watcher of T,
so that she follows the answer her question gets there: T's status, the
replies of the people working it, its resolution, and what she writes there
herself. Emma did not file T, and Olga did not choose to share it: T's
description, its form's fields, Olga's replies and files, her rating and the
search she filed it from are Olga's, and the other watchers and merged
requesters are other people. A *merged reader* (someone who reads T only
because a merge made them a watcher: not its requester, an agent of its queue
or tasks, or a content owner of its department) gets T as `withhold` leaves
it, the history `entries` keeps and the files `attachments` keeps, wherever
T is read (the request page, the JSON API, file downloads) and mailed
(`kb.notify.notifier`, `hears`).

Their own description and files stay on D, which they read as before.

A request filed with a form has titles made of the values its requester
filled in (`kb.catalogue.templates.fill`): its own ("Onboarding Jana Fischer,
starts 2027-01-04") and its tasks' ("Laptop for Jana Fischer"). A merged
reader reads such a request under the question of their own duplicate, and
each of its tasks by its number, department and status, without its title
(`tasks`, `entry_shown`), on the page, in the API, its history and its mails.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from kb.accounts.records import User
from kb.attachments.records import Attachment
from kb.requests import permissions
from kb.requests.records import Request, RequestEntry, RequestTask

# The request's fields a merged reader does not get: the JSON API answers them
# as null (`kb.requests.serialize`), the page leaves them out.
WITHHELD = (
    "requester",
    "description",
    "fields",
    "search_id",
    "search_query",
    "suggestions_shown",
    "went_on_anyway",
    "rating",
    "rating_comment",
    "rated_at",
)


def is_merged_reader(
    actor: User,
    request: Request,
    merged_requesters: Collection[str],
    task_departments: Iterable[str] = (),
) -> bool:
    """True when `actor` filed a duplicate merged into `request` (`merged_requesters`,
    `Ledger.merged_requesters`) and no role of theirs lets them read it in full.
    (Once they stopped watching, they read it no more; what an unwatch answers
    them is still withheld.)"""
    if actor.username not in merged_requesters:
        return False
    return not (
        permissions.is_requester(actor, request)
        or permissions.works_queue(actor, request.department)
        or permissions.owns_content(actor, request.department)
        or any(permissions.works_queue(actor, d) for d in task_departments)
    )


def titled_by_form(request: Request) -> bool:
    """True when `request` was filed with a form: its title and its tasks' titles
    may name the values its requester filled in."""
    return bool(request.fields)


def withhold(request: Request, reader: str, own_query: str = "") -> Request:
    """`request` as its merged reader `reader` gets it: the fields of `WITHHELD`
    emptied and named in `withheld`, the watchers only themselves; a request
    filed with a form under `own_query`, the question of the reader's duplicate
    (else its type), not its own title. Never saved (`Ledger` refuses a request
    with `withheld`)."""
    query = request.query
    if titled_by_form(request):
        query = own_query or request.request_type or f"#{request.id}"
    return replace(
        request,
        query=query,
        requester="",
        description="",
        fields={},
        search_id=None,
        search_query="",
        suggestions_shown=False,
        went_on_anyway=False,
        rating=None,
        rating_comment="",
        rated_at=None,
        watchers=[w for w in request.watchers if w == reader],
        self_watchers=[],
        withheld=WITHHELD,
    )


def others(request: Request, merged_requesters: Iterable[str], reader: str) -> set[str]:
    """Whose words on `request` its merged reader `reader` does not read: its
    requester's and the other merged requesters'."""
    return ({request.requester} | set(merged_requesters)) - {reader}


def hears(
    entry: RequestEntry, request: Request, merged_requesters: Iterable[str], reader: str
) -> bool:
    """Whether the merged reader `reader` reads (and is mailed) `entry`, one their
    role as a watcher lets them read: not what the requester or another merged
    requester wrote or did (their replies and files, ratings, closing), nor who
    else was made a watcher."""
    if entry.actor in others(request, merged_requesters, reader):
        return False
    if entry.kind == "watchers":
        return reader in (entry.data.get("added"), entry.data.get("removed"))
    return True


def entries(
    found: Iterable[RequestEntry], request: Request, merged_requesters: Iterable[str], reader: str
) -> list[RequestEntry]:
    """The entries of `found` (those a watcher reads) the merged reader reads,
    as `entry_shown` shows them."""
    merged = set(merged_requesters)
    return [entry_shown(e, request) for e in found if hears(e, request, merged, reader)]


def entry_shown(entry: RequestEntry, request: Request) -> RequestEntry:
    """`entry` as a merged reader reads it: a task's entry of a request filed
    with a form names the task by its number and department, its title null."""
    if entry.kind == "task" and "title" in entry.data and titled_by_form(request):
        return replace(entry, data={**entry.data, "title": None})
    return entry


def tasks(found: Iterable[RequestTask], request: Request) -> list[RequestTask]:
    """The tasks of `request` as a merged reader reads them: of a request filed
    with a form, without their titles (`title_withheld`); their departments,
    statuses, holders and due dates as they are."""
    if not titled_by_form(request):
        return list(found)
    return [replace(t, title="", title_withheld=True) for t in found]


def attachments(
    found: Iterable[Attachment],
    request: Request,
    merged_requesters: Iterable[str],
    reader: str,
    readable: Iterable[RequestEntry],
) -> list[Attachment]:
    """The files of `found` the merged reader reads: those of the entries they
    read (`readable`, from `entries`); a file of no entry by who uploaded it."""
    kept = {e.id for e in readable}
    hidden = others(request, merged_requesters, reader)
    return [
        a
        for a in found
        if (a.entry_id in kept if a.entry_id is not None else a.uploaded_by not in hidden)
    ]
