"""The store's attachments on every backend: saved with their change, counted,
searched by folded words within departments, and the files' bytes by checksum."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from kb.attachments.records import Attachment
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.store.protocols import Store


def _request(store: Store, department: str = "it") -> Request:
    return store.create_request(
        Request(requester="emma", query="Printer jam", department=department)
    )


def _file(request: Request, name: str, text: str, *, visible: bool = True) -> Attachment:
    assert request.id is not None
    return Attachment(
        request_id=request.id,
        name=name,
        kind="txt",
        size=len(text) or 1,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        uploaded_by="emma",
        text=text,
        visible_to_requester=visible,
    )


def test_attachments_come_with_their_change_in_one_transaction(store: Store) -> None:
    request = _request(store)
    assert request.id is not None
    entry = RequestEntry(request_id=request.id, actor="emma", kind="attachment")
    files = [_file(request, "a.txt", "Überweisung für März"), _file(request, "b.txt", "tray 2")]
    saved = store.update_request(replace(request, assignee="ian"), entry, None, files)
    assert saved.version == request.version + 1
    stored = store.attachments(request.id)
    history = store.entries(request.id)
    assert [a.name for a in stored] == ["a.txt", "b.txt"]
    assert {a.entry_id for a in stored} == {history[-1].id}
    assert store.attachment(stored[0].id) == stored[0]  # type: ignore[arg-type]
    assert store.count_attachments(request.id) == 2
    # A stale change stores none of its attachments.
    try:
        store.update_request(request, entry, None, [_file(request, "c.txt", "late")])
    except Exception as exc:  # noqa: BLE001 - the conflict is the point
        assert "changed by someone else" in str(exc)
    assert store.count_attachments(request.id) == 2


def test_search_matches_every_word_folded_within_departments(store: Store) -> None:
    it = _request(store, "it")
    hr = _request(store, "hr")
    onboarding = store.create_request(
        Request(requester="emma", query="Onboarding", department="hr", workflow="onboarding"),
        [
            RequestTask(department="hr", title="Record"),
            RequestTask(department="it", title="Laptop"),
        ],
    )
    for request, name, text in (
        (it, "scan.txt", "ÜBERWEISUNG März 2026"),
        (hr, "contract.txt", "Überweisung des Gehalts"),
        (onboarding, "laptop.txt", "Überweisung Laptop"),
    ):
        assert request.id is not None
        entry = RequestEntry(request_id=request.id, actor="emma", kind="attachment")
        store.update_request(request, entry, None, [_file(request, name, text)])
    # An umlaut typed as the article search takes it: "ü", "u" or "ue" alike.
    for word in ("uberweisung", "ueberweisung", "Überweisung", "ÜBERWEISUNG", "Ueberweisung"):
        found = store.search_attachments([word], ["it"])
        assert sorted(a.name for a in found) == ["laptop.txt", "scan.txt"], word  # a task counts
    found = store.search_attachments(["Überweisung", "marz"], ["it"])
    assert [a.name for a in found] == ["scan.txt"]
    assert [a.name for a in store.search_attachments(["Überweisung", "März"], None)] == ["scan.txt"]
    assert [a.name for a in store.search_attachments(["maerz", "2026"], None)] == ["scan.txt"]
    assert len(store.search_attachments(["überweisung"], None)) == 3
    assert store.search_attachments(["50%_"], None) == []


def test_search_folds_as_the_requests_search_does(store: Store) -> None:
    """Accents of every letter, compatibility forms, and an umlaut that the
    file spells out while the word typed has it: as a queue's requests are found."""
    request = _request(store, "it")
    assert request.id is not None
    files = [
        _file(request, "Café.txt", "Buero im ＥＲＤＧＥＳＣＨＯＳＳ, Straße"),
        _file(request, "notes.txt", "Bu\u0308ro key"),
    ]
    entry = RequestEntry(request_id=request.id, actor="emma", kind="attachment")
    store.update_request(request, entry, None, files)

    def found(*words: str) -> list[str]:
        return sorted(a.name for a in store.search_attachments(list(words), None))

    assert found("cafe") == found("CAFÉ") == ["Café.txt"]
    assert found("Büro") == found("buero") == ["Café.txt", "notes.txt"]
    assert found("buro") == ["notes.txt"]  # "Buero" may be anything, as typed
    assert found("erdgeschoss", "strasse") == found("straße") == ["Café.txt"]


def test_blobs_are_kept_once(store: Store) -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    store.put_blob(digest, b"x")
    store.put_blob(digest, b"x")
    assert store.get_blob(digest) == b"x"
    assert store.get_blob("0" * 64) is None
    assert store.has_blob(digest) and not store.has_blob("0" * 64)


def test_an_internal_file_is_found_by_the_task_departments_its_note_is_shared_with(
    store: Store,
) -> None:
    onboarding = store.create_request(
        Request(requester="emma", query="Onboarding", department="hr", workflow="onboarding"),
        [
            RequestTask(department="hr", title="Record"),
            RequestTask(department="it_ops", title="Laptop"),
            RequestTask(department="it", title="Account"),
            RequestTask(department="itxops", title="Badge"),
        ],
    )
    assert onboarding.id is not None
    for shared, name in ((["it_ops"], "quote laptop.txt"), ([], "salary laptop.txt")):
        data = {"shared_with": shared} if shared else {}
        entry = RequestEntry(
            request_id=onboarding.id,
            actor="ian",
            kind="comment",
            data=data,
            visible_to_requester=False,
        )
        current = store.get_request(onboarding.id)
        file = _file(current, name, "", visible=False)
        store.update_request(current, entry, None, [file])
    names = [a.name for a in store.search_attachments(["laptop"], ["it_ops"])]
    assert names == ["quote laptop.txt"]
    # A department is matched whole: "it", and "itxops" (what "_" would match in
    # a LIKE pattern left unescaped), do not read it.
    for department in ("it", "itxops"):
        assert store.search_attachments(["laptop"], [department]) == [], department
    assert len(store.search_attachments(["laptop"], ["hr"])) == 2  # the owning queue
