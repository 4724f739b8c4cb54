"""Contract: renaming, merging and removing accounts carries what names them
along (requests, tasks, history, watchers, article versions), on SQLite and
PostgreSQL, and a removed account's history stays readable under its old name."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kb.accounts.records import Grant, Role, User
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.store import version_store
from kb.errors import ConflictError, NotFoundError
from kb.records import Status
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.store.protocols import Store

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _request(store: Store, requester: str, **fields: object) -> Request:
    values: dict[str, object] = {"query": "VPN does not connect", "department": "it"}
    values.update(fields)
    tasks = [RequestTask(department="it", title="check", assignee=fields.get("assignee"))]  # type: ignore[arg-type]
    return store.create_request(
        Request(requester=requester, created=T0, updated=T0, **values),  # type: ignore[arg-type]
        tasks=tasks,
    )


def _entry(request: Request, actor: str, kind: str = "comment", **data: object) -> RequestEntry:
    assert request.id is not None
    return RequestEntry(request_id=request.id, actor=actor, kind=kind, data=data, ts=T0 + HOUR)  # type: ignore[arg-type]


def _comment(
    store: Store, request: Request, actor: str, kind: str = "comment", **data: object
) -> Request:
    return store.update_request(
        replace(request, updated=T0 + HOUR), _entry(request, actor, kind, **data)
    )


def _maria_did_things(store: Store) -> tuple[Request, Request]:
    """maria filed one request (watched by herself and olga), is assigned an open
    one, and commented, was assigned and saved an article version."""
    store.add_user(User(username="maria", grants=[Grant(role=Role.AGENT, department="it")]))
    store.add_user(User(username="olga"))
    filed = _request(store, "maria", watchers=["maria", "olga"])
    filed = _comment(store, filed, "maria")
    held = _request(store, "olga", assignee="maria", status=RequestStatus.IN_PROGRESS)
    held = _comment(store, held, "olga", "assigned", **{"from": None, "to": "maria"})
    version_store(store).add_version(
        ArticleVersion(
            article_id="it/vpn.md",
            number=1,
            text="x",
            author="maria",
            action=Action.SAVE,
            status=Status.DRAFT,
            ts=T0,
        )  # fmt: skip
    )
    return filed, held


def test_a_rename_carries_everything_that_names_the_account(store: Store) -> None:
    filed, held = _maria_did_things(store)
    before = store.get_user("maria")
    assert before is not None
    change = store.rename_user("maria", "maria.k")
    assert change.now_named == "maria.k"
    assert change.moved["requests filed"] == 1 and change.moved["history entries"] >= 2
    assert store.get_user("maria") is None and store.find_user("MARIA") is None
    after = store.get_user("maria.k")
    assert after is not None and after.grants == before.grants
    assert after.session_generation == before.session_generation + 1  # sessions end
    assert store.find_user("Maria.K") == after  # its key moved with it
    assert filed.id is not None and held.id is not None
    moved = store.get_request(filed.id)
    assert moved.requester == "maria.k" and moved.watchers == ["maria.k", "olga"]
    assert moved.version > filed.version  # an edit begun before is refused
    assert store.get_request(held.id).assignee == "maria.k"
    assert [t.assignee for t in store.tasks(held.id)] == ["maria.k"]
    assert [e.actor for e in store.entries(filed.id)][-1] == "maria.k"
    assert store.entries(held.id)[-1].data == {"from": None, "to": "maria.k"}
    assert version_store(store).versions("it/vpn.md")[0].author == "maria.k"


def test_a_rename_onto_another_accounts_name_is_refused_unless_merged(store: Store) -> None:
    filed, _ = _maria_did_things(store)
    with pytest.raises(ConflictError, match="'olga' already exists.*--merge"):
        store.rename_user("maria", "OLGA")
    assert store.get_user("maria") is not None
    with pytest.raises(NotFoundError, match="nothing to merge"):
        store.rename_user("maria", "nobody", merge=True)
    with pytest.raises(NotFoundError, match="no user named 'nobody'"):
        store.rename_user("nobody", "somebody")
    change = store.rename_user("maria", "OLGA", merge=True)
    assert change.now_named == "olga"
    assert [u.username for u in store.list_users()] == ["olga"]
    olga = store.get_user("olga")
    assert olga is not None and olga.grants == []  # keeps her own roles
    assert filed.id is not None
    merged = store.get_request(filed.id)
    assert merged.requester == "olga" and merged.watchers == ["olga"]


def test_a_watch_made_of_oneself_stays_one_when_renamed_and_goes_when_removed(
    store: Store,
) -> None:
    for name in ("maria", "olga", "ivan", "pia"):
        store.add_user(User(username=name))
    watched = _request(
        store, "emma", watchers=["olga", "ivan", "pia"], self_watchers=["olga", "pia"]
    )
    assert watched.id is not None
    store.rename_user("olga", "olga.k")
    renamed = store.get_request(watched.id)
    assert (renamed.watchers, renamed.self_watchers) == (
        ["olga.k", "ivan", "pia"],
        ["olga.k", "pia"],
    )
    # Merged with an account someone else made a watcher, the watch is not one's own.
    store.rename_user("pia", "ivan", merge=True)
    merged = store.get_request(watched.id)
    assert (merged.watchers, merged.self_watchers) == (["olga.k", "ivan"], ["olga.k"])
    store.remove_user("olga.k", actor="kb-cli")
    gone = store.get_request(watched.id)
    assert (gone.watchers, gone.self_watchers) == (["ivan"], [])


def test_a_rename_to_another_letter_case_of_the_same_name_is_allowed(store: Store) -> None:
    store.add_user(User(username="maria"))
    store.rename_user("maria", "Maria")
    assert [u.username for u in store.list_users()] == ["Maria"]


def test_removing_refuses_open_work_then_keeps_the_history_under_the_old_name(
    store: Store,
) -> None:
    filed, held = _maria_did_things(store)
    assert filed.id is not None and held.id is not None
    with pytest.raises(ConflictError, match=f"request {held.id}, task 1 of request {held.id}") as e:
        store.remove_user("maria", actor="kb-cli")
    assert e.value.details["requests"] == [held.id]
    assert store.get_user("maria") is not None
    change = store.remove_user("maria", actor="kb-cli", unassign=True)
    assert change.unassigned_requests == [held.id]
    assert change.unassigned_tasks == [(held.id, 1)]
    assert store.get_user("maria") is None
    gone = store.get_request(filed.id)
    assert gone.requester == "maria (removed)" and gone.watchers == ["olga"]
    assert store.entries(filed.id)[-1].actor == "maria (removed)"
    assert store.get_request(held.id).assignee is None
    assert [t.assignee for t in store.tasks(held.id)] == [None]
    last = store.entries(held.id)[-1]
    assert (last.actor, last.kind, last.data) == (
        "kb-cli", "assigned", {"from": "maria (removed)", "to": None},
    )  # fmt: skip
    assert version_store(store).versions("it/vpn.md")[0].author == "maria (removed)"
    # A new account of the name inherits none of it.
    store.add_user(User(username="maria"))
    assert store.list_requests(requester="maria") == []
    with pytest.raises(NotFoundError):
        store.remove_user("nobody", actor="kb-cli")
