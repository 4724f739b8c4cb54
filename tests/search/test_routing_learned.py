"""Reassigned requests teach routing: their words vote for where they went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kb.errors import StoreError
from kb.records import Department
from kb.requests.routing import RoutingHints
from search.routing import Router, ServiceVote
from webapp.search.routing_hints import CachedRoutingHints, catalogue_owner


def router() -> Router:
    return Router(
        {"it": Department("it", "IT"), "facilities": Department("facilities", "Facilities")},
        triage="triage",
        threshold=0.35,
    )


def test_learned_votes_move_a_close_call() -> None:
    scored = [("it", 1.0), ("facilities", 0.97)]
    assert router().route(scored, ["monitor", "arm"]).department == "it"
    learned = {"facilities": 1.0}
    route = router().route(scored, ["monitor", "arm"], learned)
    assert route.department == "facilities"
    assert 0.5 < route.confidence < 1.0


def test_learned_votes_alone_still_route() -> None:
    route = router().route([], ["desk"], {"facilities": 1.0})
    assert route.department == "facilities" and route.confidence == 1.0


def test_cached_hints_refresh_and_survive_a_failing_store() -> None:
    calls = []
    now = [1000.0]

    def load(until: datetime) -> RoutingHints:
        calls.append(until)
        if len(calls) > 1:
            raise RuntimeError("database down")
        return RoutingHints({"monitor": {"facilities": 2}})

    hints = CachedRoutingHints(load, refresh=60.0, clock=lambda: now[0])
    assert hints("monitor arm") == {"facilities": 1.0}
    now[0] += 60
    assert hints("monitor arm") == {"facilities": 1.0}  # old counts kept when loading fails
    assert len(calls) == 2


def test_every_process_counts_the_same_reassignments_within_a_minute() -> None:
    """Two processes started at different times route alike: both count the
    reassignments made before the current wall-clock minute."""
    seen: list[datetime] = []

    def load(until: datetime) -> RoutingHints:
        seen.append(until)
        return RoutingHints()

    early = CachedRoutingHints(load, clock=lambda: 1_800_000_005.0)
    late = CachedRoutingHints(load, clock=lambda: 1_800_000_055.0)
    early("desk"), late("desk"), early("desk")
    assert seen == [datetime.fromtimestamp(1_800_000_000, UTC)] * 2


@dataclass
class _Entry:
    department: str


class _Catalogue:
    def matched(self, text: str) -> tuple[_Entry, float] | None:
        if "new colleague" in text:
            return _Entry("hr"), 1.0
        return (_Entry("it"), 0.24) if "request" in text else None


class _Requests:
    def __init__(self, fails: bool = False) -> None:
        self.fails = fails

    @property
    def catalogue(self) -> _Catalogue:
        if self.fails:
            raise StoreError("the store is away")
        return _Catalogue()


def test_the_catalogue_names_the_owner_of_the_entry_a_question_asks_for() -> None:
    owner = catalogue_owner(lambda: _Requests())  # type: ignore[arg-type, return-value]
    assert owner("a new colleague starts on Monday") == ServiceVote("hr", 1.0)
    # As strong as the match: a light phrase ("request") votes less.
    assert owner("request a monitor") == ServiceVote("it", 0.24)
    assert owner("printer jam") is None
    away = catalogue_owner(lambda: _Requests(fails=True))  # type: ignore[arg-type, return-value]
    assert away("a new colleague starts on Monday") is None
