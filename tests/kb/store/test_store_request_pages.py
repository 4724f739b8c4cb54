"""Contract: a department's tasks a page at a time, the tasks and requests of
many requests at once, and the request filters the drafts page pages by."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kb.errors import ValidationError
from kb.requests.lifecycle import TaskStatus
from kb.requests.paging import PageKey, Paging, RequestList, TaskKey
from kb.requests.records import RequestTask
from kb.store.protocols import Store
from tests.kb.store.test_store_requests import HOUR, T0, new_request, note


def test_task_pages_by_cursor_neither_skip_nor_repeat(store: Store) -> None:
    # Due dates tie across requests, two tasks of one request tie, one has none.
    dues = [T0 + 5 * HOUR, T0 + 5 * HOUR, None, T0 + 2 * HOUR]
    made = []
    for n, due in enumerate(dues):
        tasks = [RequestTask(department="it", title=f"t{n}a", due=due)]
        if n == 1:
            tasks.append(RequestTask(department="it", title="t1b", due=due))
        made.append(store.create_request(new_request(f"r{n}"), tasks))
    store.create_request(new_request("hr"), [RequestTask(department="hr", title="other")])
    whole = [t.title for t in store.tasks_for_department("it")]
    assert whole == ["t3a", "t0a", "t1a", "t1b", "t2a"]

    first = store.page_tasks("it", 2)
    assert [t.title for t in first.items] == whole[:2]
    assert (first.total, first.offset, first.more) == (5, 0, True)
    assert isinstance(first.next_key, TaskKey)
    # The first task is done between the pages: by cursor nothing is skipped.
    [done] = store.tasks(made[3].id or 0)
    store.update_task(replace(done, status=TaskStatus.DONE), note(made[3], "task"))
    key = TaskKey.decode(first.next_key.encode())
    second = store.page_tasks("it", 2, after=key)
    assert [t.title for t in second.items] == whole[2:4]
    assert (second.total, second.offset, second.more) == (4, 1, True)
    last = store.page_tasks("it", 2, after=second.next_key)  # type: ignore[arg-type]
    assert [t.title for t in last.items] == ["t2a"]
    assert (last.more, last.next_key) == (False, None)
    empty = store.page_tasks("nobody", 3)
    assert (empty.items, empty.total, empty.more) == ([], 0, False)


def test_a_task_cursor_is_checked_for_shape() -> None:
    key = TaskKey(T0, 3, 2)
    assert TaskKey.decode(key.encode()) == key
    assert TaskKey.decode(TaskKey(None, 1, 1).encode()).due is None
    of_requests = PageKey("due", None, T0, 1).encode()
    no_task = "WzEsInRhc2siLG51bGwsMCwxXQ"  # [1,"task",null,0,1]: no request 0
    for broken in ["x", "=", of_requests, no_task, TaskKey(T0, 1, 1).encode()[:-2]]:
        with pytest.raises(ValidationError, match="^task_cursor:") as caught:
            Paging(5, cursor=broken, cursor_field="task_cursor").task_key()
        assert caught.value.details["field"] == "task_cursor"


def test_tasks_and_requests_of_many_requests_at_once(store: Store) -> None:
    two = store.create_request(
        new_request("two"),
        [RequestTask(department="hr", title="A"), RequestTask(department="it", title="B")],
    )
    none = store.create_request(new_request("none"))
    assert two.id is not None and none.id is not None
    found = store.tasks_of([none.id, two.id, two.id])
    assert found == {two.id: store.tasks(two.id), none.id: []}
    assert [t.title for t in found[two.id]] == ["A", "B"]
    assert store.tasks_of([]) == {}
    assert store.get_requests([two.id, none.id, 999]) == {
        two.id: store.get_request(two.id),
        none.id: store.get_request(none.id),
    }
    assert store.get_requests([]) == {}


def test_requests_of_several_departments_with_articles(store: Store) -> None:
    linked = [
        store.create_request(new_request(f"{d}", d, linked_articles=[f"{d}/a.md"], created=t))
        for d, t in (("it", T0), ("hr", T0 + HOUR), ("sales", T0 + 2 * HOUR))
    ]
    store.create_request(new_request("bare", "it"))
    wanted = RequestList(departments=("it", "hr"), linked_only=True, order_by="created")
    page = store.page_requests(wanted, 5)
    assert [r.query for r in page.items] == ["hr", "it"]
    assert page.total == 2
    by_list = store.list_requests(departments=["sales", "it"], linked_only=True)
    assert [r.id for r in by_list] == [linked[0].id, linked[2].id]
    assert len(store.list_requests(departments=["it"])) == 2
    assert store.list_requests(departments=[]) == []
