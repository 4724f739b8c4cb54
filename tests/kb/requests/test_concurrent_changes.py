"""Two agents changing one request at the same moment, both from what they read:
with the version they read (the API's `If-Match`, the page's forms) the second
is refused with a conflict that names both versions, and nothing of the first
is lost; without one (whatever is current), the second is applied on top of the
first, re-checked, and both are kept. Both read before either saves: the test
holds each reader until the other has read too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from kb.accounts.records import User
from kb.errors import KbError
from kb.requests.ledger import StaleRequestError
from kb.requests.service import RequestService
from kb.requests.working import RequestChanges
from kb.store.protocols import Store
from tests.support import ADMIN, EMPLOYEE, IT_AGENT


def at_once(
    service: RequestService,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    changes: list[tuple[User, RequestChanges]],
    request_id: int,
) -> list[Any]:
    """Each (agent, change) in a thread of its own, every thread's first read of
    the request held until all have read; what each got (the request or the error)."""
    both_read = threading.Barrier(len(changes))
    reads: dict[int, int] = {}
    plain: Callable[[int], Any] = store.get_request

    def get_request(rid: int) -> Any:
        found = plain(rid)
        me = threading.get_ident()
        reads[me] = reads.get(me, 0) + 1
        if reads[me] == 1:
            both_read.wait(timeout=10)
        return found

    monkeypatch.setattr(store, "get_request", get_request)
    results: list[Any] = [None] * len(changes)

    def run(n: int) -> None:
        actor, change = changes[n]
        try:
            results[n] = service.patch(actor, request_id, change)
        except KbError as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(changes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    monkeypatch.setattr(store, "get_request", plain)
    return results


def test_the_second_of_two_changes_from_one_version_is_refused(
    service: RequestService, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert request.id is not None
    version = request.version
    results = at_once(
        service,
        store,
        monkeypatch,
        [
            (IT_AGENT, RequestChanges(status="in_progress", note="On it", version=version)),
            (ADMIN, RequestChanges(status="waiting_for_requester", version=version)),
        ],
        request.id,
    )
    refused = [r for r in results if isinstance(r, KbError)]
    [saved] = [r for r in results if not isinstance(r, KbError)]
    assert len(refused) == 1 and isinstance(refused[0], StaleRequestError)
    assert refused[0].status == 412
    assert refused[0].details == {
        "id": request.id,
        "your_version": version,
        "current_version": version + 1,
    }
    stored = store.get_request(request.id)
    assert (stored.status, stored.version) == (saved.status, version + 1)
    assert [e.kind for e in store.entries(request.id)] == ["created", "status"]


def test_two_changes_to_whatever_is_current_are_both_kept(
    service: RequestService, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert request.id is not None
    results = at_once(
        service,
        store,
        monkeypatch,
        [
            (IT_AGENT, RequestChanges(assign=True, assignee="ian")),
            (ADMIN, RequestChanges(status="in_progress", note="Looking")),
        ],
        request.id,
    )
    assert not [r for r in results if isinstance(r, KbError)], results
    stored = store.get_request(request.id)
    assert (stored.assignee, stored.status.value) == ("ian", "in_progress")
    assert stored.version == request.version + 2
    kinds = sorted(e.kind for e in store.entries(request.id))
    assert kinds == ["assigned", "created", "status"]
