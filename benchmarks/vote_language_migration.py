"""What migration 0032 (`0032_vote_language`) and the refresh after it cost on a large log.

```
python -m benchmarks.vote_language_migration [--events 200000] [--worded 2000] [--days 180]
       [--worded-days 180]
```

A SQLite store with `--events` synthetic searches over `--days` days
(`benchmarks/insights_data.py`) and `--worded` votes kept with their words
(votes on searches not logged), spread over the last `--worded-days` days
(votes keep their words since migration 0029), rolled up. Then
the migration's own work (each worded vote given the language of its words,
the mark of the votes rolled up moved back) and the refresh that follows it,
with the days it rolled up again. Wall time in ms; every setting is in the
output.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update


def _worded_votes(count: int, days: float, now: datetime) -> list[dict[str, Any]]:
    rng = random.Random(3)
    words = ["where is my payslip", "wie beantrage ich urlaub", "printer on floor two", "vpn"]
    return [
        {
            "article_id": "hr/a.md",
            "helpful": False,
            "comment": "",
            "search_id": None,
            "user_id": f"browser-{i}",
            "ts": now - timedelta(seconds=rng.uniform(0, days * 86400)),
            "query": f"{rng.choice(words)} {i % 50}",
            "person": f"p{i % 300}",
        }
        for i in range(count)
    ]


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.insights_data import populate
    from kb.insights.store import insights_store
    from kb.store.factory import create_store
    from kb.store.schema import feedback_events, insights_state

    migration = importlib.import_module("kb.store.migrations.versions.0032_vote_language")
    report: dict[str, Any] = {**vars(args)}
    with tempfile.TemporaryDirectory(prefix="kb-bench-0032-") as name:
        store = create_store(f"sqlite:///{Path(name) / 'kb.db'}")
        engine = store.engine  # type: ignore[attr-defined]
        report["log"] = populate(
            engine, events=args.events, request_count=args.events // 20, days=args.days
        )
        with engine.begin() as conn:
            conn.execute(
                insert(feedback_events), _worded_votes(args.worded, args.worded_days, _now())
            )
        rollups = insights_store(store)
        t0 = time.perf_counter()
        report["days_rolled_up_first"] = len(rollups.refresh())
        report["first_rollup_ms"] = _ms(t0)
        with engine.begin() as conn:
            conn.execute(update(feedback_events).values(lang=""))  # as before 0032
            t0 = time.perf_counter()
            first = migration._detect_languages(conn)
            report["languages_ms"] = _ms(t0)
            assert first is not None
            t0 = time.perf_counter()
            migration._roll_up_again(conn, first)
            report["mark_ms"] = _ms(t0)
            report["mark"] = dict(
                conn.execute(select(insights_state.c.name, insights_state.c.value)).all()
            )
        t0 = time.perf_counter()
        report["days_rolled_up_after"] = len(rollups.refresh())
        report["refresh_after_ms"] = _ms(t0)
        store.close()
    return report


def _now() -> datetime:
    return datetime.now(UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="searches in the log")
    parser.add_argument("--worded", type=int, default=2_000, help="votes kept with their words")
    parser.add_argument("--days", type=int, default=180, help="days the log spans")
    parser.add_argument("--worded-days", type=float, default=180, help="days the worded votes span")
    args = parser.parse_args(argv)
    print(json.dumps(run(args), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
