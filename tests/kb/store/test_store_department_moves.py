"""Contract: which departments requests name, and moving one department's requests
and tasks (and, when asked, the roles held for it) to another in one
transaction (a department folder renamed)."""

from __future__ import annotations

from datetime import timedelta

from kb.accounts.grant_history import GrantChange, GrantChangeKind
from kb.accounts.records import Grant, User
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import RequestEntry, RequestTask
from kb.requests.routing import routing_hints
from kb.store.department_moves import DepartmentUse
from kb.store.protocols import Store
from tests.kb.store.test_store_requests import T0, new_request

LATER = T0 + timedelta(days=2)


def test_department_use_counts_requests_open_ones_and_tasks(store: Store) -> None:
    store.create_request(new_request(department="it"))
    store.create_request(new_request(department="it", status=RequestStatus.CLOSED))
    store.create_request(
        new_request(department="hr"), tasks=[RequestTask(department="it", title="Laptop")]
    )
    assert store.department_use() == [
        DepartmentUse("hr", requests=1, open=1, tasks=0),
        DepartmentUse("it", requests=2, open=1, tasks=1),
    ]


def test_a_department_s_requests_and_tasks_move_with_a_history_entry_each(store: Store) -> None:
    own = store.create_request(new_request(department="it", assignee="bob"))
    closed = store.create_request(new_request(department="it", status=RequestStatus.CLOSED))
    other = store.create_request(
        new_request(department="hr"),
        tasks=[
            RequestTask(department="hr", title="Contract"),
            RequestTask(department="it", title="Laptop"),
        ],
    )
    untouched = store.create_request(new_request(department="facilities"))
    assert own.id and closed.id and other.id and untouched.id

    moved = store.move_department("it", "it-services", "kb-cli", "Folder renamed.", LATER)

    assert (moved.department, moved.to) == ("it", "it-services")
    assert moved.requests == (own.id, closed.id) and moved.with_tasks == (other.id,)
    assert moved.tasks == 1
    after = store.get_request(own.id)
    assert (after.department, after.assignee, after.status) == ("it-services", "bob", own.status)
    assert after.version == own.version + 1 and after.updated == own.updated
    assert store.get_request(closed.id).department == "it-services"
    [entry] = [e for e in store.entries(own.id) if e.kind == "reassigned"]
    assert entry.actor == "kb-cli" and entry.message == "Folder renamed."
    assert entry.data == {"from_department": "it", "to_department": "it-services", "renamed": True}
    assert not entry.visible_to_requester and entry.ts == LATER
    # A request of another queue: its task moves, the request stays, noted internally.
    kept = store.get_request(other.id)
    assert kept.department == "hr" and kept.version == other.version + 1
    assert [t.department for t in store.tasks(other.id)] == ["hr", "it-services"]
    [noted] = [e for e in store.entries(other.id) if e.actor == "kb-cli"]
    assert noted.kind == "comment" and not noted.visible_to_requester
    assert store.entries(untouched.id)[-1].kind == "created"
    assert [u.department for u in store.department_use()] == ["facilities", "hr", "it-services"]


def test_a_rename_is_where_a_request_is_not_a_lesson_for_routing(store: Store) -> None:
    judged = store.create_request(new_request("printer jam on floor 3", department="it"))
    plain = store.create_request(new_request("printer toner empty", department="it"))
    assert judged.id and plain.id
    store.add_entry(
        RequestEntry(
            request_id=judged.id,
            actor="bob",
            kind="reassigned",
            data={"from_department": "hr", "to_department": "it"},
            ts=T0 + timedelta(hours=1),
        )
    )
    store.move_department("it", "it-services", "kb-cli", "Folder renamed.", LATER)
    moves = store.reassignments()
    assert [m.renamed for m in moves] == [False, True, True]
    hints = routing_hints(moves)
    # The reassigned question counts for where it is now; the other for nothing.
    assert hints.counts["jam"] == {"it-services": 1}
    assert "toner" not in hints.counts


def test_grants_move_with_the_requests_only_when_asked_with_their_history(store: Store) -> None:
    store.add_user(User(username="ivan", grants=[Grant(role="agent", department="it")]))
    both = [Grant(role="agent", department="it"), Grant(role="agent", department="it-services")]
    store.add_user(
        User(username="iris", grants=[*both, Grant(role="content_owner", department="it")])
    )
    store.add_user(User(username="hana", grants=[Grant(role="agent", department="hr")]))
    store.add_user(User(username="ada", grants=[Grant(role="admin")]))
    request = store.create_request(new_request(department="it"))
    assert request.id
    generation = store.get_user("ivan").session_generation

    kept = store.move_department("it", "it-services", "kb-cli", "Folder renamed.", LATER)
    assert kept.grants == () and moves(store) == []
    assert store.get_user("ivan").grants == [Grant(role="agent", department="it")]

    store.move_department("it-services", "it", "kb-cli", "Back.", LATER)
    moved = store.move_department(
        "it", "it-services", "kb-cli", "Folder renamed.", LATER, grants=True
    )
    assert [c.label for c in moved.grants] == [
        "iris agent:it → agent:it-services",
        "iris content_owner:it → content_owner:it-services",
        "ivan agent:it → agent:it-services",
    ]
    assert store.get_user("ivan").grants == [Grant(role="agent", department="it-services")]
    assert store.get_user("ivan").session_generation == generation + 1  # signs in again
    assert store.get_user("iris").grants == [  # one agent grant for it-services, not two
        Grant(role="agent", department="it-services"),
        Grant(role="content_owner", department="it-services"),
    ]
    assert store.get_user("hana").grants == [Grant(role="agent", department="hr")]
    assert store.get_request(request.id).department == "it-services"
    history = moves(store)
    assert [(c.username, c.role.value, c.department, c.to) for c in history] == [
        ("iris", "agent", "it", "it-services"),
        ("iris", "content_owner", "it", "it-services"),
        ("ivan", "agent", "it", "it-services"),
    ]
    assert all(c.actor == "kb-cli" and c.reason == "Folder renamed." for c in history)
    assert all(c.ts == LATER for c in history)
    # The history follows the account's name.
    store.rename_user("ivan", "ivan.k")
    assert [c.username for c in moves(store, "ivan.k")] == ["ivan.k"]
    assert store.grant_changes("ivan") == []


def moves(store: Store, username: str | None = None) -> list[GrantChange]:
    """The grant history's moves (`kb.accounts.grant_history`: the grants given
    when the accounts were added are in it too)."""
    return [c for c in store.grant_changes(username) if c.kind is GrantChangeKind.MOVED]
