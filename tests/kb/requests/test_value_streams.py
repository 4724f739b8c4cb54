"""Value-stream requests: one task per department, blocking, completion, progress."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kb.errors import ConflictError, NotFoundError, PermissionDenied
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import (
    EMPLOYEE,
    FACILITIES_AGENT,
    FINANCE_AGENT,
    HR_AGENT,
    IT_AGENT,
    IT_OWNER,
    OTHER,
)

FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
# The form of the sample onboarding value stream (content/_workflows.yml).
ONBOARDING = {
    "new_hire": "Jana Fischer",
    "start_date": "2026-07-01",
    "job_title": "Sales manager",
    "team_department": "hr",
    "manager": "Maria Lopez",
    "laptop": "standard",
}


@pytest.fixture
def onboarding(service: RequestService) -> int:
    request = service.submit(EMPLOYEE, "New hire Jana starts on 1 July", "Sales team, Hamburg.",
                             workflow="onboarding", fields=ONBOARDING)  # fmt: skip
    assert request.id is not None
    return request.id


def test_one_request_with_a_task_per_department(
    service: RequestService, store: Store, onboarding: int
) -> None:
    request = service.get(EMPLOYEE, onboarding)
    assert (request.workflow, request.department) == ("onboarding", "hr")
    tasks = store.tasks(onboarding)
    assert [(t.id, t.department, t.depends_on) for t in tasks] == [
        (1, "hr", []), (2, "finance", [1]), (3, "it", [1]), (4, "facilities", [1])]  # fmt: skip
    assert tasks[2].title == "Laptop for Jana Fischer, starts 2026-07-01"
    assert request.fields == {**ONBOARDING, "mostly_remote": False}
    # Each task sits in its department's queue; the HR request is in HR's queue too.
    for department, agent in (("it", IT_AGENT), ("finance", FINANCE_AGENT)):
        [item] = service.task_queue(agent, department)
        assert (item.request.id, item.blocked, item.waiting_for) == (onboarding, True, (1,))
        assert [t.title for t in item.waits_on] == [tasks[0].title]
    [hr_task] = service.task_queue(HR_AGENT, "hr")
    assert not hr_task.blocked
    assert [i.request.id for i in service.queue(HR_AGENT, "hr")] == [onboarding]
    # Due dates follow the chain: IT's task is due after HR's (40 h) plus IT's own (16 h).
    assert tasks[2].due == service.calendar.add_working_hours(tasks[0].due, 16)  # type: ignore[arg-type]
    assert request.resolution_due == max(t.due for t in tasks if t.due)
    assert str(service.progress(EMPLOYEE, onboarding)) == "0/4"


def test_blocked_tasks_wait_and_completion_unblocks(
    service: RequestService, store: Store, onboarding: int
) -> None:
    with pytest.raises(
        ConflictError, match=r"task 3 \(Laptop for Jana .*\) waits for tasks 1 \(hr"
    ):
        service.complete_task(IT_AGENT, onboarding, 3)
    with pytest.raises(PermissionDenied, match="ian may not work the hr queue"):
        service.complete_task(IT_AGENT, onboarding, 1)
    service.complete_task(HR_AGENT, onboarding, 1, "Contract signed, record created.")
    assert service.get(EMPLOYEE, onboarding).status.value == "in_progress"
    [item] = service.task_queue(IT_AGENT, "it")
    assert not item.blocked
    # The unblocked departments were told that their task can start.
    ready = [m for m in store.due_messages(FAR_FUTURE) if m.topic == "request.task_ready"]
    assert {m.target for m in ready} >= {"http://127.0.0.1:9/hook", "email:it@example.org"}
    service.complete_task(IT_AGENT, onboarding, 3)
    service.complete_task(FINANCE_AGENT, onboarding, 2)
    with pytest.raises(ConflictError, match="already done"):
        service.complete_task(FINANCE_AGENT, onboarding, 2)
    assert str(service.progress(EMPLOYEE, onboarding)) == "3/4"
    assert service.get(EMPLOYEE, onboarding).status.value == "in_progress"
    service.complete_task(FACILITIES_AGENT, onboarding, 4, "Card at reception.")
    done = service.get(EMPLOYEE, onboarding)
    assert done.status.value == "resolved" and done.resolution == "All 4 tasks are done."
    assert service.task_queue(IT_AGENT, "it") == []
    # The employee sees every step in one history.
    kinds = [e.kind for e in service.history(EMPLOYEE, onboarding)]
    assert kinds.count("task") == 4 and kinds[-1] == "resolution"


def test_agents_of_a_task_see_the_request_but_others_do_not(
    service: RequestService, onboarding: int
) -> None:
    assert service.get(IT_AGENT, onboarding).id == onboarding
    assert service.detail(IT_AGENT, onboarding).progress.total == 4
    with pytest.raises(NotFoundError):
        service.get(OTHER, onboarding)
    # Working a task does not mean working the request: its status is HR's.
    with pytest.raises(PermissionDenied, match="only agents of hr"):
        service.transition(IT_AGENT, onboarding, "waiting_for_requester")


def test_resolving_with_open_tasks_is_refused_and_closing_cancels_them(
    service: RequestService, store: Store, onboarding: int
) -> None:
    # The permissions say so before anyone tries: resolving is no move while tasks
    # are open (the API said "resolve": true and the page offered the answer form).
    allowed = service.permissions(HR_AGENT, onboarding)
    assert not allowed.resolve and allowed.close
    with pytest.raises(ConflictError, match="still has unfinished tasks: 1 \\(hr"):
        service.resolve(HR_AGENT, onboarding, "Done?")
    service.transition(HR_AGENT, onboarding, "closed", note="The hire withdrew.")
    assert {t.status.value for t in store.tasks(onboarding)} == {"cancelled"}
    assert service.task_queue(IT_AGENT, "it") == []
    with pytest.raises(ConflictError, match="is already cancelled"):
        service.complete_task(HR_AGENT, onboarding, 1)


def test_detail_shows_progress_and_blocking(service: RequestService, onboarding: int) -> None:
    detail = service.detail(EMPLOYEE, onboarding)
    assert [(s.task.id, s.blocked) for s in detail.tasks] == [
        (1, False), (2, True), (3, True), (4, True)]  # fmt: skip
    assert (detail.progress.done, detail.progress.total, detail.can_work) == (0, 4, False)


def test_german_requests_get_german_task_titles(service: RequestService, store: Store) -> None:
    move = {"team": "Vertrieb", "moving_day": "2026-07-15", "from_where": "A 2.10",
            "to_where": "B 3.01"}  # fmt: skip
    request = service.submit(
        EMPLOYEE, "Ich ziehe mit dem Team in ein neues Büro", workflow="office-move", fields=move
    )
    assert request.id is not None and request.department == "facilities"
    assert (
        store.tasks(request.id)[0].title == "Räume und Arbeitsplätze für Vertrieb in B 3.01 planen"
    )
    assert service.match_workflow("Büroumzug im Mai").name == "office-move"  # type: ignore[union-attr]


def test_internal_notes_stay_with_the_owning_queue(
    service: RequestService, onboarding: int
) -> None:
    """Agents of a task's department see the request and its visible history, not
    what the owning department noted for itself (issue 13: IT agents read HR's
    salary notes on an onboarding request)."""
    service.comment(HR_AGENT, onboarding, "Salary agreed: 61,000", visible_to_requester=False)
    service.comment(HR_AGENT, onboarding, "We are on it.")
    seen_by_it = [e.message for e in service.history(IT_AGENT, onboarding)]
    assert "We are on it." in seen_by_it and "Salary agreed: 61,000" not in seen_by_it
    assert "Salary agreed: 61,000" in [e.message for e in service.history(HR_AGENT, onboarding)]
    # Their own internal notes are the next test's (tests/kb/requests/test_task_notes.py).
    # Replying to the requester is still theirs (their task is part of the answer).
    service.comment(IT_AGENT, onboarding, "Your laptop is ready.")
    assert "Your laptop is ready." in [e.message for e in service.history(HR_AGENT, onboarding)]


def test_only_the_owning_queue_and_the_requester_manage_the_requests_watchers(
    service: RequestService, store: Store, onboarding: int
) -> None:
    """Agents of a task's department read the request and may watch it themselves,
    but only the requester and the owning queue's agents (and admins) add or remove
    others (red team: IT's agent made another employee a watcher of HR's onboarding
    request, who then read it as its requester does)."""
    for person in (OTHER, IT_OWNER):
        store.add_user(person)
    assert not service.permissions(IT_AGENT, onboarding).watch
    assert not service.permissions(IT_AGENT, onboarding).work  # the status stays HR's
    with pytest.raises(PermissionDenied, match="only its requester and agents of hr"):
        service.watch(IT_AGENT, onboarding, OTHER.username)
    with pytest.raises(NotFoundError):
        service.get(OTHER, onboarding)
    assert service.watch(IT_AGENT, onboarding).watchers == [IT_AGENT.username]
    assert service.unwatch(IT_AGENT, onboarding).watchers == []
    assert service.permissions(HR_AGENT, onboarding).watch
    assert service.watch(HR_AGENT, onboarding, OTHER.username).watchers == [OTHER.username]
    assert service.get(OTHER, onboarding).id == onboarding
    with pytest.raises(PermissionDenied):
        service.unwatch(FINANCE_AGENT, onboarding, OTHER.username)
    assert service.unwatch(EMPLOYEE, onboarding, OTHER.username).watchers == []
    # A content owner of a task's department does not see the request at all.
    with pytest.raises(NotFoundError):
        service.watch(IT_OWNER, onboarding)


def test_the_last_two_tasks_finished_at_once_resolve_the_request_once(
    service: RequestService, store: Store, onboarding: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT and Facilities finish the last two tasks at the same moment: both see
    every task done, and IT's follow-up resolves the request between
    Facilities' look at it and Facilities' save. The request is resolved once."""
    for agent, task in ((HR_AGENT, 1), (FINANCE_AGENT, 2), (IT_AGENT, 3)):
        service.complete_task(agent, onboarding, task)
    read, saved_task = store.get_request, store.update_task
    race = {"armed": False}

    def update_task(*args: object, **kwargs: object) -> object:
        race["armed"] = True
        return saved_task(*args, **kwargs)  # type: ignore[arg-type]

    def get_request(request_id: int) -> object:
        seen = read(request_id)
        if race["armed"]:
            race["armed"] = False  # IT's follow-up, run in Facilities' window
            service.tasks._follow_tasks(IT_AGENT, onboarding, store.tasks(onboarding))
        return seen

    monkeypatch.setattr(store, "update_task", update_task)
    monkeypatch.setattr(store, "get_request", get_request)
    service.complete_task(FACILITIES_AGENT, onboarding, 4)
    monkeypatch.undo()
    kinds = [e.kind for e in service.history(HR_AGENT, onboarding)]
    assert kinds.count("resolution") == 1
    resolved = [m for m in store.due_messages(FAR_FUTURE, 500) if m.topic == "request.resolved"]
    assert len({m.target for m in resolved}) == len(resolved)


