"""Replies after a merge: a merged duplicate takes none (they would stay where
nobody working the other request reads them); its requester replies on the
request it was merged into, which nobody else gains by the merge."""

from __future__ import annotations

import pytest

from kb.accounts.records import User
from kb.attachments.blobs import DatabaseBlobs
from kb.attachments.intake import AttachmentLimits, Intake
from kb.attachments.records import Upload
from kb.errors import ConflictError, NotFoundError, PermissionDenied
from kb.extract.base import Limits
from kb.extract.reader import DocumentReader
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import ADMIN, EMPLOYEE, IT_AGENT, IT_OWNER, OTHER, user

WATCHER = user("wanda", ("employee", None))  # watches the duplicate only
TARGET_WATCHER = user("theo", ("employee", None))  # watches the request merged into


@pytest.fixture
def merged(service: RequestService, store: Store) -> tuple[int, int]:
    """(duplicate, target): OTHER's duplicate, watched by WATCHER, merged into
    EMPLOYEE's request, watched by TARGET_WATCHER."""
    for person in (OTHER, WATCHER, TARGET_WATCHER):
        store.add_user(person)
    target = service.submit(EMPLOYEE, "VPN drops every hour", "My salary file is open", "it")
    duplicate = service.submit(OTHER, "VPN keeps dropping", department="it")
    assert target.id is not None and duplicate.id is not None
    service.watch(OTHER, duplicate.id, WATCHER.username)
    service.watch(EMPLOYEE, target.id, TARGET_WATCHER.username)
    service.merge(IT_AGENT, duplicate.id, target.id, "Same outage")
    return duplicate.id, target.id


def test_a_reply_on_a_merged_duplicate_is_refused_naming_the_request(
    service: RequestService, store: Store, merged: tuple[int, int]
) -> None:
    duplicate, target = merged
    before = store.entries(duplicate)
    for who in (OTHER, IT_AGENT):
        assert not service.permissions(who, duplicate).reply
        with pytest.raises(ConflictError, match=f"merged into request {target}") as refused:
            service.comment(who, duplicate, "Still broken here")
        error = refused.value
        assert (error.key, error.details["into"], error.details["reason"]) == (
            "reply_merged",
            target,
            "merged",
        )
        assert "nothing was saved" in str(error)
    # A watcher of the duplicate is told where the conversation went, too.
    with pytest.raises(ConflictError, match=f"write on request {target}"):
        service.comment(WATCHER, duplicate, "Me too")
    # Nor does an internal note stay on it: the agents of the request merged into read
    # that one's notes (`test_merged_changes`).
    with pytest.raises(ConflictError, match=f"write on request {target}"):
        service.comment(IT_AGENT, duplicate, "Merged after a call", visible_to_requester=False)
    assert store.entries(duplicate) == before


def test_files_sent_to_a_merged_duplicate_are_refused(
    service: RequestService, store: Store, merged: tuple[int, int]
) -> None:
    reader = DocumentReader(Limits(max_bytes=5_000_000, seconds=30))
    service.files.intake = Intake(AttachmentLimits(max_bytes=5_000_000, max_count=4), reader)
    service.files.blobs = DatabaseBlobs(store)
    duplicate, target = merged
    try:
        assert not service.permissions(OTHER, duplicate).attach
        with pytest.raises(ConflictError, match=f"merged into request {target}"):
            service.attach(OTHER, duplicate, [Upload("log.txt", b"drops at 10:02")])
        with pytest.raises(ConflictError, match=f"merged into request {target}"):
            service.attach(OTHER, duplicate, [Upload("log.txt", b"drops")], "See the log")
    finally:
        reader.close()
    assert store.attachments(duplicate) == []


def test_files_racing_a_merge_are_refused_on_the_version_saved(
    service: RequestService, store: Store
) -> None:
    """The merge lands between the check of an upload and its save: the save,
    re-checked on the fresh request, refuses it rather than leave files on it."""
    store.add_user(OTHER)
    target = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    duplicate = service.submit(OTHER, "VPN keeps dropping", department="it")
    assert target.id is not None and duplicate.id is not None
    reader = DocumentReader(Limits(max_bytes=5_000_000, seconds=30))
    intake = Intake(AttachmentLimits(max_bytes=5_000_000, max_count=4), reader)
    service.files.blobs = DatabaseBlobs(store)
    checked = intake.check

    def check_then_merge(*args: object, **kwargs: object) -> object:
        prepared = checked(*args, **kwargs)  # type: ignore[arg-type]
        service.merge(IT_AGENT, duplicate.id, target.id)  # type: ignore[arg-type]
        return prepared

    intake.check = check_then_merge  # type: ignore[method-assign]
    service.files.intake = intake
    try:
        with pytest.raises(ConflictError, match=f"merged into request {target.id}"):
            service.attach(OTHER, duplicate.id, [Upload("log.txt", b"drops at 10:02")])
    finally:
        reader.close()
    assert store.attachments(duplicate.id) == []


def test_the_duplicate_s_requester_follows_and_replies_on_the_target(
    service: RequestService, store: Store, merged: tuple[int, int]
) -> None:
    duplicate, target = merged
    allowed = service.permissions(OTHER, target)
    assert allowed.view and allowed.reply and allowed.attach and allowed.joined
    assert not allowed.work and not allowed.is_requester and not allowed.watch
    service.comment(OTHER, target, "Here too, since Monday")
    assert store.entries(target)[-1].actor == OTHER.username
    assert service.get(EMPLOYEE, target).id == target  # the requester reads it, as ever
    # A watcher who filed nothing merged into it still reads only.
    assert not service.permissions(TARGET_WATCHER, target).reply
    with pytest.raises(PermissionDenied):
        service.comment(TARGET_WATCHER, target, "Me too")
    # Stopping watching ends it: the merge granted following, nothing more.
    service.unwatch(OTHER, target)
    with pytest.raises(NotFoundError):
        service.comment(OTHER, target, "Again")


def test_the_merge_grants_the_duplicate_s_watchers_nothing_on_the_target(
    service: RequestService, merged: tuple[int, int]
) -> None:
    """T's question and conversation are its requester's: the agent who merged let
    D's requester read them, not the people D's requester chose to watch D."""
    duplicate, target = merged
    assert service.get(WATCHER, duplicate).merged_into == target
    with pytest.raises(NotFoundError):
        service.get(WATCHER, target)
    assert WATCHER.username not in service.get(IT_AGENT, target).watchers


@pytest.mark.parametrize(
    "actor",
    [EMPLOYEE, OTHER, WATCHER, TARGET_WATCHER, IT_AGENT, IT_OWNER, ADMIN],
    ids=lambda u: u.username,
)
def test_who_may_reply_after_a_merge_is_who_the_permissions_say(
    service: RequestService, merged: tuple[int, int], actor: User
) -> None:
    for request_id in merged:
        try:
            allowed = service.permissions(actor, request_id).reply
        except NotFoundError:
            continue
        try:
            service.comment(actor, request_id, "A word")
            done = True
        except (PermissionDenied, ConflictError):
            done = False
        assert done == allowed, (actor.username, request_id)
