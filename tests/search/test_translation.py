"""Query translation through a bilingual dictionary: the translator on a tiny
dictionary, the query plan, the keyword clauses, and the engine end to end on
the fixture content with a dictionary file written here."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from indexer.metadata import Passage
from kb.language import detect_language
from kb.results import Query
from kb.settings import Settings
from search.crosslingual import translated_if_cross
from search.dictionary import parse
from search.engine import SearchEngine
from search.evidence import gather_evidence
from search.grouping import ArticleGroup
from search.keyword import KeywordHit
from search.spelling import SpellingCorrector, Vocabulary
from search.synonyms import Glossary
from search.terms import stem
from search.translation import Translator, index_knows
from search.understanding import Concept, QueryPlan, understand
from tests.support import HashingEmbedder

TINY = """\
Verbindung {f} | Verbindungen {pl} :: connection; link | connections; links
Kunde {m} | Kunden {pl} :: customer; client | customers; clients
Dienst {m} | Dienste {pl} :: service; duty | services; duties
Zugang {m} :: access; admission
etw. installieren {vt} | installierend | installiert :: to install sth. | installing | installed
Programm {n} :: program; programme; application
Urlaub {m} :: leave
urlauben {vi} :: to holiday
"""

INDEXED = {"connection", "client", "service", "install", "installing", "customer", "link"}
INDEXED |= {"leave", "holiday", "program"}
# As the index knows words: as written, or by their English stem ("customers").
KNOWN = index_knows(lambda w: int(w in INDEXED), {stem(w, "en") for w in INDEXED}.__contains__)


def translator(limit: int = 3) -> Translator:
    return Translator(parse(TINY.splitlines()), KNOWN, limit)


def test_terms_the_index_lacks_are_left_out_and_the_limit_holds() -> None:
    assert translator()("verbindung", "de") == ("connection", "link")
    assert translator(1)("verbindung", "de") == ("connection",)
    assert translator()("zugang", "de") == ()  # neither "access" nor "admission" is indexed


def test_a_word_typed_without_umlauts_is_found_as_written_with_them() -> None:
    entries = [
        "Überweisung {f} | Überweisungen {pl} :: transfer | transfers",
        "Straße {f} :: street",
    ]
    known = index_knows(
        lambda w: int(w in {"transfer", "transfers", "street"}), lambda _stem: False
    )
    spelled = Translator(parse(entries), known, 3)
    assert spelled("ueberweisung", "de") == spelled("überweisung", "de") == ("transfer",)
    assert spelled("ueberweisungen", "de") == ("transfers",)
    assert spelled("straße", "de") == ("street",)


def test_a_word_is_found_by_its_stem_and_a_compound_by_its_parts() -> None:
    assert translator()("installiere", "de") == ("install",)  # "installieren"
    assert translator()("urlaubs", "de") == ("leave",)  # the noun, not the verb "urlauben"
    # "kundendienst" is no entry: its head ("dienst") first, then the modifier.
    assert translator()("kundendienst", "de") == ("service", "customers", "clients")


def test_only_german_queries_are_translated_and_an_empty_dictionary_is_off() -> None:
    assert translator()("verbindung", "en") == ()
    assert translator(0)("verbindung", "de") == ()
    assert not Translator(parse([]), KNOWN, 3)


def test_the_plan_translates_unknown_german_words_only() -> None:
    vocabulary = Vocabulary({w: 1 for w in INDEXED | {"verbindung"}}, 10)
    plan = understand(
        "Kundendienst Verbindung",
        lang="de",
        glossary=Glossary(),
        corrector=SpellingCorrector(vocabulary),
        translate=translator(),
    )
    by_word = {c.word: c for c in plan.concepts}
    assert by_word["kundendienst"].translations == ("service", "customers", "clients")
    assert by_word["kundendienst"].terms[-1] == "clients"
    assert by_word["verbindung"].translations == ()  # the index knows it: as typed
    assert plan.corrections == {} and not plan.nonsense


def test_a_translated_word_gets_no_spelling_correction() -> None:
    # "clienten" is one edit from the indexed "clients" but a German word.
    vocabulary = Vocabulary({"clients": 5, "client": 5}, 10)
    found = parse(["Klient {m}; Clienten {pl} :: client"])
    plan = understand(
        "clienten",
        lang="de",
        glossary=Glossary(),
        corrector=SpellingCorrector(vocabulary),
        translate=Translator(found, vocabulary.__contains__, 3),
    )
    assert plan.corrections == {} and plan.concepts[0].translations == ("client",)


@pytest.fixture(scope="module")
def dictionary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dictionary") / "de-en"
    path.write_text(TINY, encoding="utf-8")
    return path


def keyword_ids(engine: SearchEngine, text: str) -> list[str]:
    found = engine.retrieve(Query(text, lang="de"))
    owners = found.prepared.snapshot.owners
    return [owners[h.pid][0] for h in found.keyword]


def test_the_engine_finds_english_articles_by_translated_words(
    fixture_index: Settings, dictionary_file: Path, hashing_embedder: HashingEmbedder
) -> None:
    on = fixture_index.replace(translation_dictionary=str(dictionary_file))
    off = fixture_index.replace(translation_dictionary="")
    with_dictionary = SearchEngine(on, embedder=hashing_embedder)
    without = SearchEngine(off, embedder=hashing_embedder)
    try:
        assert keyword_ids(without, "Programm installieren") == []
        assert keyword_ids(with_dictionary, "Programm installieren")[0] == "it/vpn-setup.md"
        response = with_dictionary.search(Query("Programm installieren", lang="de"))
        assert response.results[0].id == "it/vpn-setup.md"
        assert "<mark>Install</mark>" in response.results[0].snippet
        # A German word the index holds is searched as typed, untranslated.
        plan = with_dictionary.retrieve(Query("Krankmeldung", lang="de")).plan
        assert all(not c.translations for c in plan.concepts)
    finally:
        with_dictionary.close()
        without.close()


def test_a_word_only_restricted_articles_hold_is_never_a_translation_for_others(
    fixture_index: Settings, tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    # "payroll" is written only in the HR-only payroll runbook. Offered as the
    # translation of "Lohnbuchhaltung" to everyone, it made the German word
    # known, and a visitor got public results for it where an untranslated
    # word lists none: a test of which words the restricted articles hold.
    dictionary = tmp_path / "de-en"
    dictionary.write_text("Lohnbuchhaltung {f} :: payroll\n", encoding="utf-8")
    settings = fixture_index.replace(translation_dictionary=str(dictionary))
    engine = SearchEngine(settings, embedder=hashing_embedder)
    try:
        for groups in (frozenset(), frozenset({"finance"})):
            query = Query("Lohnbuchhaltung", lang="de", groups=groups)
            assert all(not c.translations for c in engine.retrieve(query).plan.concepts)
            assert engine.search(query).results == []
        for groups in (frozenset({"hr"}), None):
            query = Query("Lohnbuchhaltung", lang="de", groups=groups)
            assert [c.translations for c in engine.retrieve(query).plan.concepts] == [("payroll",)]
            assert "hr/payroll-runbook.md" in [h.id for h in engine.search(query).results]
    finally:
        engine.close()


def test_translations_weigh_as_the_setting_says(
    fixture_index: Settings, dictionary_file: Path, hashing_embedder: HashingEmbedder
) -> None:
    scores = []
    for boost in (0.3, 0.9):
        settings = fixture_index.replace(
            translation_dictionary=str(dictionary_file), translation_boost=boost
        )
        engine = SearchEngine(settings, embedder=hashing_embedder)
        try:
            found = engine.retrieve(Query("VPN installieren", lang="de"))
            clauses = found.prepared.keyword.build(found.plan)
            scores.append(sorted(c.boost for c in clauses))
        finally:
            engine.close()
    assert scores == [[0.3, 1.0], [0.9, 1.0]]


def passage(pid: int, article: str, lang: str) -> Passage:
    return Passage(pid, article, 0, "hr", lang, article, (), "text", ("everyone",), ())


def translated_plan() -> QueryPlan:
    return QueryPlan(
        "urlaub beantragen",
        "de",
        ("urlaub", "beantragen"),
        (Concept("urlaub", translations=("leave",)), Concept("beantragen")),
    )


def test_translations_stay_only_where_the_vector_side_finds_another_language() -> None:
    snapshot = SimpleNamespace(
        owners={1: ("a.md", "hr"), 2: ("b.md", "hr"), 3: ("c.md", "hr")},
        article_langs={"a.md": "en", "b.md": "en", "c.md": "de"},
    )
    plan = translated_plan()
    english_first = translated_if_cross(plan, snapshot, [(1, 0.9), (2, 0.8), (3, 0.7)])  # type: ignore[arg-type]
    assert english_first is plan and plan.translated
    german_first = translated_if_cross(plan, snapshot, [(3, 0.9), (1, 0.8)])  # type: ignore[arg-type]
    assert not german_first.translated
    assert [c.word for c in german_first.concepts] == ["urlaub", "beantragen"]


def test_a_translated_question_keeps_the_models_best_cosine() -> None:
    # The keyword side lifted "b.md" (its passage the model's second) to the top.
    groups = [ArticleGroup("b.md", 1.0, [2]), ArticleGroup("a.md", 0.9, [1])]
    loaded = {1: passage(1, "a.md", "en"), 2: passage(2, "b.md", "en")}
    vector = [(1, 0.85), (2, 0.80)]
    hits = [KeywordHit(2, 3.0, frozenset({0}))]
    owners = {1: "a.md", 2: "b.md"}
    plan = translated_plan()
    translated = gather_evidence(groups, plan, hits, vector, owners, [], loaded)
    untranslated = dataclasses.replace(
        plan, concepts=tuple(dataclasses.replace(c, translations=()) for c in plan.concepts)
    )
    as_typed = gather_evidence(groups, untranslated, hits, vector, owners, [], loaded)
    assert translated is not None and as_typed is not None
    assert translated.cosine == 0.85 and as_typed.cosine == 0.80
    # Only the translated one has its answer's coverage observed (search.confidence).
    assert translated.translated and not as_typed.translated
    assert translated.cross_lingual and as_typed.cross_lingual


ENGLISH_ARTICLES = {
    "hr/leave-donation.md": (
        "Donating leave to a colleague",
        "Employees may donate hours of annual leave to a coworker who faces a medical "
        "emergency, through the voluntary leave transfer programme.",
    ),
    "it/stolen-laptop.md": (
        "Lost or stolen laptop",
        "Report a stolen laptop to the IT service desk at once; it will be locked remotely.",
    ),
    "hr/travel-claims.md": (
        "Travel claims",
        "Submit your travel expenses for reimbursement within five days of your trip.",
    ),
}


@pytest.mark.slow
def test_debians_dictionary_and_the_model_find_the_english_article(
    tmp_path: Path, embedder: object
) -> None:
    """With the real model and the real dictionary: a German question whose
    words no English article uses is matched by keyword through translation."""
    from indexer.build import IndexBuilder
    from search.dictionary import DEBIAN_DICTIONARY

    if not DEBIAN_DICTIONARY.is_file():
        pytest.skip(f"{DEBIAN_DICTIONARY} is not installed (apt-get install trans-de-en)")
    content = tmp_path / "content"
    for department in ("hr", "it"):
        (content / department).mkdir(parents=True)
        (content / department / "_department.yml").write_text(f"name: {department}\n")
    for path, (title, text) in ENGLISH_ARTICLES.items():
        (content / path).write_text(f"---\ntitle: {title}\nlang: en\n---\n{text}\n")
    settings = Settings.load(
        {"content_dir": str(content), "index_dir": str(tmp_path / "index")}, environ={}
    )
    IndexBuilder(settings, embedder=embedder).run()  # type: ignore[arg-type]
    question = "Wie kann ich einem Kollegen Urlaubsstunden spenden?"
    engines = {
        name: SearchEngine(settings.replace(translation_dictionary=value), embedder=embedder)  # type: ignore[arg-type]
        for name, value in (("on", "auto"), ("off", ""))
    }
    try:
        assert keyword_ids(engines["off"], question) == []
        assert keyword_ids(engines["on"], question)[0] == "hr/leave-donation.md"
        plan = engines["on"].retrieve(Query(question)).plan
        translated = {c.word: c.translations for c in plan.concepts if c.translations}
        assert "leave" in translated["urlaubsstunden"] and "donate" in translated["spenden"]
        assert engines["on"].search(Query(question)).results[0].id == "hr/leave-donation.md"
    finally:
        for engine in engines.values():
            engine.close()


def test_a_short_german_query_read_as_english_is_translated_when_every_word_is_german() -> None:
    vocabulary = Vocabulary({w: 1 for w in INDEXED | {"vpn"}}, 10)

    def plan_of(text: str, lang: str | None = None) -> QueryPlan:
        return understand(
            text,
            lang=lang,
            glossary=Glossary(),
            corrector=SpellingCorrector(vocabulary),
            translate=translator(),
        )

    assert detect_language("Programm installieren") != "de"  # what the detector says
    untold = plan_of("Programm installieren")
    assert untold.lang == "de" and untold.translated
    # A word the index knows, or a language the searcher chose, keeps it as it is.
    assert plan_of("vpn installieren").lang == detect_language("vpn installieren")
    assert not plan_of("vpn installieren").translated
    assert not plan_of("Programm installieren", lang="en").translated
