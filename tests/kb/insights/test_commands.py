"""`kb insights overview|gaps|refresh` and `kb events purge` on a real store (the\nfirst of them on PostgreSQL too)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import kb.insights.vectors
from kb.cli.main import main
from kb.events import SearchEvent
from kb.store.factory import create_store
from tests.kb.insights.test_vectors import SAMPLED_PRIOR_TEXTS
from tests.postgres import BACKENDS, fresh_database_url
from tests.support import earlier_today, run_kb_on_terminal


def _log(url: str) -> None:
    store = create_store(url)
    now = datetime.now(UTC)
    for i, user in enumerate(["a", "b", "c"]):
        store.log_search(
            SearchEvent(
                query="parking permit",
                answered=False,
                user=user,
                person=f"account-{user}",
                signed_in=True,
                lang="en",
                department="facilities",
                ts=earlier_today(i / 3),  # one day whatever the hour
            )
        )
    store.log_search(
        SearchEvent(query="old", answered=True, user="d", ts=now - timedelta(days=400))
    )
    store.close()


def _kb(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--set", f"database_url={url}", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database of each backend."""
    yield from fresh_database_url(request.param, request, tmp_path)


def test_refresh_overview_and_purge(url: str) -> None:
    _log(url)
    assert "rolled up 2 day(s)" in _kb(url, "insights", "refresh", "--no-topics")
    data = json.loads(_kb(url, "insights", "overview", "--json"))
    assert data["searches"] == 3 and data["answered_rate"] == 0.0 and data["people"] == 3
    assert data["signed_out_searches"] == 0
    rows = list(csv.reader(io.StringIO(_kb(url, "insights", "overview", "--csv"))))
    assert rows[0] == ["figure", "value", "previous", "change"] and rows[1][:2] == ["searches", "3"]
    text = _kb(url, "insights", "overview", "--department", "it")
    assert "searches" in text and " 0 " in text
    assert json.loads(_kb(url, "insights", "gaps", "--json")) == {"topics": []}
    assert "deleted 1 searches" in _kb(url, "events", "purge")
    # A rebuild (after removing demo traffic) keeps the day whose events were
    # purged, and says so.
    said = _kb(url, "demo", "traffic", "--remove")
    old = (datetime.now(UTC) - timedelta(days=400)).date()
    assert "rolled up 1 day(s) from their events" in said
    assert f"kept 1 rolled-up day(s) ({old}) as they were: their events were purged" in said


def test_bad_dates_are_reported_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    result = CliRunner().invoke(
        main, ["--set", f"database_url={url}", "insights", "overview", "--since", "yesterday"]
    )
    assert result.exit_code == 1
    assert "since must be a date written YYYY-MM-DD, got 'yesterday'" in result.output


@pytest.mark.slow
def test_refresh_groups_english_and_german_questions_into_one_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sample content's language prior from a spread of its headings (see there).
    monkeypatch.setattr(kb.insights.vectors, "MAX_PRIOR_TEXTS", SAMPLED_PRIOR_TEXTS)
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    store = create_store(url)
    now = datetime.now(UTC)
    asked = [
        ("a", "en", "how do I get a parking space at the office"),
        ("b", "en", "how do I get a parking space at the office"),
        ("c", "en", "how do I get a parking space at the office"),
        ("d", "de", "Parkplatz am Büro beantragen"),
        ("e", "de", "wo kann ich in der Firma parken"),
        ("f", "en", "report a phishing email"),
        ("g", "de", "Phishing-Mail melden"),
    ]
    for user, lang, text in asked:
        store.log_search(
            SearchEvent(
                query=text,
                answered=False,
                user=user,
                person=f"address-{user}",  # signed out: the address's pseudonym
                lang=lang,
                department="facilities",
                ts=now - timedelta(hours=1),
            )
        )
    store.close()
    root = Path(__file__).resolve().parents[3]
    out = _kb(url, "--set", f"content_dir={root / 'content'}", "insights", "refresh")
    assert "5 failed questions: 5 embedded" in out.replace("\n", " ")
    topics = json.loads(_kb(url, "insights", "gaps", "--json"))["topics"]
    parking = topics[0]
    assert set(parking) >= {
        "id",
        "label",
        "queries",
        "searches",
        "people",
        "department",
        "trend",
        "status",
    }
    assert parking["people"] == 5 and parking["searches"] == 5
    assert parking["queries"] == ["how do i get a parking space at the office"]
    assert parking["label"] == "how do i get a parking space at the office"
    assert parking["status"] == "open" and parking["department"] == "facilities"
    assert len(topics) == 2 and topics[1]["queries"] == []  # two people only: nothing shown
    # `--status` keeps the gaps that stand so, as the gaps page's filter does.
    assert (
        len(json.loads(_kb(url, "insights", "gaps", "--status", "open", "--json"))["topics"]) == 2
    )
    assert _kb(url, "insights", "gaps", "--status", "closed", "--csv").count("\n") == 1


def test_overview_by_week_gives_the_figures_over_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    _log(url)
    _kb(url, "insights", "refresh", "--no-topics")
    today = datetime.now(UTC).date()
    since = (today - timedelta(days=13)).isoformat()
    period = ["--since", since, "--until", today.isoformat()]
    data = json.loads(_kb(url, "insights", "overview", *period, "--by", "week", "--json"))
    assert data["by"] == "week"
    assert sum(s["days"] for s in data["series"]) == 14
    assert sum(s["searches"] for s in data["series"]) == 3
    assert all(s["label"].startswith(f"{s['label'][:4]}-W") for s in data["series"])
    rows = list(
        csv.reader(io.StringIO(_kb(url, "insights", "overview", *period, "--by", "week", "--csv")))
    )
    assert rows[0][:4] == ["label", "since", "until", "days"] and len(rows) == 1 + len(
        data["series"]
    )
    assert data["series"][-1]["partial"] is True and rows[-1][-1] == "true"
    by_day = _kb(url, "insights", "overview", *period, "--by", "day")
    assert today.isoformat() in by_day and "answered rate" in by_day
    assert "by" not in json.loads(_kb(url, "insights", "overview", "--json"))