def test_a_value_streams_draft_is_summarised_by_its_topic_and_departments() -> None:
    """The summary of a draft answered by its steps says what the request was
    about and who took the steps, in the draft's language; a step not done,
    and a department's second step, add no name."""
    from kb.requests.records import RequestTask, TaskStatus
    from kb.requests.stream_answers import steps_summary

    done = TaskStatus.DONE
    tasks = [
        RequestTask(department="it", title="Laptop", id=2, status=done),
        RequestTask(department="hr", title="Contract", id=1, status=done),
        RequestTask(department="it", title="Accounts", id=3, status=done),
        RequestTask(department="facilities", title="Desk", id=4, status=TaskStatus.CANCELLED),
    ]
    names = {"it": "IT", "hr": "HR", "facilities": "Facilities"}.__getitem__
    assert steps_summary("Onboarding a new hire", tasks, names, "en") == (
        "Onboarding a new hire: what HR and IT do, step by step."
    )
    assert steps_summary("Neue Mitarbeitende einarbeiten", tasks, names, "de") == (
        "Neue Mitarbeitende einarbeiten: was die Abteilungen HR und IT tun, Schritt für Schritt."
    )
    assert steps_summary("Offboarding", tasks[:1], names, "en") == (
        "Offboarding: what IT does, step by step."
    )
