"""Lead times of value-stream tasks, and where requests wait longest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kb.insights.records import StreamRequest, StreamTask
from kb.insights.value_streams import value_streams

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def test_lead_time_runs_from_ready_to_done_and_the_slowest_task_is_named() -> None:
    done = StreamRequest(
        "onboarding",
        T0,
        [
            StreamTask(1, "hr", "Record", "done", (), hours(2)),
            StreamTask(2, "it", "Laptop", "done", (1,), hours(26)),  # ready at 2 h, done at 26 h
        ],
    )
    waiting = StreamRequest(
        "onboarding",
        T0,
        [
            StreamTask(1, "hr", "Record", "done", (), hours(4)),
            StreamTask(2, "it", "Laptop", "open", (1,), None),
        ],
    )
    blocked = StreamRequest(
        "onboarding",
        T0,
        [
            StreamTask(1, "hr", "Record", "open", (), None),
            StreamTask(2, "it", "Laptop", "open", (1,), None),
        ],
    )
    (stream,) = value_streams([done, waiting, blocked], now=hours(10))
    record, laptop = stream["tasks"]
    assert (stream["workflow"], stream["requests"]) == ("onboarding", 3)
    assert (record["done"], record["median_lead_hours"], record["waiting_now"]) == (2, 3.0, 1)
    assert (laptop["median_lead_hours"], laptop["waiting_now"]) == (24.0, 1)
    assert (
        laptop["longest_waiting_hours"] == 6.0
    )  # ready since 4 h, now 10 h; the blocked one is not waiting
    assert stream["longest_wait"]["title"] == "Laptop"
