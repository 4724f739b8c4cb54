"""A mistake in an article's audience restricts it instead of publishing it to
everyone, and is an error (security review, issue 13: `audience: []`, a
mapping or a misspelled `audiance:` all gave public articles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.build import IndexBuilder
from kb.content.markdown_article import parse_article
from kb.content.scanner import scan_content
from kb.i18n.problems import problem_words
from kb.records import EVERYONE
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from tests.support import HashingEmbedder, run_kb

ANONYMOUS: frozenset[str] = frozenset()
HR_CONTENT_OWNER = frozenset({"employee", "content_owner", "hr", "content_owner:hr"})


def parse(front_matter: str, article_id: str = "hr/salaries.md"):  # type: ignore[no-untyped-def]
    raw = f"---\ntitle: Salary bands\n{front_matter}---\nThe salary bands for 2026.\n"
    return parse_article(raw.encode(), article_id)


@pytest.mark.parametrize(
    "front_matter",
    [
        "audience: []\n",
        "audience:\n",
        'audience: ""\n',
        "audience: {hr: true}\n",
        "audience: [[hr]]\n",
        "audience: [2026]\n",
        "audience: 7\n",
        "audiance: [hr]\n",
        "Audience: [hr]\n",
        "audience_: [hr]\n",
    ],
)
def test_a_broken_audience_restricts_the_article(front_matter: str) -> None:
    article, problems = parse(front_matter)
    assert article.audience == ("content_owner:hr",)
    assert not article.visible_to(ANONYMOUS)
    assert not article.visible_to(frozenset({"employee", "hr", "agent:hr"}))
    assert article.visible_to(HR_CONTENT_OWNER) and article.visible_to(None)
    [problem] = [p for p in problems if p.kind == "audience"]
    assert problem.severity.value == "error" and "restricted" in problem.message


@pytest.mark.parametrize(
    ("front_matter", "audience"),
    [
        ("", (EVERYONE,)),
        ("audience: [HR, managers]\n", ("hr", "managers")),
        ("audience: hr, managers\n", ("hr", "managers")),
        ("audience: [everyone]\n", (EVERYONE,)),
    ],
)
def test_a_valid_or_absent_audience_is_kept(front_matter: str, audience: tuple[str, ...]) -> None:
    article, problems = parse(front_matter)
    assert article.audience == audience
    assert not problems


def test_near_miss_field_names_are_warnings() -> None:
    article, problems = parse("tilte: Gehaltsbaender\ntag: [pay]\nsubtitle: kept quietly\n")
    assert article.audience == (EVERYONE,)
    assert {(p.kind, p.severity.value, p.message.split("'")[1]) for p in problems} == {
        ("field_name", "warning", "tilte"),
        ("field_name", "warning", "tag"),
    }
    assert "did you mean 'title'" in next(p.message for p in problems if "tilte" in p.message)


def test_validate_fails_on_an_audience_mistake(tiny_content: Path) -> None:
    (tiny_content / "hr" / "salaries.md").write_text(
        "---\ntitle: Salary bands\naudiance: [hr]\n---\nBands.\n", encoding="utf-8"
    )
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    [problem] = [p for p in report["problems"] if p["path"] == "hr/salaries.md"]
    assert problem["kind"] == "audience" and problem["severity"] == "error"


def test_documents_follow_the_same_rules(tiny_content: Path) -> None:
    department = tiny_content / "hr" / "_department.yml"
    department.write_text(
        department.read_text(encoding="utf-8") + "documents:\n  audience: []\n", encoding="utf-8"
    )
    (tiny_content / "hr" / "bands.txt").write_text("Salary bands\n\nThe bands.\n", "utf-8")
    (tiny_content / "it" / "ports.txt").write_text("Open ports\n\nThe ports.\n", "utf-8")
    (tiny_content / "it" / "ports.txt.yml").write_text("audiance: [it]\n", "utf-8")
    scan = scan_content(tiny_content)
    assert scan.articles["hr/bands.txt"].audience == ("content_owner:hr",)
    assert scan.articles["it/ports.txt"].audience == ("content_owner:it",)
    assert {p.path for p in scan.errors if p.kind == "audience"} == {
        "hr/bands.txt",
        "it/ports.txt",
    }


def test_documents_of_an_unreadable_department_file_are_restricted(tiny_content: Path) -> None:
    (tiny_content / "hr" / "_department.yml").write_text(
        "documents:\n  audience: [hr\n", encoding="utf-8"
    )
    (tiny_content / "hr" / "bands.txt").write_text("Salary bands\n\nThe bands.\n", "utf-8")
    scan = scan_content(tiny_content)
    assert scan.articles["hr/bands.txt"].audience == ("content_owner:hr",)


def test_a_restricted_article_is_not_found_by_visitors(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    # Without the second model: who may see the article is decided before any
    # ranking, and loading the model was most of this test's time.
    settings = tiny_settings.replace(secondary_model="")
    (settings.content_path / "hr" / "salaries.md").write_text(
        "---\ntitle: Salary bands\naudience: []\n---\nThe quokka salary bands for 2026.\n",
        encoding="utf-8",
    )
    report = IndexBuilder(settings, embedder=hashing_embedder).run()
    assert any("hr/salaries.md" in e and "restricted" in e for e in report.errors)
    engine = SearchEngine(settings, embedder=hashing_embedder)
    try:
        for groups in (ANONYMOUS, frozenset({"employee", "hr"})):
            found = engine.search(Query("quokka salary bands", groups=groups))
            assert "hr/salaries.md" not in [hit.id for hit in found.results]
        owner = engine.search(Query("quokka salary bands", groups=HR_CONTENT_OWNER))
        assert owner.results[0].id == "hr/salaries.md"
    finally:
        engine.close()


@pytest.mark.parametrize(
    ("front_matter", "groups"),
    [
        ("audience: [everyone, hr]\n", "hr"),
        ("audience: [HR, Everyone, managers]\n", "hr, managers"),
        ("audience: everyone, hr\n", "hr"),
    ],
)
def test_everyone_with_other_groups_is_a_warning_and_still_publishes(
    front_matter: str, groups: str
) -> None:
    """`[everyone, hr]` reads as "HR only" to its owner but publishes to everyone:
    said, in both languages, while the article stays published as written."""
    article, problems = parse(front_matter)
    assert EVERYONE in article.audience and article.visible_to(ANONYMOUS)
    [problem] = problems
    assert (problem.kind, problem.severity.value) == ("audience", "warning")
    assert problem.message == (
        "audience lists everyone together with other groups: everyone can read it; "
        f"remove everyone to limit it to {groups}"
    )
    german, _ = problem_words(problem, "de")
    assert "entfernen Sie everyone" in german and german.endswith(f"{groups} zu beschränken")


def test_validate_warns_of_everyone_with_other_groups_and_passes(tiny_content: Path) -> None:
    (tiny_content / "hr" / "salaries.md").write_text(
        "---\ntitle: Salary bands\naudience: [everyone, hr]\n---\nBands.\n", encoding="utf-8"
    )
    result = run_kb({}, "validate", "--content", str(tiny_content), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    [problem] = [p for p in report["problems"] if p["path"] == "hr/salaries.md"]
    assert problem["severity"] == "warning" and "remove everyone" in problem["message"]
