"""Replies, internal notes and files sent again with the same Idempotency-Key (on
SQLite and PostgreSQL): the first answer again, nothing posted or mailed twice;
another call with the key is a 409; keys belong to the account."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.requests.submission import requester_key
from kb.store.protocols import Store
from kb.store.replays import KeptAnswer
from tests.support import error_of, filed_request, sign_in_as, text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from webapp.requests.replays import json_call

pytestmark = pytest.mark.usefixtures("people")

KEY = "0f8c2a4e-8c59-4f1e-a3a3-2c1f0e4b9d11"


@pytest.fixture
def request_id(client: FlaskClient) -> int:
    return filed_request(client)


def comment(client: FlaskClient, token: str, request_id: int, key: str, **body: Any) -> Any:
    return client.post(
        f"/api/requests/{request_id}/comments",
        json=body,
        headers={"X-CSRF-Token": token, "Idempotency-Key": key},
    )


def mails(store: Store) -> int:
    return len(store.due_messages(datetime.now(UTC) + timedelta(days=30), limit=1000))


def entries(store: Store, request_id: int, kind: str) -> int:
    return sum(e.kind == kind for e in store.entries(request_id))


def database_down(*args: Any, **kwargs: Any) -> None:
    from kb.errors import StoreUnavailableError

    raise StoreUnavailableError("the database is not available right now")


def upload_log(client: FlaskClient, token: str, request_id: int) -> Any:
    """Files with a reply, sent with `KEY`."""
    return client.post(
        f"/api/requests/{request_id}/attachments",
        data={"file": [(io.BytesIO(b"paper tray 2 jams"), "notes.txt")], "text": "Log"},
        headers={"X-CSRF-Token": token, "Idempotency-Key": KEY},
        content_type="multipart/form-data",
    )


def test_a_reply_sent_again_is_answered_once(
    client: FlaskClient, store: Store, request_id: int
) -> None:
    token = sign_in_as(client, "ivan")
    first = comment(client, token, request_id, KEY, text="Which printer?")
    assert first.status_code == 201, text_of(first)
    replies, sent = entries(store, request_id, "comment"), mails(store)
    again = comment(client, token, request_id, KEY, text="Which printer?")
    assert again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert (entries(store, request_id, "comment"), mails(store)) == (replies, sent)
    # The same key with another text (or as an internal note) is refused, nothing saved.
    for body in ({"text": "Which floor?"}, {"text": "Which printer?", "internal": True}):
        refused = error_of(comment(client, token, request_id, KEY, **body), 409, "conflict")
        assert refused["details"]["field"] == "Idempotency-Key"
        assert "already sent with another call" in refused["message"]
    assert entries(store, request_id, "comment") == replies
    # Without a key, or with a new one, each is a reply of its own.
    comment(client, token, request_id, "another-key", text="Which printer?")
    assert entries(store, request_id, "comment") == replies + 1


def test_keys_belong_to_the_account_and_a_refused_call_keeps_nothing(
    client: FlaskClient, store: Store, request_id: int
) -> None:
    token = sign_in_as(client, "ivan")
    assert comment(client, token, request_id, KEY, text="From IT").status_code == 201
    token = sign_in_as(client, "emma")
    mine = comment(client, token, request_id, KEY, text="From emma")
    assert mine.status_code == 201, text_of(mine)
    assert "Idempotent-Replayed" not in mine.headers
    # A refused call (an empty reply) keeps no answer: sent right, it is posted.
    error_of(comment(client, token, request_id, "k2", text=" "), 400, "invalid_request")
    assert comment(client, token, request_id, "k2", text="Now with text").status_code == 201
    texts = [e.message for e in store.entries(request_id) if e.kind == "comment"]
    assert texts == ["From IT", "From emma", "Now with text"]
    error_of(comment(client, token, request_id, "not a key!", text="x"), 400, "invalid_request")


def test_files_sent_again_are_attached_once(
    client: FlaskClient, store: Store, request_id: int
) -> None:
    token = sign_in_as(client, "ivan")

    def upload(data: bytes, internal: str = "1") -> Any:
        return client.post(
            f"/api/requests/{request_id}/attachments",
            data={"file": [(io.BytesIO(data), "notes.txt")], "text": "Log", "internal": internal},
            headers={"X-CSRF-Token": token, "Idempotency-Key": KEY},
            content_type="multipart/form-data",
        )

    first = upload(b"paper tray 2 jams")
    assert first.status_code == 201, text_of(first)
    again = upload(b"paper tray 2 jams")  # a new multipart boundary, the same call
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(store.attachments(request_id)) == 1
    assert entries(store, request_id, "note") + entries(store, request_id, "comment") == 1
    error_of(upload(b"another file"), 409, "conflict")
    error_of(upload(b"paper tray 2 jams", internal=""), 409, "conflict")
    assert len(store.attachments(request_id)) == 1


def test_a_retry_while_the_first_call_runs_is_told_to_wait(
    client: FlaskClient, store: Store, request_id: int
) -> None:
    token = sign_in_as(client, "ivan")
    path = f"/api/requests/{request_id}/comments"
    with client.application.test_request_context(path, method="POST"):
        sent = json_call({"text": "Which printer?"})
    store.claim_answer(KeptAnswer(requester_key("ivan", KEY), "ivan", sent), datetime.now(UTC))
    refused = error_of(comment(client, token, request_id, KEY, text="Which printer?"), 409,
                       "conflict")  # fmt: skip
    assert "still running" in refused["message"]
    assert entries(store, request_id, "comment") == 0


def test_a_replay_is_read_again_as_the_caller_may_read_it_now(
    client: FlaskClient, store: Store, request_id: int
) -> None:
    """An agent who loses the queue gets no internal note back from a retry."""
    from kb.accounts.roles import revoke_role

    token = sign_in_as(client, "ivan")
    first = comment(client, token, request_id, KEY, text="Salary sheet inside", internal=True)
    assert first.status_code == 201, text_of(first)
    assert "Salary sheet inside" in text_of(first)

    def upload() -> Any:
        return client.post(
            f"/api/requests/{request_id}/attachments",
            data={"file": [(io.BytesIO(b"salaries"), "pay.txt")], "internal": "1"},
            headers={"X-CSRF-Token": token, "Idempotency-Key": "files-1"},
            content_type="multipart/form-data",
        )

    assert upload().status_code == 201
    revoke_role(store, "ivan", "agent", "it", reason="moved to HR")
    token = sign_in_as(client, "ivan")
    again = comment(client, token, request_id, KEY, text="Salary sheet inside", internal=True)
    assert again.status_code == 404, text_of(again)
    assert "Salary sheet inside" not in text_of(again)
    files = upload()
    assert files.status_code == 404 and "pay.txt" not in text_of(files)


def test_a_replay_shows_the_request_as_it_reads_now_without_notes_gone_from_view(
    client: FlaskClient, store: Store
) -> None:
    """An agent who is also the requester keeps the request, but a retry after the
    agent role is gone answers it without the queue's internal notes."""
    from kb.accounts.roles import revoke_role

    request_id = filed_request(client, user="ivan")
    token = sign_in_as(client, "ivan")
    first = comment(client, token, request_id, KEY, text="Only for IT", internal=True)
    assert first.status_code == 201 and "Only for IT" in text_of(first)
    # A reply's answer (the whole request) is not kept: a retry reads it again.
    kept = store.claim_answer(
        KeptAnswer(requester_key("ivan", KEY), "ivan", "-"), datetime.now(UTC)
    )
    assert kept is not None and kept.status == 201 and kept.body == ""
    revoke_role(store, "ivan", "agent", "it", reason="left the queue")
    token = sign_in_as(client, "ivan")
    again = comment(client, token, request_id, KEY, text="Only for IT", internal=True)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert "Only for IT" not in text_of(again)


