"""Search quality with the real embedding model (slow).

The labelled set in `benchmarks/labelled/` is searched over the sample
knowledge base. Its glossary was written from misses of the whole set and the
confidence weights were fitted on its tune half, so the targets are asserted
on the report half (`search.splits`), which no setting was chosen on, with
floors a little under today's measured values (docs/benchmarks.md) so that a
change that loses quality fails here even while it still meets the targets.
The sample-content questions new users tried are asserted to answer from the
right section.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kb.results import Query
from kb.settings import Settings
from search.answer_quality import load_answer_labels
from search.engine import SearchEngine
from search.evaluation import evaluate, load_qrels, load_queries, run_queries
from search.splits import REPORT, only
from tests.search.conftest import build_fixture_index

pytestmark = pytest.mark.slow

LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "labelled"


@pytest.fixture(scope="module")
def real_engine(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[SearchEngine]:  # type: ignore[no-untyped-def]
    settings = build_fixture_index(tmp_path_factory.mktemp("real-fixture"), embedder)
    engine = SearchEngine(settings, embedder=embedder)
    yield engine
    engine.close()


def test_german_question_finds_both_languages_articles(real_engine: SearchEngine) -> None:
    response = real_engine.search(Query("Wie melde ich mich krank?"))
    assert response.lang == "de"
    assert {h.id for h in response.results[:2]} == {"hr/krankmeldung.md", "hr/sick-leave.md"}
    assert response.department == "hr"


def test_clear_question_is_answered_with_its_sentence(real_engine: SearchEngine) -> None:
    response = real_engine.search(Query("the vpn does not connect"))
    assert response.results[0].id == "it/vpn-setup.md"
    assert response.answered and response.answer is not None
    assert "Restart the client" in response.answer.highlight
    assert response.department == "it"


def test_unrelated_question_is_not_answered(real_engine: SearchEngine) -> None:
    response = real_engine.search(Query("recipe for a vegetarian lasagne"))
    assert not response.answered and response.answer is None


@pytest.fixture(scope="module")
def sample_engine(sample_index: Settings, embedder) -> Iterator[SearchEngine]:  # type: ignore[no-untyped-def]
    engine = SearchEngine(sample_index, embedder=embedder)
    yield engine
    engine.close()


@pytest.mark.parametrize(
    "question, section",
    [
        ("I lost my badge", "Lost or stolen card"),
        ("when is payroll paid", "When you are paid"),
        ("Krankmeldung", "Am ersten Krankheitstag"),
        ("how do I reset my password", "Forgotten password: self-service reset"),
    ],
)
def test_sample_questions_answer_from_the_right_section(
    sample_engine: SearchEngine, question: str, section: str
) -> None:
    response = sample_engine.search(Query(question))
    assert response.answered and response.answer is not None
    assert response.answer.headings[-1:] == (section,), response.answer.headings


def test_travel_expense_answer_says_what_is_reimbursed(sample_engine: SearchEngine) -> None:
    answer = sample_engine.search(Query("travel expense reimbursement")).answer
    assert answer is not None and "not reimbursed" not in answer.highlight


@pytest.mark.parametrize("gibberish", ["asdkjh", "qwertzuiop xcvb", "???"])
def test_gibberish_goes_to_triage_without_results(
    sample_engine: SearchEngine, gibberish: str
) -> None:
    response = sample_engine.search(Query(gibberish))
    assert not response.answered and response.total == 0 and response.results == []
    assert response.department == sample_engine.settings.triage_department


@pytest.mark.parametrize("empty", ["a", "a a a a", "x y z", "12345"])
def test_single_letters_and_unknown_numbers_go_to_triage_without_results(
    sample_engine: SearchEngine, empty: str
) -> None:
    """ "a" was answered from *Der Betriebsrat* (0.74), "12345" from an IT page
    (0.75): the models embed such tokens near whatever page is nearest."""
    response = sample_engine.search(Query(empty))
    assert not response.answered and response.total == 0 and response.results == []
    assert response.department == sample_engine.settings.triage_department


@pytest.mark.parametrize("unheard", ["blorf", "xqzvw blorf"])
def test_unanswered_words_the_index_lacks_go_to_triage(
    sample_engine: SearchEngine, unheard: str
) -> None:
    """Word-like but unknown to the index: not gibberish, but the vector side's
    nearest articles are near nothing in particular: none is listed (32 were),
    and their department is no evidence of who owns the question (it went to
    Facilities)."""
    response = sample_engine.search(Query(unheard))
    assert not response.answered and response.results == [] and response.total == 0
    assert response.department == sample_engine.settings.triage_department
    assert sample_engine.search(Query(f"parking {unheard}")).department == "facilities"


@pytest.mark.parametrize("question", ["London train ticket", "train ticket to Munich"])
def test_a_place_name_does_not_route_a_travel_question_to_the_offices(
    sample_engine: SearchEngine, question: str
) -> None:
    """Only the Facilities articles name the offices' cities, so at ridge
    penalty 0.1 the department classifier read a city as Facilities and
    outvoted the article votes (Operations, which books travel); the
    stronger penalty weighs so rare a direction less."""
    assert sample_engine.search(Query(question)).department == "operations"


@pytest.fixture(scope="module")
def labelled_report(sample_engine: SearchEngine) -> dict[str, Any]:
    queries = only(REPORT, load_queries(LABELLED / "queries.jsonl"))
    qrels = load_qrels(LABELLED / "qrels.tsv")
    runs = run_queries(sample_engine.search, queries)
    languages = sample_engine.document_languages()
    labels = load_answer_labels(LABELLED / "answers.jsonl")
    return evaluate(queries, qrels, runs, doc_lang=languages.get, answer_labels=labels).as_dict()


def _metric(report: dict[str, Any], path: str) -> float:
    value: Any = report
    for key in path.split("/"):
        value = value[key]
    return float(value)


@pytest.mark.parametrize(
    "path, target, at_least",
    [
        pytest.param(
            "by_language/en/success@3",
            # 37 of 39 since the second model is on by default (38 without it:
            # "my brother works for one of our suppliers" drops to fourth); it
            # lifts the 18F development set's top 3 from 0.949 to 0.962.
            0.94,
            True,
            id="english-success@3",
        ),
        pytest.param(
            "cross_language/de→en/success@3",
            0.80,
            True,
            id="german-to-english-success@3",
        ),
        pytest.param(
            "answered/unanswered_recall",
            0.80,
            True,
            # 13 of 16 at the threshold that declines at most 8 % of each
            # corpus's tune half (docs/search.md, "Answered or not").
            id="unanswerable-marked",
        ),
        pytest.param("answered/answerable_unanswered", 0.15, False, id="answerable-declined"),
        pytest.param("routing/accuracy", 0.85, True, id="routing-accuracy"),
    ],
)
def test_labelled_set_meets_the_targets(
    labelled_report: dict[str, Any], path: str, target: float, at_least: bool
) -> None:
    value = _metric(labelled_report, path)
    assert (value >= target) if at_least else (value <= target), f"{path} = {value}"


@pytest.mark.parametrize(
    "path, floor",
    [
        ("by_language/en/success@3", 0.94),
        ("cross_language/de→en/success@3", 0.95),
        ("ranking/ndcg@10", 0.90),
        # The threshold keeps each corpus's declines under 8 % (report half:
        # 0.81 caught, 0.09 declined).
        ("answered/unanswered_recall", 0.75),
        ("answered/auc", 0.90),
        # With the heading path's cosine among the answer evidence: 0.641.
        ("answer_passages_by_language/en/holds", 0.60),
    ],
)
def test_labelled_set_stays_above_todays_level(
    labelled_report: dict[str, Any], path: str, floor: float
) -> None:
    assert _metric(labelled_report, path) >= floor
