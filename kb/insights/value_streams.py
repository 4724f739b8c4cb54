"""Value streams in insights: how long each task of onboarding, leaving or
moving takes, per department, and where requests wait longest.

A task is ready when its request was created and every task it depends on
is done; its lead time runs from ready to done. A task not done yet is
waiting (when ready) or blocked (when not). Per value stream and task: how
many were done, the median lead time in hours, how many wait now and how
long the longest has waited. `longest_wait` names the task with the largest
median lead time: where requests of that stream wait longest.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kb.insights.records import StreamRequest, StreamTask


def _ready_at(task: StreamTask, tasks: dict[int, StreamTask], created: datetime) -> datetime | None:
    moments = [created]
    for number in task.depends_on:
        before = tasks.get(number)
        if before is None or before.done_at is None:
            return None  # still blocked
        moments.append(before.done_at)
    return max(moments)


def value_streams(rows: Sequence[StreamRequest], now: datetime) -> list[dict[str, Any]]:
    """Figures per value stream, most requests first."""
    grouped: dict[str, list[StreamRequest]] = defaultdict(list)
    for row in rows:
        grouped[row.workflow].append(row)
    out: list[dict[str, Any]] = []
    for workflow, requests in grouped.items():
        leads: dict[tuple[int, str, str], list[float]] = defaultdict(list)
        waiting: dict[tuple[int, str, str], list[float]] = defaultdict(list)
        for request in requests:
            tasks = {t.number: t for t in request.tasks}
            for task in request.tasks:
                key = (task.number, task.department, task.title)
                ready = _ready_at(task, tasks, request.created)
                if task.done_at is not None and ready is not None:
                    leads[key].append(max(0.0, (task.done_at - ready).total_seconds() / 3600))
                elif task.done_at is None and ready is not None and task.status != "cancelled":
                    waiting[key].append((now - ready).total_seconds() / 3600)
        figures: list[dict[str, Any]] = []
        for key in sorted(set(leads) | set(waiting)):
            number, department, title = key
            done = leads.get(key, [])
            figures.append(
                {
                    "task": number,
                    "title": title,
                    "department": department,
                    "done": len(done),
                    "median_lead_hours": round(statistics.median(done), 2) if done else None,
                    "waiting_now": len(waiting.get(key, [])),
                    "longest_waiting_hours": round(max(waiting[key]), 2)
                    if waiting.get(key)
                    else None,
                }
            )
        timed = [f for f in figures if f["median_lead_hours"] is not None]
        slowest = max(timed, key=lambda f: f["median_lead_hours"], default=None)
        out.append(
            {
                "workflow": workflow,
                "requests": len(requests),
                "tasks": figures,
                "longest_wait": slowest,
            }
        )
    out.sort(key=lambda w: (-w["requests"], w["workflow"]))
    return out
