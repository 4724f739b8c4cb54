"""A request a signed-in account files for itself while an administrator removes
that account, on SQLite and PostgreSQL: the request is filed and moved with
the account's other requests to `ann (removed)`, or refused with
`requester_gone`; never left under the bare name for the next account called
`ann` to inherit. A requester named by text alone (no account) files as before."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event

from kb.accounts.records import Grant, Role, User, removed_label
from kb.errors import ConflictError
from kb.requests.records import Request
from kb.requests.service import RequestService
from kb.requests.submission import NewRequest
from kb.store.protocols import Store

ANN = User(username="ann", grants=[Grant(role=Role.EMPLOYEE)])


@pytest.fixture
def ann(store: Store) -> User:
    """ann's account as the web read it when she signed in (with its person key)."""
    store.add_user(ANN)
    found = store.get_user("ann")
    assert found is not None and found.person_key
    return found


def _file(store: Store, account: User | None, query: str = "VPN down") -> Request:
    return store.create_request(
        Request(requester="ann", query=query, department="it"), account=account
    )


def _inherited(store: Store) -> list[Request]:
    """What a new account called ann finds as hers."""
    store.add_user(User(username="ann", grants=[Grant(role=Role.EMPLOYEE)]))
    return store.list_requests(requester="ann")


def test_a_request_of_a_removed_account_is_refused_and_files_nothing(
    store: Store, ann: User
) -> None:
    store.remove_user("ann", actor="root")
    with pytest.raises(ConflictError) as refused:
        _file(store, ann)
    assert refused.value.key == "requester_gone"
    assert "sign in again" in refused.value.message
    assert store.list_requests() == []
    assert _inherited(store) == []


def test_a_request_of_an_account_removed_and_created_again_is_refused(
    store: Store, ann: User
) -> None:
    """Another ann now holds the name: a session of the first one files nothing
    as her."""
    store.remove_user("ann", actor="root")
    store.add_user(User(username="ann", grants=[Grant(role=Role.EMPLOYEE)]))
    with pytest.raises(ConflictError, match="removed or renamed"):
        _file(store, ann)
    assert store.list_requests() == []


def test_a_requester_named_by_text_alone_is_not_checked(store: Store) -> None:
    filed = _file(store, None)
    assert filed.id is not None and store.get_request(filed.id).requester == "ann"


def _in_the_middle(store: Store, first: str, mine: Any, second: Any) -> tuple[Any, Any]:
    """Run `mine` here; the moment it is about to run a statement starting with
    `first` (its checks done, nothing committed), run `second` in a thread of
    its own and wait for it a little, as long as the database lets it go on.
    What each returned or raised."""
    engine = store.engine  # type: ignore[attr-defined]
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(second())
        except ConflictError as exc:
            outcome.append(exc)

    other = threading.Thread(target=run)
    me = threading.get_ident()
    started: list[bool] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        here = threading.get_ident() == me
        if here and not started and statement.lstrip().upper().startswith(first):
            started.append(True)
            other.start()
            other.join(timeout=2)

    event.listen(engine, "before_cursor_execute", before)
    try:
        try:
            mine_done: Any = mine()
        except ConflictError as exc:
            mine_done = exc
    finally:
        event.remove(engine, "before_cursor_execute", before)
    other.join(timeout=60)
    assert started and not other.is_alive() and outcome
    return mine_done, outcome[0]


def test_a_request_filed_while_its_account_is_removed_is_moved_with_the_others(
    store: Store, ann: User
) -> None:
    """The removal begins while the request's transaction is about to insert it:
    it waits for the request and moves it to `ann (removed)` with her others."""
    before = _file(store, ann, "Printer jam")
    filed, removed = _in_the_middle(
        store,
        "INSERT INTO REQUESTS",
        lambda: _file(store, ann),
        lambda: store.remove_user("ann", actor="root"),
    )
    assert not isinstance(filed, ConflictError), filed
    assert not isinstance(removed, ConflictError), removed
    assert filed.id is not None and before.id is not None
    assert store.get_request(filed.id).requester == removed_label("ann")
    assert store.get_request(before.id).requester == removed_label("ann")
    assert _inherited(store) == []


def test_a_request_filed_while_its_account_is_being_removed_is_refused(
    store: Store, ann: User
) -> None:
    """The request comes while the removal has moved ann's requests and is about
    to delete her account: it waits for the removal and is refused."""
    removed, filed = _in_the_middle(
        store,
        "DELETE FROM USERS",
        lambda: store.remove_user("ann", actor="root"),
        lambda: _file(store, ann),
    )
    assert not isinstance(removed, ConflictError), removed
    assert isinstance(filed, ConflictError) and filed.key == "requester_gone", filed
    assert store.list_requests() == []
    assert _inherited(store) == []


def test_the_service_checks_the_account_of_a_signed_in_filer_only(
    service: RequestService, store: Store, ann: User
) -> None:
    """The web and the API file for the signed-in account (`signed_in`): the store
    checks it; a requester named by text alone (demo traffic) is not."""
    store.remove_user("ann", actor="root")
    asked = NewRequest(query="VPN down", department="it")
    with pytest.raises(ConflictError, match="sign in again"):
        service.submissions.submit(ann, asked, signed_in=True)
    assert store.list_requests() == []
    filed = service.submissions.submit(ann, asked)
    assert filed.requester == "ann"
