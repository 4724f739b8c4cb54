"""Contract: odd text, failures and their errors are the same on SQLite and PostgreSQL.

An operator who moves a running organisation from SQLite to PostgreSQL must
not find that what one stored, the other refuses, or that a failure one
reports as "try again" the other reports as broken.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from kb.accounts.records import User
from kb.errors import ConflictError, StoreError, StoreUnavailableError, ValidationError
from kb.events import MAX_QUERY_KEY_BYTES, ClickEvent, FeedbackEvent, SearchEvent
from kb.insights.store import insights_store
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.store.protocols import Store
from kb.store.sql import SqlStore
from kb.validators import without_bidi_controls

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def sql(store: Store) -> SqlStore:
    assert isinstance(store, SqlStore)
    return store


def _writes(store: Store) -> list[Callable[[str], Any]]:
    request = store.create_request(Request(requester="ann", query="VPN", department="it"))
    assert request.id is not None
    rid = request.id
    return [
        lambda t: store.log_search(SearchEvent(query=t, answered=False, ts=T0)),
        lambda t: store.log_feedback(FeedbackEvent(article_id="it/vpn", helpful=True, comment=t)),
        lambda t: store.create_request(
            Request(requester="bob", query="q", department="it", description=t)
        ),
        lambda t: store.add_entry(
            RequestEntry(request_id=rid, actor="bob", kind="comment", message=t)
        ),
        lambda t: store.add_user(User(username="carl", display_name=t)),
    ]


def test_text_with_a_nul_character_is_refused_alike_and_nothing_is_stored(store: Store) -> None:
    for write in _writes(store):
        with pytest.raises(ValidationError, match="NUL character"):
            write("before\x00after")
    assert store.search_events() == [] and store.feedback_events() == []
    assert [r.requester for r in store.list_requests()] == ["ann"]
    assert store.get_user("carl") is None
    with pytest.raises(ValidationError, match="NUL character"):
        store.get_user("carl\x00")


ODD_TEXTS = [
    "Ünïcödé ß ẞ İı ǅ",  # case mappings that change length or differ by language
    "e\u0301 vs \u00e9",  # combining accent and precomposed: kept as sent, not normalised
    "\U0001f469\u200d\U0001f4bb \U0001f600 \U00010348",  # ZWJ sequence, emoji, beyond the BMP
    "\u202eevil\u202c \u200f rtl \u0645\u0631\u062d\u0628\u0627",  # bidi controls, Arabic
    "line\u2028sep\tand\ttabs\r\nand CRLF",
    "100% _done_ \\ 'quoted' \"double\" `back`",  # LIKE wildcards, escapes and quotes
]


def test_odd_unicode_is_stored_and_read_back_exactly(store: Store) -> None:
    """Exactly, but for the controls that reorder text: searches and votes
    are kept without them (docs/security.md)."""
    for odd in ODD_TEXTS:
        for write in _writes(store)[:2]:
            write(odd)
    expected = [without_bidi_controls(odd) for odd in ODD_TEXTS]
    assert any(e != odd for e, odd in zip(expected, ODD_TEXTS, strict=True))
    assert [e.query for e in store.search_events()] == expected
    assert [f.comment for f in store.feedback_events()] == expected


def test_a_busy_pool_is_a_wait_not_a_failure(store: Store) -> None:
    """Every pooled connection in use (a long refresh, more threads than the pool
    holds): the caller hears "try again", as when the server restarts."""
    engine = sql(store).engine
    engine.pool._timeout = 0.2  # type: ignore[attr-defined]  # instead of 30 s
    with ExitStack() as held:
        while engine.pool.checkedout() < engine.pool.size() + engine.pool._max_overflow:  # type: ignore[attr-defined]
            held.enter_context(engine.connect())
        with pytest.raises(StoreUnavailableError, match="try again"):
            store.log_search(SearchEvent(query="vpn", answered=False))
        with pytest.raises(StoreUnavailableError, match="try again"):
            store.search_events()
    store.log_search(SearchEvent(query="vpn", answered=False))
    assert len(store.search_events()) == 1


def test_a_failing_write_logs_no_stored_values(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A database failure is logged with its SQL but not its values: they hold
    password hashes and what people wrote."""
    with sql(store).engine.begin() as conn:
        conn.execute(text("DROP TABLE users"))
    secret_hash = "scrypt$never-in-a-log$0123456789abcdef"
    with caplog.at_level(logging.WARNING), pytest.raises(StoreError) as caught:
        store.add_user(User(username="dora", password_hash=secret_hash))
    assert not isinstance(caught.value, StoreUnavailableError)  # waiting will not bring it back
    assert "users" in caplog.text
    assert secret_hash not in caplog.text and secret_hash not in str(caught.value)


