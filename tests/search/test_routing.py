"""Routing questions to departments."""

from __future__ import annotations

import random

import pytest

from kb.records import Department
from search.routing import Router, ServiceVote
from search.terms import stems, words

DEPARTMENTS = {
    "hr": Department("hr", "HR", keywords=("leave", "payslip", "Urlaub")),
    "it": Department("it", "IT", keywords=("VPN", "password reset")),
    "legal": Department("legal", "Legal", keywords=("NDA", "contract")),
}


def router(threshold: float = 0.35) -> Router:
    return Router(DEPARTMENTS, "triage", threshold)


def test_the_best_candidates_decide() -> None:
    route = router().route([("it", 1.0), ("it", 0.95), ("hr", 0.6)], [])
    assert route.department == "it"
    assert route.confidence > 0.9
    assert sum(route.votes.values()) == pytest.approx(1.0)


def test_one_strong_match_outweighs_many_weak_ones() -> None:
    weak = [("hr", 0.5)] * 8
    assert router().route([("it", 1.0), *weak], []).department == "it"


def test_department_keywords_vote_by_stem_and_whole_phrase() -> None:
    r = router()
    assert r.keyword_votes(["my", "payslips"]) == {"hr": 1.0}
    assert r.keyword_votes(["password", "reset"]) == {"it": 1.0}
    assert r.keyword_votes(["reset", "password"]) == {}


def test_keywords_route_to_a_department_without_articles() -> None:
    route = router().route([], ["nda", "for", "a", "supplier"])
    assert route.department == "legal"
    assert route.confidence == 1.0


def test_keywords_tip_a_close_vote() -> None:
    close = [("hr", 1.0), ("it", 0.99)]
    assert router().route(close, ["vpn"]).department == "it"


def test_the_catalogue_entry_asked_for_votes_as_a_keyword_of_its_owner() -> None:
    close = [("hr", 1.0), ("legal", 0.99)]
    assert router().route(close, ["new", "colleague"]).department == "hr"
    route = router().route(close, ["new", "colleague"], service="legal")
    assert route.department == "legal"
    assert route.votes["legal"] > route.votes["hr"]
    # It weighs as one keyword: a clear article vote keeps its department.
    clear = [("hr", 1.0), ("hr", 0.98), ("legal", 0.7)]
    assert router().route(clear, [], service="legal").department == "hr"
    # With no articles, like a keyword, it routes on its own.
    assert router().route([], ["colleague"], service="it").department == "it"


def test_a_catalogue_entry_matched_through_a_light_phrase_votes_less() -> None:
    """An entry found only through an everyday word ("request", phrase weight 0.24)
    votes as strongly as the match: less than one found through a phrase that
    names the service, which votes as one keyword (a bare name votes in full)."""
    close = [("hr", 1.0), ("legal", 0.97)]
    light = router().route(close, ["request"], service=ServiceVote("legal", 0.24))
    heavy = router().route(close, ["new", "hire"], service=ServiceVote("legal", 1.0))
    assert heavy.department == "legal"
    assert light.votes["legal"] < heavy.votes["legal"]
    assert light.department == "hr"
    assert router().route(close, [], service="legal").votes == heavy.votes
    # With no articles, a light match alone is too little to route on: triage.
    alone = router().route([], ["request"], service=ServiceVote("it", 0.24))
    assert (alone.department, alone.confidence) == ("triage", pytest.approx(0.24))
    assert router().route([], [], service=ServiceVote("it", 1.0)).department == "it"
    # A department keyword found is a whole vote, with or without a light match.
    keyword = router().route(close, ["nda"], service=ServiceVote("it", 0.24))
    assert keyword.votes["it"] == pytest.approx(0.2 * 0.24 / 1.24)


def test_an_unclear_question_goes_to_triage_with_its_confidence() -> None:
    spread = [("hr", 1.0), ("it", 1.0), ("legal", 1.0)]
    route = router(threshold=0.5).route(spread, [])
    assert route.department == "triage"
    assert route.confidence == pytest.approx(1 / 3)


def test_nothing_at_all_goes_to_triage() -> None:
    assert router().route([], ["weather"]).department == "triage"
    assert router().route([], ["weather"]).confidence == 0.0


