"""Routing follows the department files of the content root while the app runs
(`search.live_routing`): a department added, or given keywords, after the index
run receives questions by its keywords without waiting for the next run."""

from __future__ import annotations

from collections.abc import Mapping

from kb.records import Department
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from tests.support import HashingEmbedder

QUESTION = "where do I get a parking permit for the car park"


def test_a_department_added_after_the_index_run_is_routed_to_by_its_keywords(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    index_only = SearchEngine(fixture_index, embedder=hashing_embedder)
    departments: dict[str, Department] = {
        **{d.slug: d for d in index_only.departments()},
    }

    def source() -> Mapping[str, Department]:
        return departments

    live = SearchEngine(fixture_index, embedder=hashing_embedder, route_departments=source)
    try:
        assert "fleet" not in {d.slug for d in index_only.departments()}
        before = live.search(Query(QUESTION)).department
        assert before == index_only.search(Query(QUESTION)).department  # same departments
        assert before != "fleet"
        fleet = Department("fleet", "Fleet", keywords=("parking permit",))
        departments = {**departments, "fleet": fleet}
        assert live.search(Query(QUESTION)).department == "fleet"
        assert index_only.search(Query(QUESTION)).department == before
    finally:
        index_only.close()
        live.close()


def test_a_source_that_fails_routes_by_the_index(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    def broken() -> Mapping[str, Department]:
        raise OSError("the content root is away")

    engine = SearchEngine(fixture_index, embedder=hashing_embedder, route_departments=broken)
    plain = SearchEngine(fixture_index, embedder=hashing_embedder)
    try:
        query = Query("how many vacation days do I get")
        assert engine.search(query).department == plain.search(query).department
    finally:
        engine.close()
        plain.close()


def test_the_service_catalogue_is_asked_for_the_question_and_a_failure_changes_nothing(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    asked: list[str] = []

    def owner(text: str) -> str | None:
        asked.append(text)
        return None

    def broken(text: str) -> str | None:
        raise OSError("the catalogue is away")

    plain = SearchEngine(fixture_index, embedder=hashing_embedder)
    told = SearchEngine(fixture_index, embedder=hashing_embedder, route_services=owner)
    failing = SearchEngine(fixture_index, embedder=hashing_embedder, route_services=broken)
    try:
        query = Query("how many vacation days do I get")
        department = plain.search(query).department
        assert told.search(query).department == department
        assert asked == ["how many vacation days do I get"]
        assert failing.search(query).department == department
    finally:
        plain.close()
        told.close()
        failing.close()
