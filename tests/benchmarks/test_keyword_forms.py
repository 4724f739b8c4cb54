"""The keyword-form variants of `benchmarks.keyword_forms`."""

from __future__ import annotations

from benchmarks.keyword_forms import FormRouter
from kb.records import Department
from search.routing import Router

DEPARTMENTS = {
    "hr": Department("hr", "HR", keywords=("training", "payslip")),
    "ops": Department("ops", "Operations", keywords=("train", "pool car")),
}


def _router(shorter: float, stem_only: float) -> FormRouter:
    base = Router(DEPARTMENTS, "triage", 0.3)
    return FormRouter(DEPARTMENTS, base, None, shorter, stem_only, 0.2)


def test_the_first_variant_votes_as_the_router_does() -> None:
    query = ["my", "train", "ticket", "and", "trainings", "payslips", "pool", "cars"]
    assert _router(1.0, 1.0).keyword_votes(query) == Router(DEPARTMENTS, "t", 0.3).keyword_votes(
        query
    )


def test_a_longer_keyword_met_by_its_base_weighs_as_the_variant_says() -> None:
    assert _router(0.0, 1.0).keyword_votes(["train", "ticket"]) == {"ops": 1.0}
    assert _router(0.5, 1.0).keyword_votes(["train", "ticket"]) == {"hr": 0.5, "ops": 1.0}
    assert _router(0.0, 0.5).keyword_votes(["trainings"]) == {"hr": 0.5, "ops": 0.5}
    assert _router(0.0, 0.5).keyword_votes(["pool", "car"]) == {"ops": 1.0}
