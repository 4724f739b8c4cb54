"""What employees did: searches, clicks on results, and feedback on articles.

These records feed the insights pages (unanswered questions, popular queries)
and the query suggestions. Users appear only under a pseudonymous id, never a
username. All timestamps are timezone-aware UTC (see `kb.validators`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kb.results import Query, SearchResponse
from kb.validators import (
    ensure_positive_int,
    ensure_text,
    ensure_unit,
    ensure_utc,
    normal_name,
    set_normalised,
    utc_now,
    without_bidi_controls,
    without_bidi_controls_or_names,
)


@dataclass(frozen=True, kw_only=True)
class SearchEvent:
    """One search as the employee saw it.

    `id` is None until the store assigns one (`Store.log_search` returns it).
    `answered` is False when the confidence fell below the answer threshold;
    those are the questions content owners should write articles for.
    `confidence` and `department_confidence` are in 0..1. `page` is 1-based.
    `user` is the browser's random pseudonymous id; `person` a keyed pseudonym
    of who searched that a browser cannot change at will (the signed-in
    user, else the network address; see `webapp.auth.identity.person`), which
    query suggestions count people by. `signed_in` is True when an account
    searched (and `person` is its pseudonym): insights count people by account
    only, and signed-out searches apart. `answer_id` is the answer's article.
    """

    query: str
    answered: bool
    id: int | None = None
    ts: datetime = field(default_factory=utc_now)
    lang: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0
    department: str | None = None
    department_confidence: float = 0.0
    result_ids: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    user: str = ""
    page: int = 1
    person: str = ""
    answer_id: str | None = None
    signed_in: bool = False

    def __post_init__(self) -> None:
        ensure_text("query", self.query)
        # Shown to analysts (questions, topics) and, as popular searches, to
        # everyone: no control that reorders the text after it.
        set_normalised(self, "query", without_bidi_controls_or_names(self.query))
        ensure_text("person", self.person, allow_empty=True)
        if not isinstance(self.signed_in, bool):
            raise ValueError(f"signed_in must be True or False, got {self.signed_in!r}")
        if self.answer_id is not None:
            ensure_text("answer_id", self.answer_id)
        if not isinstance(self.answered, bool):
            raise ValueError(f"answered must be True or False, got {self.answered!r}")
        set_normalised(self, "ts", ensure_utc("ts", self.ts))
        ensure_text("lang", self.lang, allow_empty=True)
        ensure_text("user", self.user, allow_empty=True)
        if not isinstance(self.filters, dict):
            raise ValueError(f"filters must be a dict, got {self.filters!r}")
        set_normalised(self, "confidence", ensure_unit("confidence", self.confidence))
        set_normalised(
            self,
            "department_confidence",
            ensure_unit("department_confidence", self.department_confidence),
        )
        if self.department is not None:
            ensure_text("department", self.department)
        if not isinstance(self.result_ids, list) or not all(
            isinstance(r, str) for r in self.result_ids
        ):
            raise ValueError(f"result_ids must be a list of strings, got {self.result_ids!r}")
        latency = self.latency_ms
        if isinstance(latency, bool) or not isinstance(latency, int | float):
            raise ValueError(f"latency_ms must be a number, got {latency!r}")
        if not math.isfinite(latency) or latency < 0:
            raise ValueError(f"latency_ms must be a finite number >= 0, got {latency!r}")
        set_normalised(self, "latency_ms", float(latency))
        ensure_positive_int("page", self.page)


@dataclass(frozen=True, kw_only=True)
class ClickEvent:
    """A click on a search result; `rank` is the 1-based position on the page."""

    search_id: int
    article_id: str
    rank: int
    user: str = ""
    ts: datetime = field(default_factory=utc_now)
    id: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.search_id, bool) or not isinstance(self.search_id, int):
            raise ValueError(f"search_id must be an integer, got {self.search_id!r}")
        ensure_text("article_id", self.article_id)
        ensure_positive_int("rank", self.rank)
        ensure_text("user", self.user, allow_empty=True)
        set_normalised(self, "ts", ensure_utc("ts", self.ts))


@dataclass(frozen=True, kw_only=True)
class FeedbackEvent:
    """'Was this helpful?' on an article, optionally tied to the search that led there;
    without one, `query` keeps the words the person searched for (a search not
    logged: what was asked still shows; masked when stored, as a search's),
    `person` who voted, for insights' minimum-people rule, and `lang` the
    language of those words as the search engine detects a query's
    (`search.understanding.query_language`)."""

    article_id: str
    helpful: bool
    comment: str = ""
    search_id: int | None = None
    user: str = ""
    ts: datetime = field(default_factory=utc_now)
    id: int | None = None
    query: str = ""
    person: str = ""  # who voted (keyed pseudonym), kept with `query` only
    lang: str = ""  # the language of `query`, kept with it only

    def __post_init__(self) -> None:
        ensure_text("article_id", self.article_id)
        ensure_text("query", self.query, allow_empty=True)
        set_normalised(self, "query", without_bidi_controls(self.query))
        ensure_text("person", self.person, allow_empty=True)
        ensure_text("lang", self.lang, allow_empty=True)
        if not isinstance(self.helpful, bool):
            raise ValueError(f"helpful must be True or False, got {self.helpful!r}")
        ensure_text("comment", self.comment, allow_empty=True)
        set_normalised(self, "comment", without_bidi_controls(self.comment))
        if self.search_id is not None and (
            isinstance(self.search_id, bool) or not isinstance(self.search_id, int)
        ):
            raise ValueError(f"search_id must be an integer or None, got {self.search_id!r}")
        ensure_text("user", self.user, allow_empty=True)
        set_normalised(self, "ts", ensure_utc("ts", self.ts))


@dataclass(frozen=True)
class PopularQuery:
    """A query (normalised) that `people` distinct people searched and that was
    answered from the article `answer_id` (`EventStore.popular_queries`)."""

    text: str
    answer_id: str
    people: int

    def __post_init__(self) -> None:
        # Read from searches logged before they lost their reordering controls.
        set_normalised(self, "text", without_bidi_controls(self.text))


# The normalised form is a key of several indexes (beside a day, a department
# or a person), and PostgreSQL cannot index a key past 2,704 bytes where
# SQLite can: a key holds at most this many bytes of UTF-8 on both, so a query
# of any length and script is logged and grouped alike. 2,000 bytes hold 500
# characters of any script; case folding may triple a character's bytes.
MAX_QUERY_KEY_BYTES = 2000
# A longer query's key is its beginning, cut to leave room for " …" and the
# first 32 hex digits of the SHA-256 of its whole normalised text: two long
# queries that share their beginning and differ after it stay two questions.
QUERY_KEY_DIGITS = 32
_LONG_MARK = " …"
KEY_PREFIX_BYTES = MAX_QUERY_KEY_BYTES - len(_LONG_MARK.encode()) - QUERY_KEY_DIGITS


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, between characters."""
    if len(text) * 4 <= limit:  # no character takes more than 4 bytes
        return text
    size = 0
    for i, char in enumerate(text):
        size += len(char.encode("utf-8", "surrogatepass"))
        if size > limit:
            return text[:i].rstrip()
    return text


def normalise_query(query: str) -> str:
    """The form queries are grouped and prefix-matched by: case-folded, single
    spaces; past `MAX_QUERY_KEY_BYTES` of UTF-8, its beginning and a hash of
    the whole (see `KEY_PREFIX_BYTES`)."""
    text = " ".join(without_bidi_controls(query).casefold().split())
    if _cut(text, MAX_QUERY_KEY_BYTES) == text:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _cut(text, KEY_PREFIX_BYTES) + _LONG_MARK + digest[:QUERY_KEY_DIGITS]


def query_prefix(prefix: str) -> str:
    """What normalised queries starting like `prefix` start with. A trailing
    space is kept: "vpn " should not match "vpnclient"."""
    text = _cut(" ".join(prefix.casefold().split()), KEY_PREFIX_BYTES)
    return text + (" " if prefix[-1:].isspace() and prefix.strip() else "")


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def search_filters(query: Query, source: str = "") -> dict[str, Any]:
    """The filters a search event records for `query` (see `search_event`)."""
    filters: dict[str, Any] = {}
    if source:
        filters["source"] = source
    if query.department:  # composed, as the ids it names are stored (0018, 0023)
        filters["department"] = normal_name(query.department)
    if query.tags:
        filters["tags"] = list(query.tags)
    return filters


def search_event(
    query: Query,
    response: SearchResponse,
    latency_ms: float,
    user: str,
    ts: datetime | None = None,
    *,
    person: str = "",
    source: str = "",
    signed_in: bool = False,
) -> SearchEvent:
    """The event-log record of one search (the web app's and the demo traffic's);
    `person` is who searched as query suggestions count them (see `SearchEvent`),
    `source` "ask" marks the searches the ask form runs to suggest articles while
    a request is described (insights count deflection from them); `signed_in`
    says `person` is an account's pseudonym, not an address's."""
    return SearchEvent(
        ts=ts if ts is not None else utc_now(),
        query=query.text,
        answered=bool(response.answered),
        lang=response.lang or "",
        filters=search_filters(query, source),
        confidence=_unit(response.confidence),
        department=response.department or None,
        department_confidence=_unit(response.department_confidence),
        result_ids=[hit.id for hit in response.results],
        latency_ms=max(0.0, latency_ms),
        user=user,
        page=query.page,
        person=person,
        answer_id=response.answer.id if response.answer is not None else None,
        signed_in=signed_in,
    )
