"""`kb search` and `kb eval` on the fixture index (hashing embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli.main import main
from kb.settings import Settings
from tests.support import HashingEmbedder


@pytest.fixture
def cli(
    fixture_index: Settings, hashing_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    import search.engine

    monkeypatch.setattr(search.engine, "model_name", lambda name: hashing_embedder.name)
    monkeypatch.setattr(search.engine, "create_embedder", lambda *a, **k: hashing_embedder)
    base = ["--settings", str(_settings_file(fixture_index))]

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)

    return invoke


def _settings_file(settings: Settings) -> Path:
    path = settings.index_path.parent / "kb.toml"
    path.write_text(
        f'[kb]\nindex_dir = "{settings.index_dir}"\ncontent_dir = "{settings.content_dir}"\n'
        # The hashing embedder's cosines mean nothing to the fitted confidence:
        # these tests are about the commands, so every search with results answers.
        "answer_threshold = 0.0\n",
        encoding="utf-8",
    )
    return path


def test_search_json(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "annual leave", "-k", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "annual leave"
    assert data["results"][0]["id"] == "hr/annual-leave.md"
    assert len(data["results"]) <= 2


def test_search_text_and_department(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "client", "--department", "it")
    assert result.exit_code == 0
    assert "Setting up the VPN" in result.output and "route:" in result.output
    assert "[hr]" not in result.output


def test_search_errors_are_clean(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "leave", "--department", "sales")
    assert result.exit_code == 1 and "unknown department 'sales'" in result.output
    assert cli("search", "   ").exit_code == 2


def test_eval_writes_metrics_and_runs(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"_id": "a", "text": "annual leave days", "lang": "en", "kind": "answerable", '
        '"department": "hr"}\n'
        '{"_id": "b", "text": "VPN client", "lang": "en", "kind": "answerable", '
        '"department": "it"}\n',
        encoding="utf-8",
    )
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text(
        "query-id\tcorpus-id\tscore\na\thr/annual-leave.md\t1\nb\tit/vpn-setup.md\t1\n",
        encoding="utf-8",
    )
    runs = tmp_path / "runs.jsonl"
    result = cli(
        "eval", "--queries", str(queries), "--qrels", str(qrels), "--json", "--runs-out", str(runs)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ranking"]["success@1"] == 1.0 and report["routing"]["accuracy"] == 1.0
    assert set(report["by_language"]) == {"en"}
    lines = [json.loads(line) for line in runs.read_text(encoding="utf-8").splitlines()]
    assert [r["_id"] for r in lines] == ["a", "b"]
    assert set(lines[0]) == {"_id", "results", "answered", "confidence", "department", "answer"}
    answered = [r for r in lines if r["answered"]]
    assert answered and all(
        set(r["answer"]) == {"id", "headings", "passage", "highlight"} for r in answered
    )
    # the highlighted sentences are the answer card's, taken from its passage
    assert all(r["answer"]["highlight"] for r in answered)
    assert answered[0]["answer"]["id"] == answered[0]["results"][0] or answered[0]["answer"]["id"]
    text = cli("eval", "--queries", str(queries), "--qrels", str(qrels))
    assert "success@3" in text.output and "routing" in text.output


def test_eval_shows_its_progress_on_a_terminal_only(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.commands

    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "a", "text": "annual leave"}\n{"_id": "b", "text": "VPN"}\n')
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\na\thr/annual-leave.md\t1\n", encoding="utf-8")
    bars: list[tuple[str, int]] = []
    ticks: list[int] = []

    def bar(desc: str, total: int, unit: str):  # type: ignore[no-untyped-def]
        bars.append((desc, total))
        return ticks.append

    monkeypatch.setattr(search.commands, "progress_bar", bar)
    args = ("eval", "--queries", str(queries), "--qrels", str(qrels))
    assert cli(*args).exit_code == 0 and not bars  # no terminal: no bar
    monkeypatch.setattr(search.commands, "on_terminal", lambda as_json=False: not as_json)
    assert cli(*args, "--json").exit_code == 0 and not bars  # --json: no bar either
    assert cli(*args).exit_code == 0
    assert bars == [("searching", 2)] and ticks == [1, 1]


def test_search_prints_no_escape_sequence_of_an_article(capsys: pytest.CaptureFixture[str]) -> None:
    """Found in the review of 6 December: an article's title and text are a
    content owner's, and YAML writes any control character (`"\\e]52;c;…\\a"`
    sets the clipboard of many terminals, `"\\e[2J"` clears the screen);
    `kb search` printed them as they were, to the operator's terminal. They
    are printed as their escapes; the passage keeps its lines."""
    from search.commands import _print_response

    hostile = "Leave\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J policy"
    hit = {
        "title": hostile,
        "department": "hr",
        "id": "hr/leave.md",
        "score": 0.5,
        "snippet": "Claim <mark>leave</mark>\x1b[8m hidden\nnext line",
    }
    _print_response(
        {
            "answered": True,
            "confidence": 0.9,
            "department": "hr",
            "department_confidence": 0.9,
            "lang": "en",
            "did_you_mean": "",
            "expanded_terms": [],
            "answer": {"title": hostile, "id": "hr/leave.md", "highlight": "Take\x9b2J it\tnow"},
            "results": [hit],
        }
    )
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed and "\x9b" not in printed
    assert "Leave\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b[2J policy" in printed
    assert "Claim *leave*\\x1b[8m hidden\nnext line" in printed and "Take\\x9b2J it\tnow" in printed
