"""A large synthetic event log for `benchmarks/insights.py endpoints`.

Bulk-inserted in batches (a benchmark fixture, not product behaviour: the
demo traffic goes through the services, one event at a time, and would take
hours for a million). Shape: `events` searches over `days` days, weekdays
busier; `people` pseudonymous searchers; question texts drawn from a Zipf
law over `texts` distinct ones, a quarter of them unanswered; 45 % of
searches clicked, 5 % voted on; `requests` requests, 60 % filed from a
search (asking that search's question), most resolved. Every question text
is placed in one of `topics` topics at random, as the daily topic update
would place every failed one (the endpoints read topics, they do not build
them; with 55 % of searches unclicked nearly every text counts as failed).
Searches show two of `articles` (the first opened and voted on), by text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert

from kb.store.schema import (
    click_events,
    feedback_events,
    gap_questions,
    gap_topics,
    requests,
    search_events,
)

DEPARTMENTS = ["hr", "it", "facilities", "finance", "legal", "operations"]
_BATCH = 20_000


def populate(
    engine: Engine,
    *,
    events: int,
    request_count: int,
    days: int = 180,
    people: int = 5_000,
    texts: int = 20_000,
    topics: int = 300,
    seed: int = 5,
    now: datetime | None = None,
    articles: Sequence[str] = ("hr/a.md", "it/b.md"),
) -> dict[str, int]:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    now = now or datetime.now(UTC)
    start = now - timedelta(days=days)
    vocabulary = [f"question {i} about topic {i % 997}" for i in range(texts)]
    failing = {i for i in range(texts) if i % 4 == 0}
    # what each text's searches show: two articles, the first the one opened and voted on
    shown = [
        [articles[i % len(articles)], articles[(i * 7 + 1) % len(articles)]] for i in range(texts)
    ]
    text_ids = np.minimum(nrng.zipf(1.15, size=events) - 1, texts - 1)
    seconds = np.sort(nrng.uniform(0, days * 86400, size=events))
    clicks: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    linked: list[tuple[int, str, datetime]] = []
    next_id = 1
    ask_above = 1 - 0.6 * request_count / max(events, 1)  # spread over the period
    with engine.begin() as conn:
        for begin in range(0, events, _BATCH):
            rows = []
            for j in range(begin, min(events, begin + _BATCH)):
                t = int(text_ids[j])
                answered = t not in failing
                ts = start + timedelta(seconds=float(seconds[j]))
                user = f"u{rng.randrange(people)}"
                rows.append(
                    {
                        "id": next_id,
                        "ts": ts,
                        "query": vocabulary[t],
                        "query_norm": vocabulary[t],
                        "lang": "de" if t % 3 == 0 else "en",
                        "filters": {},
                        "answered": answered,
                        "confidence": 0.9 if answered else 0.3,
                        "department": DEPARTMENTS[t % 6] if t % 11 else None,
                        "department_confidence": 0.7,
                        "result_ids": [] if t % 17 == 0 else shown[t % len(shown)],
                        "latency_ms": 40.0,
                        "user_id": user,
                        # the pseudonym the web app records (insights count people by it)
                        "person": user,
                        "page": 1,
                    }
                )
                r = rng.random()
                if r < 0.45:
                    clicks.append(
                        {
                            "search_id": next_id,
                            "article_id": shown[t % len(shown)][0],
                            "rank": 1,
                            "user_id": user,
                            "ts": ts,
                        }
                    )
                if r < 0.05:
                    votes.append(
                        {
                            "article_id": shown[t % len(shown)][0],
                            "helpful": r < 0.035,
                            "comment": "",
                            "search_id": next_id,
                            "user_id": user,
                            "ts": ts,
                        }
                    )
                if r > ask_above and len(linked) < request_count * 0.6:
                    linked.append((next_id, vocabulary[t], ts))
                next_id += 1
            conn.execute(insert(search_events), rows)
        for table, rows in ((click_events, clicks), (feedback_events, votes)):
            for begin in range(0, len(rows), _BATCH):
                conn.execute(insert(table), rows[begin : begin + _BATCH])
        conn.execute(insert(requests), list(_requests(rng, request_count, linked, start, days)))
        _topics(conn, rng, nrng, vocabulary, topics, now)
    return {
        "searches": events,
        "clicks": len(clicks),
        "votes": len(votes),
        "requests": request_count,
    }


def _requests(
    rng: random.Random,
    count: int,
    linked: list[tuple[int, str, datetime]],
    start: datetime,
    days: int,
) -> Any:
    for i in range(count):
        if i < len(linked):  # asked from a search, minutes after it
            search_id, text, searched = linked[i]
            created = searched + timedelta(seconds=rng.uniform(60, 3600))
        else:
            search_id, text = None, f"request {i}"
            created = start + timedelta(seconds=rng.uniform(0, days * 86400))
        resolved = rng.random() < 0.8
        yield {
            "requester": f"user{i % 3000}",
            "query": text,
            "description": "",
            "department": DEPARTMENTS[i % 6],
            "assignee": None,
            "status": "resolved" if resolved else "new",
            "priority": "normal",
            "created": created,
            "updated": created,
            "first_response_due": created + timedelta(hours=8),
            "resolution_due": created + timedelta(hours=40),
            "first_responded_at": created + timedelta(hours=2) if resolved else None,
            "resolved_at": created + timedelta(hours=rng.uniform(1, 60)) if resolved else None,
            "resolution": "done" if resolved else None,
            "linked_articles": [],
            "search_id": search_id,
            "suggestions_shown": False,
            "went_on_anyway": False,
            "workflow": None,
            "idempotency_key": None,
            "version": 1,
        }


def _topics(
    conn: Any,
    rng: random.Random,
    nrng: np.random.Generator,
    vocabulary: list[str],
    topics: int,
    now: datetime,
) -> None:
    centroid = np.zeros(384, dtype=np.float32).tobytes()
    conn.execute(
        insert(gap_topics),
        [
            {
                "id": i + 1,
                "label": f"topic {i}",
                "department": DEPARTMENTS[i % 6],
                "status": "open",
                "created": now,
                "updated": now,
                "centroid": centroid,
            }
            for i in range(topics)
        ],
    )
    vector = nrng.normal(size=384).astype(np.float32).tobytes()
    conn.execute(
        insert(gap_questions),
        [
            {
                "query_norm": vocabulary[t],
                "topic_id": rng.randrange(topics) + 1,
                "lang": "en",
                "model": "synthetic",
                "vector": vector,
                "first_seen": now,
            }
            for t in range(len(vocabulary))
        ],
    )
