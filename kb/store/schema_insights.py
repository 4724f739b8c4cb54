"""Tables of insights: daily rollups of the event tables, knowledge-gap topics.

Declared on the store's one `metadata` (`kb.store.columns`) and named by
`kb.store.schema` too. The rollups (`kb.store.insights_rollup`) let the
insights pages read a few thousand rows instead of millions of events: every
figure a page shows is a sum over days, and every count of distinct people a
union of the days' sketches (`kb.insights.sketches`). `department` is ''
where a search was routed nowhere.

The counts stay `Integer` (32 bits on PostgreSQL) where 0017 widened the
numbers people set: each counts one day's events (a topic block's, 8 days'),
and passing 2^31 would take some 25,000 searches a second all day (3,100 a
second on one gap topic). A period's sums are `bigint` on PostgreSQL, which
sums `integer` so, while `bigint` columns would sum as `numeric`
(`tests/kb/store/test_store_insights.py` sums past 2^31 on both databases).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
)

from kb.store.columns import Id, UtcDateTime, metadata

# Per day and department: the counts the overview adds up; `people` browsers
# searched that day (exactly: the day's search sessions), `requested` of them
# filed a request from such a search; the sketch of the signed-in accounts that
# searched, for distinct people over a period (`signed_out_searches` the rest).
insights_days = Table(
    "insights_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("department", Text, primary_key=True),
    Column("searches", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("zero_results", Integer, nullable=False),
    Column("clicked", Integer, nullable=False),
    Column("helpful", Integer, nullable=False),
    Column("not_helpful", Integer, nullable=False),
    Column("ask_sessions", Integer, nullable=False, server_default="0"),
    Column("deflected", Integer, nullable=False, server_default="0"),
    Column("signed_out_searches", Integer, nullable=False, server_default="0"),
    Column("people", Integer, nullable=False, server_default="0"),
    Column("requested", Integer, nullable=False, server_default="0"),
    Column("people_sketch", LargeBinary),
)

# The same people figures for the whole day (a person who searched in two
# departments is one person, one session; the sketch holds accounts).
insights_day_people = Table(
    "insights_day_people",
    metadata,
    Column("day", Date, primary_key=True),
    Column("people", Integer, nullable=False),
    Column("requested", Integer, nullable=False),
    Column("people_sketch", LargeBinary),
    # The deflection rule the day was counted under (`kb.store.insights_deflection`);
    # rows from before it was recorded are of the first rule.
    Column("deflection_rule", SmallInteger, nullable=False, server_default="1"),
)

# Failed question texts per day and department they were routed to, with a
# sketch of the people who failed with each there.
insights_questions = Table(
    "insights_questions",
    metadata,
    Column("day", Date, primary_key=True),
    Column("query_norm", Text, primary_key=True),
    Column("department", Text, primary_key=True),
    Column("lang", Text, nullable=False),
    Column("searches", Integer, nullable=False),
    Column("unanswered", Integer, nullable=False),
    Column("unclicked", Integer, nullable=False),
    Column("not_helpful", Integer, nullable=False),
    # Who failed with it there: a department's people per gap topic (0042).
    Column("people_sketch", LargeBinary),
    Index(None, "query_norm"),
)

# Failed question texts per day, all departments together: searches, how
# many people failed with it that day, and the gap topic the text is placed
# in (kept in step by `kb.store.insights_topics`). The index serves the gaps
# view: per topic and text, the days' sums, without reading the table.
insights_question_days = Table(
    "insights_question_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("query_norm", Text, primary_key=True),
    Column("topic_id", Id),
    Column("searches", Integer, nullable=False),
    Column("people", Integer, nullable=False),
    Index(None, "query_norm"),
    Index(
        "ix_insights_question_days_by_topic", "topic_id", "query_norm", "day", "searches", "people"
    ),
)

# Who failed with a question text on a day (pseudonymous ids): read only to
# count the people of texts whose daily counts leave the minimum-people rule
# undecided (`kb.insights.privacy.shown_per_topic`), and to sketch topic days.
insights_question_people = Table(
    "insights_question_people",
    metadata,
    Column("query_norm", Text, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("person", Text, primary_key=True),
    Index(None, "day"),
)

# Per day and question text of a gap topic: all its searches, failed or not,
# and how many were used (a result opened or voted helpful), so that a gap
# whose searches were answered but not used can be seen to close
# (`kb.insights.verify`). Only texts placed in a topic when their day was
# rolled up: the other texts of a day are most of the log. 0042.
insights_gap_uses = Table(
    "insights_gap_uses",
    metadata,
    Column("day", Date, primary_key=True),
    Column("query_norm", Text, primary_key=True),
    Column("searches", Integer, nullable=False),
    Column("used", Integer, nullable=False),
    Index(None, "query_norm"),
)

# Per day and gap topic: its questions' searches and a sketch of their
# people, added up from `insights_question_days` and `insights_question_people`.
insights_topic_days = Table(
    "insights_topic_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("topic_id", Id, primary_key=True),
    Column("searches", Integer, nullable=False),
    Column("people_sketch", LargeBinary),
)

# The same per block of `BLOCK_DAYS` days (starting on a day whose ordinal is
# a multiple of it): a period reads its whole blocks here and only the days
# at its edges from `insights_topic_days` (a 90-day period: about 25 rows per
# topic instead of 90, each a sketch to merge).
insights_topic_blocks = Table(
    "insights_topic_blocks",
    metadata,
    Column("first_day", Date, primary_key=True),
    Column("topic_id", Id, primary_key=True),
    Column("searches", Integer, nullable=False),
    Column("people_sketch", LargeBinary),
)

# Each request's question as insights group it (masked, normalised) and its
# gap topic, so that no page masks request texts at read time.
insights_request_texts = Table(
    "insights_request_texts",
    metadata,
    Column(
        "request_id",
        Id,
        ForeignKey("requests.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("query_norm", Text, nullable=False),
    Column("topic_id", Id),
    Index(None, "query_norm"),
)

# Per day a request was created and department it is queued in: the counts
# the requests view adds up, the hours from creation to first response and
# to resolution of each of those requests (float64 arrays, so that a
# period's medians stay exact: a few hundred values a day) and the ratings
# of their answers; `rated`, `rated_sum`: the ratings given on that day, of
# any request of the department (the overview's average).
insights_request_days = Table(
    "insights_request_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("department", Text, primary_key=True),
    Column("requests", Integer, nullable=False),
    Column("first_judged", Integer, nullable=False),
    Column("first_within", Integer, nullable=False),
    Column("resolved_judged", Integer, nullable=False),
    Column("resolved_within", Integer, nullable=False),
    Column("ratings", Integer, nullable=False),
    Column("rating_sum", Integer, nullable=False),
    Column("rated", Integer, nullable=False),
    Column("rated_sum", Integer, nullable=False),
    Column("first_response_hours", LargeBinary),
    Column("resolution_hours", LargeBinary),
)

# Per day, department and masked request question: its gap topic (kept in
# step by `kb.store.insights_topics`), the requests, how many are resolved,
# and a sketch of the requesters (for the minimum-people rule of top topics).
insights_request_topics = Table(
    "insights_request_topics",
    metadata,
    Column("day", Date, primary_key=True),
    Column("department", Text, primary_key=True),
    Column("query_norm", Text, primary_key=True),
    Column("topic_id", Id),
    Column("requests", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
    Column("requesters_sketch", LargeBinary),
    Index(None, "query_norm"),
    Index(None, "topic_id", "day"),
)

insights_articles = Table(
    "insights_articles",
    metadata,
    Column("day", Date, primary_key=True),
    Column("article_id", Text, primary_key=True),
    Column("shown", Integer, nullable=False),
    Column("top_answers", Integer, nullable=False),
    Column("answers_then_request", Integer, nullable=False),
    Column("helpful", Integer, nullable=False, server_default="0"),
    Column("not_helpful", Integer, nullable=False, server_default="0"),
    # Who read it that day (had it as the answer or opened it): migration 0024.
    Column("readers_sketch", LargeBinary),
)

insights_state = Table(
    "insights_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

gap_topics = Table(
    "gap_topics",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("label", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("assigned_department", Text),
    Column("assigned_at", UtcDateTime),
    Column("created", UtcDateTime, nullable=False),
    Column("updated", UtcDateTime, nullable=False),
    Column("centroid", LargeBinary, nullable=False),
    Column("closed_at", UtcDateTime),
    Column("closed_by", Text),
    Column("answered_before", Float),
    Column("answered_after", Float),
    Column("verified_snapshot", Text),
    # What closes it, and what the last check found (`kb.insights.verify`): 0042.
    Column("measure", String(16), nullable=False, server_default="answered"),
    Column("used_searches", Integer),
    Column("used_after", Float),
    Column("checked_at", UtcDateTime),
    Index(None, "status"),
    Index(None, "assigned_department"),
)

gap_questions = Table(
    "gap_questions",
    metadata,
    Column("query_norm", Text, primary_key=True),
    Column(
        "topic_id",
        Id,
        ForeignKey("gap_topics.id", ondelete="SET NULL"),
    ),
    Column("lang", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Index(None, "topic_id"),
)
