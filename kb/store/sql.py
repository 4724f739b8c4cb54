"""`SqlStore`: the one `Store` implementation, on SQLAlchemy Core.

It serves SQLite and PostgreSQL alike; see `kb.store.sql_base` for why there
is one dialect-neutral implementation and `kb.store.factory` for the few
places the two databases are set up differently. Build it with
`create_store(url)`, which also brings the schema up to date.
"""

from __future__ import annotations

from kb.store.sql_account_grants import SqlAccountGrants
from kb.store.sql_account_languages import SqlAccountLanguages
from kb.store.sql_account_removals import SqlAccountRemovals
from kb.store.sql_accounts import SqlAccounts
from kb.store.sql_answer_notices import SqlAnswerNotices
from kb.store.sql_attachments import SqlAttachments
from kb.store.sql_department_moves import SqlDepartmentMoves
from kb.store.sql_events import SqlEvents
from kb.store.sql_limits import SqlRateLimits
from kb.store.sql_outbox import SqlOutbox
from kb.store.sql_passwords import SqlPasswords
from kb.store.sql_replays import SqlReplays
from kb.store.sql_request_search import SqlRequestSearch
from kb.store.sql_requests import SqlRequests
from kb.store.sql_site_keys import SqlSiteKeys
from kb.store.sql_tasks import SqlRequestTasks


class SqlStore(
    SqlEvents,
    SqlAccounts,
    SqlAccountGrants,
    SqlAccountRemovals,
    SqlPasswords,
    SqlAccountLanguages,
    SqlRequests,
    SqlAnswerNotices,
    SqlRequestSearch,
    SqlRequestTasks,
    SqlDepartmentMoves,
    SqlAttachments,
    SqlOutbox,
    SqlRateLimits,
    SqlReplays,
    SqlSiteKeys,
):
    """Events, users, requests (their tasks and attachments), the outbox,
    rate-limit counters, answers kept for retries and the site's key in one SQL
    database."""

    def __repr__(self) -> str:
        url = self._engine.url.render_as_string(hide_password=True)
        state = "closed" if self._closed else "open"
        return f"<SqlStore {url} ({state})>"
