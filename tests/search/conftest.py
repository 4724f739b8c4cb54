"""Fixtures of the search tests: the fixture content indexed with the fast
`hashing_embedder` (see `tests.support`); tests marked `slow` use the real
model for quality."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.settings import Settings
from tests.support import HashingEmbedder

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

GLOSSARY = """\
groups:
  - [vacation, annual leave, PTO, Urlaub]
  - [sick, ill, krank]
"""

RESTRICTED = """\
---
title: Payroll runbook for HR staff
audience: [hr]
tags: [payroll]
---
Run the monthly payroll batch in Workday on the 25th and check the vacation accruals.
"""


def build_fixture_index(
    root: Path, embedder: object, secondary_model: str | None = None
) -> Settings:
    """The fixture content plus a glossary and an HR-only article, indexed;
    with the default second model unless `secondary_model` names another ("" none)."""
    content = root / "content"
    shutil.copytree(FIXTURES / "content", content)
    (content / "_glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    (content / "hr" / "payroll-runbook.md").write_text(RESTRICTED, encoding="utf-8")
    settings = Settings.load(
        {
            "content_dir": str(content),
            "index_dir": str(root / "index"),
            "secondary_model": secondary_model,
        },
        environ={},
    )
    from indexer.build import IndexBuilder

    IndexBuilder(settings, embedder=embedder).run()  # type: ignore[arg-type]
    return settings


@pytest.fixture(scope="module")
def fixture_index(
    tmp_path_factory: pytest.TempPathFactory, hashing_embedder: HashingEmbedder
) -> Settings:
    """The fixture knowledge base indexed with the hashing embedder (fast), and
    without the second model: the hashing embedder stands in for the models, and
    loading the real second one for each module's index and engine was most of
    these tests' time. Tests of the second model build their own index."""
    return build_fixture_index(
        tmp_path_factory.mktemp("search-fixture"), hashing_embedder, secondary_model=""
    )


@pytest.fixture(scope="module")
def fixture_engine(fixture_index: Settings, hashing_embedder: HashingEmbedder) -> Iterator[object]:
    from search.engine import SearchEngine

    engine = SearchEngine(fixture_index, embedder=hashing_embedder)
    yield engine
    engine.close()
