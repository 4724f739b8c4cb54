"""References to a search answered before it was logged, for its clicks.

While the database is busy, a search answers without waiting for its event's
id (`kb.search_log`), so its page has no search id for clicks to name. It
carries a search reference instead: the browser, the time of the search, the
results and the page, signed with the app's secret (`search_ref`), so nobody
can name a search that was not shown to them, nor one of another browser.

A click naming a reference is checked at once as any click is (an article the
search showed, a rank within its pages). When the search is stored by then
(the database took it meanwhile, from any worker), the click is recorded
against it as usual. Otherwise it waits in this worker's search log behind
the events queued now, its search's among them when this worker answered it
(`SearchLog.follow`; `webapp.search.event_log.record_late_click`), and is recorded once the search is stored: at most one
waiting click per result of a search, a bounded number in all, none after
`REF_SECONDS` from the search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kb.errors import NotFoundError
from kb.events import SearchEvent
from webapp.auth.identity import user_id

# How long after a search a click on it may still be recorded by its reference.
REF_SECONDS = 900
# A reference holds a page of result ids: bounded like the rest of a request body.
MAX_REF_CHARS = 20_000
_SALT = "kb-search-ref"


@dataclass(frozen=True)
class SearchRef:
    """What a reference names: the browser's search at `ts`, and what it showed."""

    user: str
    ts: datetime
    result_ids: list[str]
    page: int


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def search_ref(event: SearchEvent) -> str:
    """The signed reference of a search answered before it was logged."""
    return str(
        _serializer().dumps(
            {"u": event.user, "t": event.ts.isoformat(), "r": event.result_ids, "p": event.page}
        )
    )


def read_ref(ref: str) -> SearchRef:
    """The search `ref` names, when it is this browser's and young enough; else
    the click is refused as one on a search that does not exist."""
    try:
        data = _serializer().loads(ref, max_age=REF_SECONDS)
        found = SearchRef(
            user=str(data["u"]),
            ts=datetime.fromisoformat(data["t"]),
            result_ids=[str(r) for r in data["r"]],
            page=int(data["p"]),
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        found = None
    if found is None or found.user != user_id():
        raise NotFoundError(
            "no search of this browser with that reference in the last "
            f"{REF_SECONDS // 60} minutes; search again",
            details={"field": "search_ref"},
            key="no_search_ref",
            values={"minutes": REF_SECONDS // 60},
        )
    return found
