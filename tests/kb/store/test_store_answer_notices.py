"""A reply or resolution the requester gets from someone who works the request
is a new answer until the requester opens the request; internal notes, the
requester's own words and anyone else opening it change nothing. On both
stores (`kb.requests.answers`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kb.accounts.service import add_user
from kb.requests.lifecycle import Priority
from kb.requests.records import RequestEntry
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import EMPLOYEE, IT_AGENT, OTHER


@pytest.fixture
def request_id(service: RequestService, store: Store) -> int:
    add_user(store, IT_AGENT.username, "agent", "it")
    add_user(store, OTHER.username, "employee")
    made = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert made.id is not None
    return made.id


def new_answers(store: Store) -> int:
    return store.count_new_answers(EMPLOYEE.username)


def test_a_reply_is_new_until_the_requester_opens_the_request(
    service: RequestService, store: Store, request_id: int
) -> None:
    assert new_answers(store) == 0
    service.comment(IT_AGENT, request_id, "Which client version?")
    assert new_answers(store) == 1
    assert service.get(EMPLOYEE, request_id).has_new_answer

    copy = store.get_request(request_id)
    service.detail(EMPLOYEE, request_id)  # opened

    assert new_answers(store) == 0
    assert not store.get_request(request_id).has_new_answer
    # A change saved after, from a copy read before, keeps it seen.
    entry = RequestEntry(request_id=request_id, actor="ian", kind="status", message="")
    store.update_request(replace(copy, priority=Priority.HIGH), entry)
    assert new_answers(store) == 0
    # The resolution is the next answer.
    service.resolve(IT_AGENT, request_id, "Update the client to 6.2.")
    assert new_answers(store) == 1
    assert service.reader.answers.count(EMPLOYEE) == 1


def test_internal_notes_and_the_requester_s_own_words_are_no_answer(
    service: RequestService, store: Store, request_id: int
) -> None:
    service.comment(IT_AGENT, request_id, "Their manager asked too.", visible_to_requester=False)
    service.comment(EMPLOYEE, request_id, "It happens on Wi-Fi only.")
    assert new_answers(store) == 0
    assert store.get_request(request_id).answered_at is None


def test_only_the_requester_opening_the_request_clears_it(
    service: RequestService, store: Store, request_id: int
) -> None:
    service.watch(IT_AGENT, request_id, OTHER.username)
    service.comment(IT_AGENT, request_id, "Which client version?")

    service.detail(IT_AGENT, request_id)  # the agent
    service.detail(OTHER, request_id)  # a watcher
    store.mark_answer_seen(request_id, OTHER.username, store.get_request(request_id).updated)

    assert new_answers(store) == 1
    assert store.count_new_answers(OTHER.username) == 0  # not theirs to be told


def test_seen_never_goes_back_to_an_older_answer(
    service: RequestService, store: Store, request_id: int
) -> None:
    service.comment(IT_AGENT, request_id, "Which client version?")
    older = store.get_request(request_id)
    service.comment(IT_AGENT, request_id, "And which laptop?")
    newest = store.get_request(request_id)
    assert newest.answered_at is not None and older.answered_at is not None

    store.mark_answer_seen(request_id, EMPLOYEE.username, newest.answered_at)
    store.mark_answer_seen(request_id, EMPLOYEE.username, older.answered_at)  # a page left open

    assert store.get_request(request_id).requester_seen_at == newest.answered_at
    assert new_answers(store) == 0