def test_an_unanswered_question_of_unknown_words_goes_to_triage() -> None:
    """A word like "blorf": the articles found are the vector side's nearest to nothing in
    particular, so their department is no evidence; keywords and reassignment
    history still route such a question (they know its words)."""
    found = [("it", 1.0), ("it", 0.95)]
    assert router().route(found, ["blorf"]).department == "it"
    unheard = router().route(found, ["blorf"], heard=False)
    assert (unheard.department, unheard.confidence) == ("triage", 0.0)
    assert router().route(found, ["nda"], heard=False) == router().route(found, ["nda"])
    learned = router().route(found, ["blorf"], {"hr": 1.0}, heard=False)
    assert learned == router().route(found, ["blorf"], {"hr": 1.0})


def _votes_one_by_one(departments: dict[str, Department], query: list[str]) -> dict[str, float]:
    """Keyword votes as they are defined: each keyword tried at every word."""
    query_stems = [stems(w) for w in query]
    votes: dict[str, float] = {}
    for slug, department in departments.items():
        for keyword in department.keywords:
            ks = [stems(w) for w in words(keyword)]
            if ks and any(
                all(k & q for k, q in zip(ks, query_stems[i : i + len(ks)], strict=True))
                for i in range(len(query_stems) - len(ks) + 1)
            ):
                votes[slug] = votes.get(slug, 0.0) + 1.0
    return votes


def test_keyword_votes_count_each_keyword_found_once() -> None:
    rng = random.Random(476)
    vocabulary = ["printer", "printers", "printing", "vpn", "leave", "sick", "note", "pay", "day"]
    for _ in range(500):
        departments = {
            slug: Department(
                slug=slug,
                name=slug.upper(),
                keywords=tuple(
                    " ".join(rng.choices(vocabulary, k=rng.randint(1, 3)))
                    for _ in range(rng.randint(0, 6))
                ),
            )
            for slug in ("hr", "it")
        }
        query = rng.choices(vocabulary, k=rng.randint(0, 8))
        router = Router(departments, "triage", 0.35)
        assert router.keyword_votes(query) == _votes_one_by_one(departments, query)


class _CountedList(list):  # type: ignore[type-arg]
    """A list that counts how often an item is read from it."""

    reads = 0

    def __getitem__(self, at):  # type: ignore[no-untyped-def]
        type(self).reads += 1
        return super().__getitem__(at)


def test_a_department_file_of_many_keywords_costs_a_search_nothing() -> None:
    """Every search routes its question: 100,000 keywords (a 1 MB department
    file) tried one by one at every word took a second of each search. Now only
    the keywords that may start at a word are read (counted, not timed)."""
    keywords = tuple(f"kw{i} word{i}" for i in range(100_000))
    router = Router(
        {"it": Department(slug="it", name="IT", keywords=(*keywords, "reset password"))},
        "triage",
        0.35,
    )
    _CountedList.reads = 0
    router._keywords = _CountedList(router._keywords)
    votes = router.keyword_votes(["how", "do", "I", "reset", "my", "password", "for", "the", "vpn"])
    assert votes == {}
    assert 1 <= _CountedList.reads <= 10  # tried one by one: 100,001 reads
    assert router.keyword_votes(["reset", "password", "please"]) == {"it": 1.0}


def test_a_department_s_keywords_are_stemmed_again_only_when_they_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A router is built at each start, for each new snapshot and whenever a
    department file changes; a department file of 100,000 keywords was stemmed
    again each time (3 s), whichever department had changed. Now only the
    keywords of a department whose keywords changed are."""
    many = tuple(f"rebuilt{i} word{i}" for i in range(2_000))
    departments = {
        "it": Department("it", "IT", keywords=(*many, "reset password")),
        "hr": Department("hr", "HR", keywords=("leave",)),
    }
    first = Router(departments, "triage", 0.35)
    stemmed: list[str] = []

    def counted(word: str) -> frozenset[str]:
        stemmed.append(word)
        return stems(word)

    monkeypatch.setattr("search.routing.stems", counted)
    changed = {**departments, "hr": Department("hr", "HR", keywords=("leave", "payslip"))}
    again = first.with_departments(changed)
    assert stemmed == ["leave", "payslip"]
    stemmed.clear()
    fresh = Router(changed, "triage", 0.35)  # a new snapshot with the same files
    assert stemmed == []
    query = ["reset", "password", "leave", "payslip", "rebuilt7", "word7"]
    for router in (again, fresh):
        assert router.keyword_votes(query) == {"it": 2.0, "hr": 2.0}
        assert router.keyword_votes(query) == _votes_one_by_one(changed, query)
    # A department whose keywords change is stemmed again, and routes by the new ones.
    edited = {**changed, "it": Department("it", "IT", keywords=("printer",))}
    stemmed.clear()
    router = Router(edited, "triage", 0.35)
    assert stemmed == ["printer"]
    assert router.keyword_votes(query) == {"hr": 2.0}
