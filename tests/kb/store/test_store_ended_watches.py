"""Contract: a watch someone made of themselves ends with the role that let them
read the request, and the request's watchers are then listed without it, on
SQLite and PostgreSQL alike (the roles are read from the store)."""

from __future__ import annotations

from kb.accounts.roles import grant_role, revoke_role
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import DEPARTMENTS, EMPLOYEE, HR_AGENT, IT_AGENT, IT_OWNER, guess_language

ADMIN_NAME = "root"


def _service(store: Store) -> RequestService:
    for person in (EMPLOYEE, IT_AGENT, IT_OWNER, HR_AGENT):
        store.add_user(person)
    return RequestService(store, departments=DEPARTMENTS, language_of=guess_language)


def test_a_watch_that_ended_with_the_role_is_not_listed(store: Store) -> None:
    service = _service(store)
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    service.watch(IT_AGENT, request.id)  # of themselves: read by the role
    service.watch(EMPLOYEE, request.id, HR_AGENT.username)  # added by the requester
    revoke_role(store, "ian", "agent", "it", actor=ADMIN_NAME, reason="moved team")
    revoke_role(store, "hanna", "agent", "hr", actor=ADMIN_NAME, reason="moved team")

    # Ian's watch ended (no mail reaches him either); Hanna's lasts.
    for shown in (
        service.get(EMPLOYEE, request.id),
        service.detail(EMPLOYEE, request.id).request,
        service.current_watchers(store.get_request(request.id)),
    ):
        assert (shown.watchers, shown.self_watchers) == (["hanna"], [])
    # Kept in the store: a role given back lists him again, as his mails resume.
    assert store.get_request(request.id).watchers == ["ian", "hanna"]
    grant_role(store, "ian", "agent", "it", actor=ADMIN_NAME, reason="back")
    assert service.get(EMPLOYEE, request.id).watchers == ["ian", "hanna"]


def test_a_watcher_whose_watch_ended_may_be_added_as_anyone(store: Store) -> None:
    """Listed nowhere, they are not "already watching": the requester adds them,
    and then they read the request as an added watcher does."""
    service = _service(store)
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    service.watch(IT_OWNER, request.id)
    revoke_role(store, "olga", "content_owner", "it", actor=ADMIN_NAME, reason="left")
    assert service.get(EMPLOYEE, request.id).watchers == []
    added = service.watch(EMPLOYEE, request.id, "olga")
    assert (added.watchers, added.self_watchers) == (["olga"], [])
    olga = store.get_user("olga")
    assert olga is not None
    assert service.history(olga, request.id)