def test_a_long_query_in_any_script_is_logged_and_grouped_alike(store: Store) -> None:
    """PostgreSQL cannot index a key past about 2,700 bytes (SQLite can): the
    grouping form of a query keeps at most 2,000 bytes of it on both, so a
    query of any length is logged, filed and rolled up whole."""
    rng = random.Random(7)
    texts = [
        "".join(rng.choices([chr(c) for c in range(0x4E00, 0x9FFF)], k=3000)),  # 3 bytes each
        "\u0390" * 1200,  # 2 bytes, 6 once case-folded
        " ".join(["\U0001f600"] * 900),
    ]
    for text_ in texts:
        store.log_search(SearchEvent(query=text_, answered=False))
        store.create_request(Request(requester="ann", query=text_, department="it"))
    assert [e.query for e in store.search_events()] == texts
    assert sorted(r.query for r in store.list_requests()) == sorted(texts)
    insights_store(store).refresh()
    with sql(store).engine.connect() as conn:
        keys = conn.execute(text("SELECT query_norm FROM insights_request_texts")).scalars()
        assert all(0 < len(key.encode()) <= MAX_QUERY_KEY_BYTES for key in keys)


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_key_too_long_for_its_index_is_an_error_not_a_wait(store: Store) -> None:
    """Should a key past PostgreSQL's index limit reach it anyway, the error says
    so once instead of inviting the caller to try again for ever."""
    chars = random.Random(7).choices([chr(c) for c in range(0x4E00, 0x9FFF)], k=3000)
    long_key = "".join(chars)  # random, so no compression brings it under the limit
    with pytest.raises(StoreError, match="index row") as caught:  # noqa: SIM117
        with sql(store)._write("log a search") as conn:
            conn.execute(
                text(
                    "INSERT INTO gap_questions (query_norm, lang, model, vector, first_seen) "
                    "VALUES (:q, 'en', 'm', :v, now())"
                ),
                {"q": long_key, "v": b"\x00"},
            )
    assert not isinstance(caught.value, StoreUnavailableError)


def test_a_refused_row_is_a_conflict_that_names_none_of_its_values(store: Store) -> None:
    """PostgreSQL's refusals add a DETAIL line with the row's values ("Failing
    row contains (…)", "Key (…)=(…)"), SQLite's name only the constraint: the
    error keeps the first line on both, and never holds a password hash."""
    secret_hash = "scrypt$never-in-an-error$0123456789abcdef"
    row = "INSERT INTO users (username, display_name, grants, password_hash, created, "
    row += "session_generation) VALUES (:u, NULL, '[]', :h, :t, 0)"
    with pytest.raises(ConflictError) as caught:  # noqa: SIM117
        with sql(store)._write("add a user") as conn:
            conn.execute(text(row), {"u": "dora", "h": secret_hash, "t": T0})
    assert "could not add a user: it conflicts with what is stored" in str(caught.value)
    assert secret_hash not in str(caught.value) and "\n" not in str(caught.value)
    assert store.get_user("dora") is None


def test_demo_rows_are_removed_by_their_exact_prefix_alike(store: Store) -> None:
    """Only ids that begin with exactly the prefix go: not another case (SQLite's
    LIKE ignores it for ASCII, PostgreSQL's does not), and `_` or `%` in the
    prefix stand for themselves, not for any character."""
    users = ["demo_x:1", "demo_x:2", "DEMO_X:3", "demoAx:4", "demo%x:5", "real"]
    for user in users:
        store.log_search(SearchEvent(query="vpn", answered=False, user=user))
    for requester in ("demo_t.ann", "Demo_T.bob", "demoXt.carl", "demo%t.dan"):
        store.create_request(Request(requester=requester, query="VPN", department="it"))
    removed = insights_store(store).remove_marked("demo_x:", "demo_t.")
    assert removed["searches"] == 2 and removed["requests"] == 1
    assert sorted(e.user for e in store.search_events()) == sorted(users[2:])
    left = sorted(r.requester for r in store.list_requests())
    assert left == ["Demo_T.bob", "demo%t.dan", "demoXt.carl"]
    insights_store(store).remove_marked("demo%x:", "demo%t.")
    assert sorted(e.user for e in store.search_events()) == ["DEMO_X:3", "demoAx:4", "real"]
    assert sorted(r.requester for r in store.list_requests()) == ["Demo_T.bob", "demoXt.carl"]


BIG = 2**40  # past PostgreSQL's integer (2^31 - 1), well within 64 bits


def test_numbers_past_32_bits_are_kept_alike(store: Store) -> None:
    """SQLite's INTEGER holds 64 bits: PostgreSQL keeps as large a page, rank,
    task number or count, and both refuse past 2^63 - 1 before the database."""
    search_id = store.log_search(SearchEvent(query="vpn", answered=False, page=BIG))
    store.log_click(ClickEvent(search_id=search_id, article_id="it/vpn", rank=BIG))
    tasks = [RequestTask(department="it", title="one", id=BIG)]
    request = store.create_request(Request(requester="ann", query="VPN", department="it"), tasks)
    assert request.id is not None
    assert [e.page for e in store.search_events()] == [BIG]
    assert [c.rank for c in store.click_events()] == [BIG]
    assert [t.id for t in store.tasks(request.id)] == [BIG]
    assert store.count_hit("k", 60, amount=BIG)[0] == BIG
    assert store.count_hit("k", 60, amount=BIG)[0] == 2 * BIG
    with pytest.raises(ValueError, match="page must be an integer from 1 to 9223372036854775807"):
        SearchEvent(query="vpn", answered=False, page=2**63)
    with pytest.raises(ValueError, match="id must be a positive integer up to"):
        RequestTask(department="it", title="one", id=2**63)
