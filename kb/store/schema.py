"""Tables of the store, as SQLAlchemy Core metadata.

Enums are stored as their string values in plain strings, never as database
enum types, so adding a status is a code change and not a migration. Free
text is TEXT: PostgreSQL enforces VARCHAR lengths and SQLite does not, so a
length appears only where the domain record already bounds the value.

This metadata is what the code queries. The column types and the `MetaData`
are `kb.store.columns`'; the tables of requests (their tasks, history,
attachments, ratings and watchers) are declared in `kb.store.schema_requests`,
those of insights (rollups, gap topics) in `kb.store.schema_insights`; both
are named here too, so `kb.store.schema` stays the one place to import a table
from. The migrations in `kb/store/migrations/versions/` create the same
tables; a test compares the two so they cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    false,
)

from kb.store.columns import Id, JsonText, Number, UtcDateTime, metadata
from kb.store.schema_insights import (
    gap_questions,
    gap_topics,
    insights_articles,
    insights_day_people,
    insights_days,
    insights_gap_uses,
    insights_question_days,
    insights_question_people,
    insights_questions,
    insights_request_days,
    insights_request_texts,
    insights_request_topics,
    insights_state,
    insights_topic_blocks,
    insights_topic_days,
)
from kb.store.schema_requests import (
    attachment_blobs,
    idempotent_answers,
    request_attachments,
    request_entries,
    request_tasks,
    requests,
)

__all__ = [
    "attachment_blobs",
    "gap_questions",
    "gap_topics",
    "idempotent_answers",
    "insights_articles",
    "insights_day_people",
    "insights_days",
    "insights_gap_uses",
    "insights_question_days",
    "insights_question_people",
    "insights_questions",
    "insights_request_days",
    "insights_request_texts",
    "insights_request_topics",
    "insights_state",
    "insights_topic_blocks",
    "insights_topic_days",
    "metadata",
    "request_attachments",
    "request_entries",
    "request_tasks",
    "requests",
]

search_events = Table(
    "search_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ts", UtcDateTime, nullable=False),
    Column("query", Text, nullable=False),
    Column("query_norm", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("filters", JsonText, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("department", Text),
    Column("department_confidence", Float, nullable=False),
    Column("result_ids", JsonText, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("page", Number, nullable=False),
    Column("person", Text),
    Column("answer_id", Text),
    # NULL for searches logged before the column: not known to be an account's.
    Column("signed_in", Boolean),
    Index(None, "ts"),
    Index(None, "answered", "query_norm"),
)

click_events = Table(
    "click_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "search_id",
        Id,
        ForeignKey("search_events.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("article_id", Text, nullable=False),
    Column("rank", Number, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("ts", UtcDateTime, nullable=False),
    Index(None, "search_id"),
    Index(None, "ts"),
    Index(None, "article_id"),
)

# search_id here and in `requests` is a soft reference: feedback and requests
# are kept after old search events are purged.
feedback_events = Table(
    "feedback_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("article_id", Text, nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("comment", Text, nullable=False),
    Column("search_id", BigInteger),
    Column("user_id", Text, nullable=False),
    Column("ts", UtcDateTime, nullable=False),
    # What was searched for when no search is linked (it was not logged).
    Column("query", Text, nullable=False, server_default=""),
    # Who voted (keyed pseudonym), kept with the words only: insights count people.
    Column("person", Text, nullable=False, server_default=""),
    # The language of the words, as a search's is detected: gap topics group by it.
    Column("lang", Text, nullable=False, server_default=""),
    Index(None, "ts"),
    Index(None, "article_id"),
    Index(None, "search_id"),
)

users = Table(
    "users",
    metadata,
    Column("username", String(254), primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("grants", JsonText, nullable=False),
    Column("password_hash", Text),
    Column("created", UtcDateTime, nullable=False),
    Column("session_generation", Number, nullable=False, server_default="0"),
    # `kb.accounts.records.username_key`: unique, so `Alice` cannot join `alice`.
    # NULL only on accounts that already had a twin when the key came in (0019).
    Column("username_key", String(254)),
    # Who the account is to insights (`User.person_key`): set at creation, kept
    # on rename; NULL on accounts from before 0021, whose key is their username.
    Column("person_key", String(254)),
    # Signed in with a temporary password an administrator gave
    # (`kb.accounts.passwords`): nothing but a new password until it is chosen.
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    # The interface language the account last picked (`User.language`), that
    # mails to it are written in; "" for none (the question's language then).
    Column("language", String(8), nullable=False, server_default=""),
    Index(None, "username_key", unique=True),
)

# The grant history (`kb.accounts.grant_history`): every role granted, revoked
# (`kb.store.sql_accounts`) or moved from one department to another with its
# requests (`kb requests move-department --move-grants`,
# `kb.store.sql_department_moves`): whose role, which `change`, from and to
# which department ("" for none), by whom, when and why. `username` follows
# the account's renames (`kb.store.sql_account_names`).
grant_changes = Table(
    "grant_changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(254), nullable=False),
    Column("role", Text, nullable=False),
    Column("change", Text, nullable=False, server_default="moved"),
    Column("from_department", Text, nullable=False),
    Column("to_department", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("ts", UtcDateTime, nullable=False),
    Index(None, "username"),
)

# Former names of single-sign-on accounts, which the proxy may still send
# (`kb.store.sql_account_aliases`): `name_key` is the name's `username_key`.
account_aliases = Table(
    "account_aliases",
    metadata,
    Column("name_key", String(254), primary_key=True),
    Column("name", String(254), nullable=False),
    Column("username", String(254), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Index(None, "username"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("topic", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("payload", JsonText, nullable=False),
    Column("attempts", Number, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    Column("last_error", Text),
    Index(None, "delivered_at", "next_attempt_at"),
)

# Snapshots of the search index, for the `database` snapshot store
# (`indexer.snapshot_store.database`): files by SHA-256, cut into parts of a
# few MiB, the manifest of each published snapshot, and the current one.
snapshot_files = Table(
    "snapshot_files",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("parts", Number, nullable=False),
    Column("created", UtcDateTime, nullable=False),
)

snapshot_parts = Table(
    "snapshot_parts",
    metadata,
    Column(
        "digest",
        String(64),
        ForeignKey("snapshot_files.digest", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("part", Number, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("manifest", Text, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("published", UtcDateTime, nullable=False),
)

snapshot_current = Table(
    "snapshot_current",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("updated", UtcDateTime, nullable=False),
)

# The highest snapshot sequence the cluster has published or served
# (`indexer.sequence_mark`): one row, what a node without a snapshot of its
# own compares the store's with, so that an older signed one is not replayed
# to it.
snapshot_sequence = Table(
    "snapshot_sequence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("sequence", BigInteger, nullable=False),
    Column("name", String(200), nullable=False),
    Column("updated", UtcDateTime, nullable=False),
)

# Versions of article files saved in the browser or the API (`kb.store.sql_versions`):
# the whole text of each, numbered from 1 per article.
article_versions = Table(
    "article_versions",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("number", Number, primary_key=True, autoincrement=False),
    Column("ts", UtcDateTime, nullable=False),
    Column("author", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("message", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Index(None, "ts"),
)

# Rate-limit counters (`kb.store.sql_limits`): one row per key, in fixed windows
# that end at `window_end` (seconds since the epoch).
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", Text, primary_key=True),
    Column("hits", Number, nullable=False),
    Column("window_end", Float, nullable=False),
    Index(None, "window_end"),
)

# Tables that hold the search index rather than what people recorded: backups
# take the index from the snapshot folder instead (see `kb.backup`). The
# sequence mark is left out too: a restore must never lower it.
INDEX_TABLES = frozenset(
    {"snapshot_files", "snapshot_parts", "snapshots", "snapshot_current", "snapshot_sequence"}
)

# A restore's mark, written in the transaction that loads the backup's rows:
# a restore killed after that commit is finished by the next start, one killed
# before it is undone (`kb.backup.recovery`). The row goes once the restore is
# done; backups leave the table out.
restore_marks = Table(
    "restore_marks",
    metadata,
    Column("token", String(64), primary_key=True),
)

# The key the product signs with when no `secret_key` is set
# (`kb.store.site_keys`): made once, shared by every node and restart of this
# database. Backups leave it out, so a backup folder holds no key that signs
# a session, and a restore keeps the database's own.
site_keys = Table(
    "site_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
)
NOT_BACKED_UP = INDEX_TABLES | {"restore_marks", "site_keys"}
