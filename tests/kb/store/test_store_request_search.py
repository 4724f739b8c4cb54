"""The store's search of requests by their words on every backend: every word in
the question or description, the case of A-Z ignored and other letters as
typed, within departments and
their tasks, newest first."""

from __future__ import annotations

from kb.requests.records import Request, RequestTask
from kb.store.protocols import Store


def _request(store: Store, query: str, description: str = "", department: str = "it") -> int:
    stored = store.create_request(
        Request(requester="emma", query=query, description=description, department=department)
    )
    assert stored.id is not None
    return stored.id


def test_search_matches_every_word_of_question_or_description_within_departments(
    store: Store,
) -> None:
    dog = _request(store, "Can I bring my DOG to the office?", department="facilities")
    desk = _request(store, "Standing desk", "my dog sleeps under it", department="facilities")
    printer = _request(store, "Printer jam", "Überweisung 50% fertig")
    onboarding = store.create_request(
        Request(requester="emma", query="Onboarding Jana", department="hr", workflow="onboarding"),
        [RequestTask(department="hr", title="Record"), RequestTask(department="it", title="Desk")],
    ).id

    def found(words: list[str], departments: list[str] | None) -> list[int | None]:
        return [r.id for r in store.search_requests(words, departments)]

    assert found(["dog"], ["facilities"]) == [desk, dog]  # newest first
    assert found(["Dog", "office"], ["facilities"]) == [dog]
    assert found(["dog"], ["it"]) == []
    assert found(["jana"], ["it"]) == [onboarding]  # a task of IT counts
    assert found(["jana"], ["facilities"]) == []
    assert found(["Überweisung", "PRINTER"], None) == [printer]
    assert found(["uberweisung"], None) == []  # accents and umlauts as typed
    assert found(["überweisung"], None) == []  # and their case, alike on both backends
    assert found(["50%"], None) == [printer]
    assert found(["5_%"], None) == []  # wildcards are themselves
    assert found([], None) == [] and found(["  "], None) == []
    assert len(store.search_requests(["a"], None, limit=2)) == 2
