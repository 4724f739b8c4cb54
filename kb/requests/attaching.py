"""Files on requests: attaching them (alone or with a reply), listing, opening,
and searching their text.

The requester and the agents of the request's queues may attach files
(`RequestPermissions.attach`); attachments of an internal note are the
agents' only. Uploads are checked and their text read before anything is
stored (`kb.attachments.intake`); the bytes go to the blob store first, then
the attachments are saved with their history entry and announcements in the
request's own transaction, the count limit checked again against the
current request (a concurrent upload makes the save retry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from kb.accounts.records import Role, User
from kb.attachments.blobs import BlobStore
from kb.attachments.intake import AttachmentRefused, Intake
from kb.attachments.records import Attachment, Upload
from kb.errors import NotFoundError, PermissionDenied
from kb.notify.topics import Topic
from kb.requests import merged_readers, permissions
from kb.requests.internal_notes import readable_attachments, readable_entries
from kb.requests.ledger import Ledger, Step, new_entry
from kb.requests.records import Request, RequestEntry
from kb.requests.working import RequestWork
from kb.store.protocols import AttachmentStore

SEARCH_LIMIT = 50


class AttachmentWork:
    """Attaching, reading and searching files of requests."""

    def __init__(
        self,
        ledger: Ledger,
        work: RequestWork,
        intake: Intake,
        blobs: BlobStore,
        store: AttachmentStore,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.work = work
        self.intake = intake
        self.blobs = blobs

    def attach(
        self,
        actor: User,
        request_id: int,
        uploads: Sequence[Upload],
        text: str = "",
        internal: bool = False,
    ) -> list[Attachment]:
        """Attach files, with a reply (`text`) or alone; returns them as stored."""
        request = self.ledger.load(actor, request_id)
        allowed = self.ledger.permissions(actor, request)
        permissions.require_attach(actor, request, allowed.attach)
        if internal:
            permissions.require_internal_notes(actor, request, allowed.internal_notes)
        prepared = self.intake.check(uploads, self.store.count_attachments(request_id))
        now = self.ledger.clock()
        files = [
            Attachment(
                request_id=request_id,
                name=p.name,
                kind=p.kind.name,
                size=len(p.data),
                sha256=self.blobs.put(p.data),
                uploaded_by=actor.username,
                created=now,
                visible_to_requester=not internal,
                text=p.text,
                text_problem=p.text_problem,
            )
            for p in self.intake.read_texts(prepared)
        ]

        def room(current: Request) -> None:
            # Again on the version saved: a merge that came first leaves no files behind.
            permissions.refuse_merged(current, "files")
            limit = self.intake.limits.max_count
            existing = self.store.count_attachments(request_id)
            if existing + len(files) > limit:
                raise AttachmentRefused("too_many", limit=limit, left=max(limit - existing, 0))

        if text.strip():
            saved = self.work.comment(actor, request_id, text, not internal, files, room)
        else:

            def change(current: Request, at: datetime) -> Step:
                room(current)
                shared = self.work.note_sharing(actor, current) if internal else {}
                data = {"attachments": [f.name for f in files], **shared}
                entry = new_entry(actor, current, at, "attachment", "", data, visible=not internal)
                return Step(replace(current, updated=at), entry, Topic.ATTACHED, tuple(files))

            saved = self.ledger.save(actor, request_id, change).after
        assert saved.id is not None
        mine = {(f.sha256, f.name) for f in files}
        return [
            a
            for a in self.store.attachments(saved.id)
            if a.created == now and a.uploaded_by == actor.username and (a.sha256, a.name) in mine
        ]

    def attachments(self, actor: User, request_id: int) -> list[Attachment]:
        """The attachments the actor may see: internal ones for agents of its queue,
        and those of notes shared with their task's department."""
        request = self.ledger.load(actor, request_id)
        found = self.store.attachments(request_id)
        if permissions.sees_internal(actor, request):
            return found
        entries = self.ledger.store.entries(request_id)
        return self._merged_reads(
            actor, request, readable_attachments(actor, request, found, entries), entries
        )

    def _merged_reads(
        self,
        actor: User,
        request: Request,
        found: list[Attachment],
        entries: list[RequestEntry] | None = None,
    ) -> list[Attachment]:
        """`found` less what the requester of a duplicate merged into the request
        does not read of it (`kb.requests.merged_readers`): the files of its
        requester and of other merged requesters."""
        merged = self.ledger.merged_reader(actor, request) if found else None
        if merged is None:
            return found
        assert request.id is not None
        every = self.ledger.store.entries(request.id) if entries is None else entries
        read = merged_readers.entries(
            readable_entries(actor, request, every), request, merged, actor.username
        )
        return merged_readers.attachments(found, request, merged, actor.username, read)

    def open(self, actor: User, request_id: int, attachment_id: int) -> tuple[Attachment, bytes]:
        """An attachment and its bytes (checked against its SHA-256)."""
        request = self.ledger.load(actor, request_id)
        attachment = self.store.attachment(attachment_id)
        if attachment.request_id != request_id or not self._merged_reads(
            actor,
            request,
            readable_attachments(
                actor, request, [attachment], self._entries_for(actor, request, attachment)
            ),
        ):
            raise NotFoundError(
                f"request {request_id} has no attachment {attachment_id}",
                details={"request": request_id, "attachment": attachment_id},
                key="no_attachment",
                values={"attachment": attachment_id},
            )
        return attachment, self.blobs.get(attachment.sha256)

    def _entries_for(
        self, actor: User, request: Request, attachment: Attachment
    ) -> list[RequestEntry]:
        """The request's entries, where they decide whether `actor` reads `attachment`."""
        if attachment.visible_to_requester or permissions.sees_internal(actor, request):
            return []
        assert request.id is not None
        return self.ledger.store.entries(request.id)

    def search(self, actor: User, text: str, department: str | None = None) -> list[Attachment]:
        """Attachments whose name and text hold every word of `text`, in the queues
        `actor` works (or in `department`, one of them), newest first."""
        words = text.split()
        agent_of = actor.departments(Role.AGENT)
        mine = None if agent_of is None or permissions.is_admin(actor) else sorted(agent_of)
        if department is not None:
            permissions.require_queue(actor, department)
            mine = [department]
        elif mine is not None and not mine:
            raise PermissionDenied(
                f"{actor.username} may not search attachments: only agents and admins may",
                details={"user": actor.username, "action": "search attachments"},
                key="attachment_search_who",
            )
        return self.store.search_attachments(words, mine, SEARCH_LIMIT) if words else []