def test_no_account_and_key_spell_another_s_and_long_keys_are_refused(
    client: FlaskClient, store: Store, request_id: int
) -> None:
    """Tried in the security review: a stored key is `username:key`, so no username
    may hold ":" (`a:b` + `c` would be `a` + `b:c`); a key past 100 characters, or
    of other characters, is a 400 and nothing is posted."""
    from kb.accounts.records import USERNAME_PATTERN

    assert not USERNAME_PATTERN.match("ivan:x")
    token = sign_in_as(client, "ivan")
    for key in ("k" * 101, "a b", "ключ", "x\r\nX-Injected: 1"[:100]):
        answer = client.post(
            f"/api/requests/{request_id}/comments",
            json={"text": "Which printer?"},
            headers={"X-CSRF-Token": token, "Idempotency-Key": key.replace("\r\n", " ")},
        )
        assert answer.status_code == 400, key
    assert entries(store, request_id, "comment") == 0


def test_a_reply_whose_worker_was_stopped_midway_is_posted_by_its_retry_at_once(
    client: FlaskClient, store: Store, request_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker stopped for taking too long gets a `SystemExit` in the middle of
    the call: its claim is dropped on the way out, so the retry runs, not a 409
    "still running" for as long as the claim would have lived."""
    import webapp.requests.api as api

    token = sign_in_as(client, "ivan")
    limit = api.limit_account

    def stopped(*args: Any) -> None:
        monkeypatch.setattr(api, "limit_account", limit)
        raise SystemExit(1)

    monkeypatch.setattr(api, "limit_account", stopped)
    with pytest.raises(SystemExit):
        comment(client, token, request_id, KEY, text="Which printer?")
    again = comment(client, token, request_id, KEY, text="Which printer?")
    assert again.status_code == 201, text_of(again)
    assert "Idempotent-Replayed" not in again.headers
    assert entries(store, request_id, "comment") == 1


def test_files_that_failed_with_the_database_are_posted_by_a_retry_soon(
    client: FlaskClient, store: Store, request_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database unreachable for the upload and for dropping its claim: the
    caller gets the call's 503, and the claim, renewed no more, is free within
    a minute (it was five)."""
    import webapp.requests.replays as replays
    from webapp import services

    token = sign_in_as(client, "ivan")
    service = services.request_service(client.application)

    def upload() -> Any:
        return upload_log(client, token, request_id)

    down = database_down

    with monkeypatch.context() as broken:
        broken.setattr(type(service), "attach", down)
        broken.setattr(type(store), "drop_answer", down)
        error_of(upload(), 503, "store_unavailable")
    assert error_of(upload(), 409, "conflict")["details"]["field"] == "Idempotency-Key"
    a_minute_later = datetime.now(UTC) + timedelta(minutes=1)
    monkeypatch.setattr(replays, "utc_now", lambda: a_minute_later)
    assert upload().status_code == 201
    assert len(store.attachments(request_id)) == 1


def test_a_reply_whose_answer_could_not_be_kept_is_not_posted_again_by_a_late_retry(
    client: FlaskClient, store: Store, request_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply is stored (and its mail queued), then keeping its answer fails: a
    retry after the claim would have lapsed (30 s) is answered, not posted again."""
    import webapp.requests.replays as replays

    token = sign_in_as(client, "ivan")
    with monkeypatch.context() as broken:
        broken.setattr(type(store), "keep_answer", database_down)
        first = comment(client, token, request_id, KEY, text="Which printer?")
    assert first.status_code == 201, text_of(first)  # posted: the caller is told so
    replies, sent = entries(store, request_id, "comment"), mails(store)
    assert replies == 1
    a_minute_later = datetime.now(UTC) + timedelta(minutes=1)
    monkeypatch.setattr(replays, "utc_now", lambda: a_minute_later)
    again = comment(client, token, request_id, KEY, text="Which printer?")
    assert again.status_code == 201, text_of(again)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert (entries(store, request_id, "comment"), mails(store)) == (replies, sent)


def test_a_reply_that_failed_after_it_was_posted_is_answered_by_its_retry(
    client: FlaskClient, store: Store, request_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply is saved, then reading the request back for the answer fails: the
    caller hears the error, and the retry is answered with the reply posted once
    (before, the failed call dropped its claim and the retry posted again)."""
    import webapp.requests.api as api
    from kb.errors import StoreUnavailableError

    token = sign_in_as(client, "ivan")
    detail = api._detail

    def down(request_id: int) -> Any:
        monkeypatch.setattr(api, "_detail", detail)
        raise StoreUnavailableError("the database is not available right now")

    monkeypatch.setattr(api, "_detail", down)
    error_of(comment(client, token, request_id, KEY, text="Which printer?"), 503,
             "store_unavailable")  # fmt: skip
    assert entries(store, request_id, "comment") == 1
    again = comment(client, token, request_id, KEY, text="Which printer?")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert "Which printer?" in text_of(again)
    assert entries(store, request_id, "comment") == 1


def test_files_whose_answer_could_not_be_kept_are_answered_with_the_files_posted(
    client: FlaskClient, store: Store, request_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webapp.requests.replays as replays

    token = sign_in_as(client, "ivan")

    def upload() -> Any:
        return upload_log(client, token, request_id)

    down = database_down

    with monkeypatch.context() as broken:
        broken.setattr(type(store), "keep_answer", down)
        first = upload()
    assert first.status_code == 201, text_of(first)
    a_minute_later = datetime.now(UTC) + timedelta(minutes=1)
    monkeypatch.setattr(replays, "utc_now", lambda: a_minute_later)
    again = upload()
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json() and len(first.get_json()["attachments"]) == 1
    assert len(store.attachments(request_id)) == 1
    assert entries(store, request_id, "comment") == 1
