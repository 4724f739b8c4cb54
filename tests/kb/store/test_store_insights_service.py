"""The insights service's figures on both databases (overview, gaps, assignment)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from kb.errors import ValidationError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent
from kb.insights.records import GapQuestion, GapTopic, TopicStatus
from kb.insights.service import InsightsService, Period
from kb.insights.store import insights_store
from kb.requests.records import Request, RequestEntry, RequestTask, TaskStatus
from kb.store.protocols import Store
from tests.support import log_ask_search

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _search(store: Store, text: str, user: str, day: int, answered: bool, dept: str = "it") -> int:
    """A search by the account `user` (people are signed-in accounts)."""
    return store.log_search(
        SearchEvent(
            query=text,
            answered=answered,
            user=user,
            person=f"account-{user}",
            signed_in=True,
            lang="en",
            department=dept,
            result_ids=["it/a.md"],
            ts=NOW - timedelta(days=day),
        )
    )


@pytest.fixture
def service(store: Store) -> InsightsService:
    return InsightsService(
        insights_store(store), review_due_days=14, min_people=3, clock=lambda: NOW
    )


def test_overview_names_its_figures_and_their_trend(store: Store, service: InsightsService) -> None:
    for i in range(4):
        sid = _search(store, "vpn", f"p{i}", day=1, answered=True)
        if i < 2:
            store.log_click(ClickEvent(search_id=sid, article_id="it/a.md", rank=1, ts=NOW))
    _search(store, "parking", "p9", day=1, answered=False, dept="facilities")
    _search(store, "vpn", "p1", day=40, answered=False)  # the previous period
    sid = _search(store, "printer", "p2", day=2, answered=True)
    store.log_feedback(FeedbackEvent(article_id="it/a.md", helpful=True, search_id=sid, ts=NOW))
    store.create_request(
        Request(
            requester="emp",
            query="parking",
            department="facilities",
            search_id=sid,
            created=NOW - timedelta(days=2),
        )
    )
    service.store.refresh()
    data = service.overview(service.period()).as_dict()
    assert data["searches"] == 6 and data["people"] == 5 and data["signed_out_searches"] == 0
    assert data["answered_rate"] == round(5 / 6, 4)
    assert data["click_through_rate"] == round(2 / 6, 4)
    assert data["helpful_ratio"] == 1.0 and data["zero_result_rate"] == 0.0
    assert data["requests"] == 1
    # 6 sessions (person-days): p2 asked after searching, so 5 of 6 helped themselves
    assert data["self_service_rate"] == round(5 / 6, 4)
    assert data["previous"]["searches"] == 1 and data["trend"]["searches"] == 5
    it_only = service.overview(service.period(), "it").as_dict()
    assert it_only["searches"] == 5 and it_only["requests"] == 0
    # the request came from p2's search routed to IT: one of IT's 5 sessions ended in it
    assert it_only["people"] == 4 and it_only["self_service_rate"] == round(4 / 5, 4)


def _facilities_topic(service: InsightsService, label: str, texts: tuple[str, ...]) -> GapTopic:
    """Roll the logged searches up and file `texts` under one Facilities topic."""
    service.store.refresh()
    topic = service.store.save_topic(
        GapTopic(label=label, department="facilities", centroid=np.ones(4))
    )
    service.store.save_gap_questions(
        GapQuestion(text=t, lang="en", model="m", vector=np.ones(4), topic_id=topic.id)
        for t in texts
    )
    return topic


def test_gaps_show_only_texts_enough_people_asked(store: Store, service: InsightsService) -> None:
    for user in ("a", "b", "c"):
        _search(store, "parking permit", user, day=1, answered=False, dept="facilities")
    _search(store, "my private matter", "d", day=1, answered=False, dept="facilities")
    topic = _facilities_topic(service, "parking permit", ("parking permit", "my private matter"))
    (view,) = service.gaps(service.period())
    data = view.as_dict()
    assert data["queries"] == ["parking permit"]
    assert (data["searches"], data["people"], data["status"]) == (4, 4, "open")
    assert data["department"] == "facilities" and data["trend"] == 4
    assert service.gaps(service.period(), "it") == []
    assigned = service.assign(topic.id or 0, "facilities", ["facilities", "it"])
    assert assigned.status is TopicStatus.ASSIGNED
    with pytest.raises(ValidationError, match="unknown department 'nowhere'"):
        service.assign(topic.id or 0, "nowhere", ["facilities"])


def test_one_person_in_many_browsers_is_one_person_who_asked(
    store: Store, service: InsightsService
) -> None:
    """A client that drops its browser cookie on every search is a new browser
    each time; the text it repeats must not reach analysts as if three people
    had asked it."""
    for browser in ("b1", "b2", "b3"):
        store.log_search(
            SearchEvent(
                query="buy cheap watches here",
                answered=False,
                user=browser,
                person="one-address",
                lang="en",
                department="facilities",
                result_ids=[],
                ts=NOW - timedelta(days=1),
            )
        )
    for person in ("p1", "p2", "p3"):
        store.log_search(
            SearchEvent(
                query="parking permit",
                answered=False,
                user="same-browser",
                person=person,
                lang="en",
                department="facilities",
                result_ids=[],
                ts=NOW - timedelta(days=1),
            )
        )
    _facilities_topic(service, "parking", ("buy cheap watches here", "parking permit"))
    (view,) = service.gaps(service.period())
    assert view.as_dict()["queries"] == ["parking permit"]


def test_a_gap_shows_its_most_searched_texts_that_enough_people_asked(
    store: Store, service: InsightsService
) -> None:
    searches = {
        "parking permit": ["a", "b", "c"],
        "parking garage": ["a", "b", "c", "d", "d", "d"],
        "parkplatz": ["e", "f", "g", "h"],
        "my own parking fine": ["i", "i", "i", "i", "i", "i", "i"],
    }
    for day, (text, users) in enumerate(searches.items()):
        for user in users:
            _search(store, text, user, day=day + 1, answered=False, dept="facilities")
    _search(store, "parking permit", "z", day=45, answered=False, dept="facilities")
    service.store.refresh()
    topic = service.store.save_topic(
        GapTopic(label="parking", department="facilities", centroid=np.ones(4))
    )
    service.store.save_gap_questions(
        GapQuestion(text=t, lang="en", model="m", vector=np.ones(4), topic_id=topic.id)
        for t in searches
    )
    (view,) = service.gaps(service.period())
    assert view.queries == ["parking garage", "parkplatz", "parking permit"]
    assert (view.searches, view.people, view.trend) == (20, 9, 19)
    one = InsightsService(service.store, review_due_days=14, min_people=1, clock=lambda: NOW)
    assert one.gaps(service.period())[0].queries[0] == "my own parking fine"


def test_a_gap_lists_spellings_of_one_question_once(store: Store, service: InsightsService) -> None:
    """Texts that differ only in punctuation, case or spaces are one question:
    their people count together, each person once, in the most searched spelling."""
    asked = [
        ("parking permit?", "a", 1),
        ("parking permit?", "b", 1),
        ("parking permit?", "a", 2),
        (" Parking  permit ", "c", 3),
        ("parking permit!", "a", 4),
        ("lost badge", "d", 1),  # one person in three spellings
        ("Lost badge?", "d", 2),
        ("lost badge!", "d", 3),
    ]
    for text, user, day in asked:
        _search(store, text, user, day=day, answered=False, dept="facilities")
    texts = ("parking permit?", "parking permit", "parking permit!", "lost badge")
    _facilities_topic(service, "parking", (*texts, "lost badge?", "lost badge!"))
    (view,) = service.gaps(service.period())
    assert view.queries == ["parking permit?"]
    assert (view.searches, view.people) == (8, 4)


def test_periods_are_checked_and_until_is_inclusive() -> None:
    p = Period.parse("2026-03-01", "2026-03-31", date(2026, 4, 5))
    assert (p.since, p.until, p.days) == (date(2026, 3, 1), date(2026, 4, 1), 31)
    assert p.previous() == Period(date(2026, 1, 29), date(2026, 3, 1))
    with pytest.raises(ValidationError, match="since must be a date written YYYY-MM-DD"):
        Period.parse("March", None, date(2026, 4, 5))
    with pytest.raises(ValidationError, match="since 2026-03-05, until 2026-03-01$") as backwards:
        Period.parse("2026-03-05", "2026-03-01", date(2026, 4, 5))
    assert backwards.value.values == {"since": "2026-03-05", "until": "2026-03-01"}


def test_overview_counts_deflection_from_the_ask_form(
    store: Store, service: InsightsService
) -> None:
    """The rollups counted ask-form sessions and deflected ones per day, but the
    overview added up only the search counts: deflection always showed 0 and no rate."""
    for user in ("p1", "p2", "p3", "p4"):  # p4 never opened a suggestion
        log_ask_search(store, user, NOW - timedelta(days=1), opened=user != "p4")
    service.store.refresh()
    data = service.overview(service.period()).as_dict()
    assert (data["deflected"], data["deflection_rate"]) == (3, 0.75)
    facilities = service.overview(service.period(), "facilities").as_dict()
    assert (facilities["deflected"], facilities["deflection_rate"]) == (3, 0.75)
    assert service.overview(service.period(), "it").as_dict()["deflection_rate"] is None


def test_an_open_request_past_its_due_dates_counts_as_missing_its_targets(
    store: Store, service: InsightsService
) -> None:
    """Only answered and resolved requests were judged against their targets: a
    department that left a request unanswered past both due dates showed 100 %."""
    for who, done, age in (("a", True, 72), ("b", False, 72), ("c", False, 1)):
        created = NOW - timedelta(hours=age)
        answered = {"first_responded_at": created + timedelta(hours=1)}
        answered |= {"resolved_at": created + timedelta(hours=2), "status": "resolved"}
        due = {"first_response_due": created + timedelta(hours=8)}
        due["resolution_due"] = created + timedelta(hours=40)
        request = Request(requester=who, query="parking", department="facilities", created=created)
        store.create_request(replace(request, **due, **(answered if done else {})))
    service.store.refresh()
    (row,) = service.requests(service.period(), None, {})
    # a met both targets, b missed both, c is not due yet
    assert (row.first_response_within_target, row.resolution_within_target) == (0.5, 0.5)
    assert (row.backlog, row.overdue) == (2, 1)
    earlier = service.period(
        str((NOW - timedelta(days=20)).date()), str(NOW.date() - timedelta(days=10))
    )
    assert service.requests(earlier, None, {})[0].resolution_within_target is None


def test_gaps_of_a_department_typed_decomposed(store: Store, service: InsightsService) -> None:
    """Department ids are stored composed (migrations 0018 and 0020): a filter
    typed decomposed, as a folder made on macOS names it, finds them too."""
    post = unicodedata.normalize("NFC", "büro")
    for user in ("a", "b", "c"):
        _search(store, "post delivery", user, day=1, answered=False, dept=post)
    service.store.refresh()
    topic = service.store.save_topic(GapTopic(label="post", department=post, centroid=np.ones(4)))
    service.store.save_gap_questions(
        [
            GapQuestion(
                text="post delivery", lang="en", model="m", vector=np.ones(4), topic_id=topic.id
            )
        ]
    )
    (view,) = service.gaps(service.period(), unicodedata.normalize("NFD", post))
    assert view.topic.id == topic.id and view.searches == 3
    overview = service.overview(service.period(), unicodedata.normalize("NFD", post))
    assert overview.as_dict()["searches"] == 3


def test_value_streams_time_each_task_from_ready_to_done(
    store: Store, service: InsightsService
) -> None:
    """The rows behind the value-stream figures (requests of a workflow, their
    tasks, when each was done from the history) read alike on both databases."""
    created = NOW - timedelta(hours=30)
    request = Request(requester="ann", query="new starter", department="hr", created=created)
    request = replace(request, workflow="onboarding")
    tasks = [
        RequestTask(department="hr", title="Record"),
        RequestTask(department="it", title="Laptop", depends_on=[1]),
    ]
    filed = store.create_request(request, tasks)
    assert filed.id is not None
    store.create_request(Request(requester="bob", query="no stream", department="it"))
    record = store.tasks(filed.id)[0]
    done = RequestEntry(request_id=filed.id, actor="hr-agent", kind="task",
                        data={"task": 1, "status": "done"}, ts=created + timedelta(hours=2))  # fmt: skip
    store.update_task(replace(record, status=TaskStatus.DONE), done)
    (stream,) = service.value_streams(service.period(), None)
    assert (stream["workflow"], stream["requests"]) == ("onboarding", 1)
    first, laptop = stream["tasks"]
    assert (first["title"], first["done"], first["median_lead_hours"]) == ("Record", 1, 2.0)
    assert (laptop["title"], laptop["waiting_now"], laptop["longest_waiting_hours"]) == (
        "Laptop", 1, 28.0)  # fmt: skip
    assert [s["workflow"] for s in service.value_streams(service.period(), "it")] == ["onboarding"]
    assert service.value_streams(service.period(), "facilities") == []


def _browse(store: Store, browser: str, account: str = "") -> int:
    """A search from `browser`, by `account` (signed out without one)."""
    return store.log_search(
        SearchEvent(
            query="vpn", answered=False, user=browser, person=account, signed_in=bool(account),
            lang="en", department="it", result_ids=["it/a.md"], ts=NOW - timedelta(days=1),
        )
    )  # fmt: skip


def test_self_service_counts_a_person_s_day_not_a_browser(
    store: Store, service: InsightsService
) -> None:
    """One person on a phone and a laptop is one session, two people sharing a
    browser are two, and a signed-out browser is nobody's session."""
    _browse(store, "phone", "account-anna")
    asked = _browse(store, "laptop", "account-anna")
    store.create_request(
        Request(requester="anna", query="vpn", department="it", search_id=asked, created=NOW)
    )
    _browse(store, "kiosk", "account-bob")
    _browse(store, "kiosk", "account-carl")
    _browse(store, "cafe")
    service.store.refresh()
    data = service.overview(service.period()).as_dict()
    # Browsers would say 3 of 4 (phone, kiosk, cafe): people say 2 of 3 (bob, carl).
    assert service.store.sessions(service.period().since, service.period().until) == 3
    assert data["self_service_rate"] == round(2 / 3, 4)
