"""Answer labels: which shown answers hold the answer, and the tune/report split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.errors import ConfigError
from search.answer_quality import AnswerLabel, ShownAnswer, answer_metrics, load_answer_labels
from search.splits import REPORT, TUNE, half_of, only

LABEL = AnswerLabel(
    sections=(("hr/leave.md", "Sick leave"), ("hr/leave.md", "")), phrases=("doctor",)
)


def test_heading_path_phrase_and_article_decide() -> None:
    assert LABEL.held_by(ShownAnswer("hr/leave.md", ("Types", "Sick leave"), "x"))
    assert LABEL.held_by(ShownAnswer("hr/leave.md", (), "the top of the article"))
    assert LABEL.held_by(ShownAnswer("hr/leave.md", ("Annual leave",), "See a Doctor first"))
    assert not LABEL.held_by(ShownAnswer("hr/leave.md", ("Annual leave",), "any reason"))
    # The right section name in another article does not count.
    assert not LABEL.held_by(ShownAnswer("it/leave.md", ("Sick leave",), "doctor"))
    assert LABEL.held_by(
        ShownAnswer("hr/hr/leave.md", ("Sick leave",), ""), lambda a: a.split("/", 1)[1]
    )


def test_a_highlight_misses_when_it_quotes_none_of_the_passages_key_phrases() -> None:
    passage = "Annual leave is booked in Workday. See a doctor on the first day."
    shown = ShownAnswer("hr/leave.md", ("Sick leave",), passage, "Annual leave is booked.")
    assert LABEL.highlight_misses(shown)
    quoted = ShownAnswer("hr/leave.md", ("Sick leave",), passage, "See a Doctor first.")
    assert not LABEL.highlight_misses(quoted)
    # no key phrase in the passage: nothing the highlight could have quoted
    assert not LABEL.highlight_misses(ShownAnswer("hr/leave.md", (), "any reason", "any"))
    assert shown.as_dict()["highlight"] == "Annual leave is booked."


def test_metrics_count_unshown_answers_as_misses() -> None:
    good = ShownAnswer("hr/leave.md", ("Sick leave",), "")
    bad = ShownAnswer("hr/other.md", (), "")
    labels = {"a": LABEL, "b": LABEL, "c": LABEL}
    metrics = answer_metrics({"a": good, "b": bad, "c": None, "x": good}, labels)
    assert metrics == {
        "queries": 3,
        "shown": 2,
        "holds": 0.3333,
        "holds_when_shown": 0.5,
        "holds_quoted": 0.3333,
    }
    # a held answer whose highlight misses the passage's key phrase is not quoted
    misquoted = ShownAnswer("hr/leave.md", ("Sick leave",), "See a doctor. Rest.", "Rest.")
    again = answer_metrics({"a": misquoted, "b": good}, {"a": LABEL, "b": LABEL})
    assert again["holds"] == 1.0 and again["holds_quoted"] == 0.5


def test_labels_load_and_bad_lines_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        json.dumps({"_id": "q1", "answers": [["hr/leave.md", "Sick leave"]], "phrases": ["x"]})
        + "\n\n"
        + json.dumps({"_id": "q2", "answers": []})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"answers.jsonl:3"):
        load_answer_labels(path)
    path.write_text(json.dumps({"_id": "q1", "answers": [["a.md", ""]]}) + "\n", "utf-8")
    assert load_answer_labels(path) == {"q1": AnswerLabel((("a.md", ""),))}


def test_the_split_is_fixed_disjoint_and_covers_every_query() -> None:
    ids = [f"q{n}" for n in range(400)]
    tune = {i for i in ids if half_of(i) == TUNE}
    report = {i for i in ids if half_of(i) == REPORT}
    assert tune.isdisjoint(report) and tune | report == set(ids)
    assert 150 < len(tune) < 250  # about half
    assert half_of("d001") == half_of("d001")
    rows = [LabelledQueryLike(i) for i in ids]
    assert {r.id for r in only(TUNE, rows)} == tune and len(only(None, rows)) == 400
    with pytest.raises(ValueError, match="half must be one of"):
        only("test", rows)


class LabelledQueryLike:
    def __init__(self, id: str) -> None:
        self.id = id
