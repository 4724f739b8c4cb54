"""Tables of requests: the requests, their tasks and their append-only history.

Declared on the store's one `metadata` (`kb.store.columns`) and named by
`kb.store.schema` too.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from kb.store.columns import Id, JsonText, Number, UtcDateTime, metadata

requests = Table(
    "requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("requester", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("description", Text, nullable=False),
    # Question and description folded for the queue's search
    # (`kb.store.request_search_text`); no field of `Request`.
    Column("search_text", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("assignee", Text),
    Column("status", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("updated", UtcDateTime, nullable=False),
    Column("first_response_due", UtcDateTime),
    Column("resolution_due", UtcDateTime),
    Column("first_responded_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("resolution", Text),
    Column("linked_articles", JsonText, nullable=False),
    Column("search_id", BigInteger),
    # What was searched for when no search is linked (it was not logged).
    Column("search_query", Text, nullable=False, server_default=""),
    Column("suggestions_shown", Boolean, nullable=False),
    Column("went_on_anyway", Boolean, nullable=False),
    Column("workflow", Text),
    Column("request_type", Text),
    Column("fields", JsonText, nullable=False),
    Column("rating", Integer),
    Column("rating_comment", Text, nullable=False),
    Column("rated_at", UtcDateTime),
    Column("watchers", JsonText, nullable=False),
    # Those of `watchers` who added themselves (`Request.self_watchers`).
    Column("self_watchers", JsonText, nullable=False),
    Column("merged_into", BigInteger),
    # The newest answer the requester got from someone who works the request,
    # and the newest of them they have seen (`Request.has_new_answer`; 0040).
    Column("answered_at", UtcDateTime),
    Column("requester_seen_at", UtcDateTime),
    Column("idempotency_key", String(200), unique=True),
    Column("version", Number, nullable=False),
    Index(None, "department", "status"),
    Index(None, "requester"),
    Index(None, "assignee"),
    Index(None, "resolution_due"),
    Index(None, "created"),
    Index(None, "search_id"),
)

request_tasks = Table(
    "request_tasks",
    metadata,
    Column(
        "request_id",
        Id,
        ForeignKey("requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("task_no", Number, primary_key=True, autoincrement=False),
    Column("department", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(32), nullable=False),
    Column("depends_on", JsonText, nullable=False),
    Column("assignee", Text),
    Column("due", UtcDateTime),
    Column("version", Number, nullable=False),
    Index(None, "department", "status"),
)

request_entries = Table(
    "request_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "request_id",
        Id,
        ForeignKey("requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("ts", UtcDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("data", JsonText, nullable=False),
    Column("visible_to_requester", Boolean, nullable=False),
    Index(None, "request_id"),
    Index(None, "kind"),
)

# Files attached to requests and replies (`kb.attachments`): what the store
# keeps about each (its bytes are in `attachment_blobs` or the files store,
# under `sha256`); `search_text` is the name and extracted text folded for
# matching (`kb.store.word_folding`), what agents search; `shared_with` the
# task departments whose agents read (and find) an internal one.
request_attachments = Table(
    "request_attachments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("entry_id", BigInteger),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("visible_to_requester", Boolean, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_problem", Text, nullable=False),
    Column("search_text", Text, nullable=False),
    # The task departments an internal file's note was shared with, each on a
    # line of its own ("\nit\n"; "" for none): their agents read it, and find
    # it when they search (`kb.requests.internal_notes`).
    Column("shared_with", Text, nullable=False, server_default=""),
    Index(None, "request_id"),
)

attachment_blobs = Table(
    "attachment_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created", UtcDateTime, nullable=False),
)

# The answers of calls on requests sent with an idempotency key (a reply, an
# internal note, files; `kb.store.sql_replays`), kept for a day so that a retry
# gets the first answer again. `key` is the caller's key kept per account
# (`kb.requests.submission.requester_key`), `fingerprint` what was sent;
# `status` NULL while the first call still runs; `posted` what it posted and
# which run of it did, written with the post itself (0041, `mark_posted`).
idempotent_answers = Table(
    "idempotent_answers",
    metadata,
    Column("key", Text, primary_key=True),
    Column("account", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer),
    Column("headers", JsonText, nullable=False),
    Column("body", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("posted", JsonText),
    Index(None, "account"),
    Index(None, "created"),
)
