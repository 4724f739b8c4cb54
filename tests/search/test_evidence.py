"""The evidence a search gathers for the confidence model (search.evidence)."""

from __future__ import annotations

from search.confidence import Evidence
from search.evidence import with_second_model

EVIDENCE = Evidence(cosine=0.85, coverage=0.5, keyword_rank=1, vector_rank=1)


def test_the_second_models_best_cosine_is_its_first_passages() -> None:
    added = with_second_model(EVIDENCE, [(7, 0.62), (3, 0.41)], True)
    assert added is not None and added.second_top == 0.62
    assert added.cosine == EVIDENCE.cosine and EVIDENCE.second_top is None


def test_where_the_second_model_did_not_read_the_query_nothing_is_observed() -> None:
    assert with_second_model(EVIDENCE, [], True) is EVIDENCE
    # Its list took no part in the ranking (German or cross-language query).
    assert with_second_model(EVIDENCE, [(7, 0.62)], False) is EVIDENCE
    assert with_second_model(None, [(7, 0.62)], True) is None
