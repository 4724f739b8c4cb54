"""The store's search of requests by their words on every backend: every word in
the question or description, case and accents ignored for every letter, within
departments and their tasks, newest first."""

from __future__ import annotations

from dataclasses import replace

from kb.requests.records import Request, RequestEntry, RequestTask
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
    assert found(["50%"], None) == [printer]
    assert found(["5_%"], None) == []  # wildcards are themselves
    assert found([], None) == [] and found(["  "], None) == []
    assert len(store.search_requests(["a"], None, limit=2)) == 2


def test_search_ignores_case_and_accents_of_every_letter(store: Store) -> None:
    office = _request(store, "Neues Büro für Ärzte", "Straße, ÉTAGE 3")
    cafe = _request(store, "Café upstairs", "ﬁx the ＣＯＦＦＥＥ machine")
    decomposed = _request(store, "Bu\u0308ro key", department="hr")

    def found(*words: str) -> list[int | None]:
        return [r.id for r in store.search_requests(list(words), None)]

    for word in ("buro", "BÜRO", "büro", "Bu\u0308ro", "buero", "BUERO"):
        assert found(word) == [decomposed, office], word
    assert found("ARZTE", "strasse", "straße", "etage") == [office]
    assert found("aerzte") == [office]
    assert found("cafe") == found("CAFÉ") == found("café") == [cafe]
    assert found("fix", "coffee") == [cafe]  # a ligature and full-width letters, plain
    assert found("für", "etage") == [office]  # words of question and description
    assert found("buro fur") == [office] and found("büro für ärzte") == [office]
    assert found("arzte straße") == []  # no phrase spans question and description
    assert found("buerofuer") == [] and found("caffe") == []


def test_a_word_with_an_umlaut_finds_it_spelled_out(store: Store) -> None:
    """Whoever wrote the request may have spelled the umlaut out ("Buero"): a
    word typed with the umlaut finds that too, as the attachments' search does."""
    spelled = _request(store, "Schluessel fuer das Buero")
    assert [r.id for r in store.search_requests(["Schlüssel", "BÜRO"], None)] == [spelled]
    assert [r.id for r in store.search_requests(["schluessel"], None)] == [spelled]
    assert store.search_requests(["schlussel"], None) == []  # "ue" may be anything, as typed


def test_search_finds_requests_by_their_text_after_it_changes(store: Store) -> None:
    """The folded text is written with every change of the request, not only
    when it is filed."""
    stored = store.create_request(Request(requester="emma", query="Printer", department="it"))
    assert stored.id is not None
    changed = replace(stored, query="Drucker im Büro", description="Tóner leer")
    entry = RequestEntry(request_id=stored.id, actor="emma", kind="comment")
    store.update_request(changed, entry)
    assert [r.id for r in store.search_requests(["buro", "toner"], None)] == [stored.id]
    assert store.search_requests(["printer"], None) == []
