"""The heading path's cosine as evidence for the answer passage."""

from __future__ import annotations

import numpy as np

from indexer.metadata import Passage
from search.answering import answer_candidates
from search.grouping import ArticleGroup
from search.section_match import section_cosines
from search.understanding import Concept, QueryPlan


def passage(pid: int, headings: tuple[str, ...], text: str) -> Passage:
    return Passage(pid, "a.md", pid, "facilities", "en", "Access card", headings, text, (), ())


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


PASSAGES = {
    1: passage(1, ("Forgotten or broken card",), "Reception issues a day pass."),
    2: passage(2, ("Lost or stolen card",), "Report it to Security now."),
    3: passage(3, ("Parking",), "Visitors park in the yard."),
}


class Vectors(dict[str, np.ndarray]):
    """Stored heading vectors, looked up as the snapshot does."""

    def get_many(self, paths: list[str]) -> dict[str, np.ndarray]:
        return {p: self[p] for p in paths if p in self}


VECTORS = Vectors(
    {
        "Access card > Forgotten or broken card": unit(1.0, 1.0, 0.0),
        "Access card > Lost or stolen card": unit(0.2, 1.0, 0.0),
        "Access card > Parking": unit(1.0, 0.0, 0.0),
    }
)


def test_each_passage_gets_its_heading_paths_cosine() -> None:
    query = unit(0.0, 1.0, 0.0)
    cosines = section_cosines(VECTORS.get_many, PASSAGES, query)
    assert set(cosines) == {1, 2, 3}
    assert set(section_cosines(Vectors(list(VECTORS.items())[:2]).get_many, PASSAGES, query)) == {
        1,
        2,
    }
    assert round(cosines[1], 3) == round(1 / np.sqrt(2), 3)
    assert cosines[2] > cosines[1]
    assert section_cosines(lambda paths: {}, PASSAGES, query) == {}


def test_the_section_closest_to_the_question_answers_when_words_do_not_tell() -> None:
    # "I misplaced it": no word of either heading, the same passage cosines
    plan = QueryPlan("I misplaced it", "en", ("misplaced",), (Concept("misplaced", (), 1.0),))
    groups = [ArticleGroup("a.md", 1.0, [1, 2, 3])]
    cosines = {1: 0.85, 2: 0.85, 3: 0.85}
    without = answer_candidates(groups, PASSAGES, cosines, plan)
    assert without[0].pid == 1  # the first passage, on position alone
    sections = section_cosines(VECTORS.get_many, PASSAGES, unit(0.0, 1.0, 0.0))
    ranked = answer_candidates(groups, PASSAGES, cosines, plan, sections=sections)
    assert ranked[0].pid == 2
    features = {c.pid: c.features for c in ranked}
    assert features[2]["section_cosine"] == 0.0 and features[1]["section_cosine"] < 0
    assert features[1]["position"] < features[2]["position"] < features[3]["position"]
    del sections[3]  # a path without a vector (an older snapshot) is neutral, not penalised
    ranked = answer_candidates(groups, PASSAGES, cosines, plan, sections=sections)
    assert {c.pid: c.features for c in ranked}[3]["section_cosine"] == 0.0
