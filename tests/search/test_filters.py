"""Department, tag and audience filters on passages."""

from __future__ import annotations

from indexer.metadata import Passage
from kb.results import Query
from search.filters import Filters


def passage(
    department: str = "hr",
    audience: tuple[str, ...] = ("everyone",),
    tags: tuple[str, ...] = ("Leave",),
) -> Passage:
    return Passage(1, f"{department}/a.md", 0, department, "en", "A", (), "text", audience, tags)


def test_from_query() -> None:
    filters = Filters.of(
        Query("x", department="hr", tags=(" Leave ", "leave", ""), groups=frozenset({"HR"}))
    )
    assert filters == Filters("hr", ("leave",), frozenset({"hr"}))
    assert filters.active
    assert not Filters.of(Query("x")).active


def test_unrestricted_callers_see_everything() -> None:
    assert Filters().allows(passage(audience=("it",)))


def test_audience_needs_everyone_or_a_shared_group() -> None:
    staff = Filters(groups=frozenset({"finance"}))
    assert staff.allows(passage())
    assert not staff.allows(passage(audience=("hr", "it")))
    assert Filters(groups=frozenset({"it"})).allows(passage(audience=("hr", "IT")))
    assert not Filters(groups=frozenset()).allows(passage(audience=("hr",)))


def test_department_and_all_tags_must_match() -> None:
    assert not Filters(department="it").allows(passage())
    assert Filters(tags=("leave",)).allows(passage())
    assert not Filters(tags=("leave", "pay")).allows(passage())