def test_overview_refuses_an_unknown_step(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    result = CliRunner().invoke(
        main, ["--set", f"database_url={url}", "insights", "overview", "--by", "month"]
    )
    assert result.exit_code == 2 and "'month' is not one of 'day', 'week'" in result.output


def test_requests_time_their_resolution_in_working_hours(tmp_path: Path) -> None:
    """`kb insights requests` gives what the page charts against the target: the
    resolution times in the working hours the targets count (default calendar,
    Monday to Friday 09:00-17:00 in Berlin)."""
    from kb.requests.records import Request

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    store = create_store(url)
    friday = datetime(2026, 11, 27, 15, tzinfo=UTC)  # 16:00 in Berlin
    store.create_request(
        Request(
            requester="r1",
            query="laptop broken",
            department="it",
            created=friday,
            resolved_at=friday + timedelta(days=3),  # Monday 16:00: 1 + 7 working hours
            status="resolved",
        )
    )
    store.close()
    _kb(url, "insights", "refresh", "--no-topics")
    period = ["--since", "2026-11-27", "--until", "2026-11-27"]
    (it,) = json.loads(_kb(url, "insights", "requests", *period, "--json"))["departments"]
    assert it["median_resolution_hours"] == 72.0
    assert (it["median_resolution_working_hours"], it["p90_resolution_working_hours"]) == (8, 8)


def test_requests_give_the_share_first_answered_within_target(tmp_path: Path) -> None:
    """`kb insights requests` gave the share resolved within target alone; the
    share first answered within target is in its text and its CSV too (last,
    so that no earlier column moves)."""
    from kb.requests.records import Request

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    store = create_store(url)
    created = datetime(2026, 11, 27, 9, tzinfo=UTC)
    for i, answered in enumerate((1, 9)):  # one answered within its 8 hours, one not
        store.create_request(
            Request(
                requester=f"r{i}",
                query="laptop broken",
                department="it",
                created=created,
                first_response_due=created + timedelta(hours=8),
                first_responded_at=created + timedelta(hours=answered),
            )
        )
    store.close()
    _kb(url, "insights", "refresh", "--no-topics")
    period = ["--since", "2026-11-27", "--until", "2026-11-27"]
    rows = list(csv.reader(io.StringIO(_kb(url, "insights", "requests", *period, "--csv"))))
    assert rows[0][-2:] == ["top_topics", "first_response_within_target"]
    assert rows[1][0] == "it" and rows[1][-1] == "0.5"
    assert "first response within target 0.5" in _kb(url, "insights", "requests", *period)


def test_content_csv_has_each_article_s_title_after_its_id(url: str, tmp_path: Path) -> None:
    hr = tmp_path / "content" / "hr"
    hr.mkdir(parents=True)
    (hr / "old.md").write_text(
        "---\ntitle: Old rules\nreview_by: 2020-01-01\n---\nText.\n", "utf-8"
    )
    out = _kb(url, "--set", f"content_dir={tmp_path / 'content'}", "insights", "content", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["article", "title", "department", "kind", "detail"]
    assert ["hr/old.md", "Old rules", "hr", "review_overdue", "review_by=2020-01-01"] in rows


def test_gaps_prints_no_escape_sequence_of_a_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A topic's label is an employee's question: an escape sequence in it is
    printed as its escape, never sent to the analyst's terminal."""
    import kb.insights.commands as commands

    topic = {"id": 1, "label": "parking\x1b]52;c;eA==\x07\x1b[2J", "searches": 3, "people": 3}
    topic |= {"department": None, "status": "open"}
    monkeypatch.setattr(commands, "_read", lambda *_args, **_kw: [topic])
    out = _kb(f"sqlite:///{tmp_path / 'kb.db'}", "insights", "gaps")
    assert "\x1b" not in out and "\x07" not in out
    assert "parking\\x1b]52;c;eA==\\x07\\x1b[2J" in out


def test_gaps_csv_escapes_controls_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A topic's label is an employee's question: `--csv` on the analyst's
    terminal prints its escape sequences as escapes; piped, the CSV is the data."""
    import kb.insights.commands as commands
    from kb.insights.records import GAP_COLUMNS, GAP_EXTRA_COLUMNS

    topic: dict[str, object] = dict.fromkeys((*GAP_COLUMNS, *GAP_EXTRA_COLUMNS), "")
    topic |= {"id": 1, "label": "parking\x1b]52;c;eA==\x07\x1b[2J", "queries": ["a", "b"]}
    monkeypatch.setattr(commands, "_read", lambda *_args, **_kw: [topic])
    env = {"KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"}
    shown = run_kb_on_terminal(env, "insights", "gaps", "--csv")
    assert "\x1b" not in shown and "\x07" not in shown
    assert "parking\\x1b]52;c;eA==\\x07\\x1b[2J" in list(csv.reader(io.StringIO(shown)))[1]
    piped = _kb(env["KB_DATABASE_URL"], "insights", "gaps", "--csv")
    assert "parking\x1b]52;c;eA==\x07\x1b[2J" in list(csv.reader(io.StringIO(piped)))[1]
