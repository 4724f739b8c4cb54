"""Why a shown answer misses, read from a `kb eval --runs-out` line."""

from __future__ import annotations

from typing import Any

from benchmarks.answer_classes import CLASSES, classify_run, counts
from indexer.metadata import Passage
from search.answer_quality import AnswerLabel

LABEL = AnswerLabel(sections=(("hr/leave.md", "Sick leave"),), phrases=("doctor",))


def passage(ordinal: int, heading: str, text: str, article: str = "hr/leave.md") -> Passage:
    return Passage(ordinal, article, ordinal, "hr", "en", "Leave", (heading,), text, (), ())


ARTICLE = [
    passage(0, "Leave", "Everyone gets leave."),
    passage(1, "Annual leave", "Book it in Workday."),
    passage(2, "Sick leave", "Tell your manager; see a doctor after three days."),
    passage(3, "Parental leave", "Up to three years."),
]


def run(shown: Passage | None, results: list[str], highlight: str = "") -> dict[str, Any]:
    answer = None
    if shown is not None:
        answer = {
            "id": shown.article_id,
            "headings": list(shown.headings),
            "passage": shown.text,
            "highlight": highlight or shown.text,
        }
    return {"_id": "q", "results": results, "answer": answer}


def kind(row: dict[str, Any], foreign: bool = False) -> str:
    return classify_run(row, LABEL, str, lambda _: ARTICLE, lambda _: foreign)


def test_each_miss_falls_in_the_first_class_that_fits() -> None:
    here = ["hr/leave.md", "hr/other.md"]
    assert kind(run(ARTICLE[2], here)) == "holds"
    assert (
        kind(run(ARTICLE[2], here, highlight="Tell your manager."))
        == "(c) holds, the highlight misses its key phrase"
    )
    assert kind(run(None, here)) == "declined"
    other = passage(0, "Travel", "Trains.", article="hr/other.md")
    assert kind(run(other, here)) == "(a) other page, the labelled page first"
    assert kind(run(other, here[::-1])) == "(a) other page, the labelled page second"
    assert kind(run(other, ["x.md", "y.md", "hr/leave.md"])) == (
        "(a) other page, the labelled page lower or not found"
    )
    assert kind(run(other, here), foreign=True) == (
        "(a) other page, the labelled page in another language"
    )
    assert kind(run(ARTICLE[0], here)) == "(b) introduction chosen"
    assert kind(run(ARTICLE[1], here)) == "(b) neighbouring passage holds it"
    far = passage(5, "Leave", "Ask HR.")
    assert kind(run(far, here)) == "(b) another section"


def test_a_label_no_passage_of_its_page_holds_is_a_label_miss() -> None:
    label = AnswerLabel(sections=(("hr/leave.md", "Gone section"),), phrases=("nowhere",))
    row = run(ARTICLE[1], ["hr/leave.md"])
    assert classify_run(row, label, str, lambda _: ARTICLE) == (
        "(d) no passage of the labelled page holds it"
    )


def test_counts_list_every_class_for_all_and_each_half() -> None:
    rows = [
        {"half": "tune", "class": "holds"},
        {"half": "tune", "class": "declined"},
        {"half": "report", "class": "holds"},
    ]
    result = counts(rows)
    assert list(result) == ["all", "tune", "report"]
    assert list(result["tune"]) == ["questions", *CLASSES]
    assert result["all"]["holds"] == 2 and result["tune"]["declined"] == 1
    assert result["report"]["questions"] == 1
