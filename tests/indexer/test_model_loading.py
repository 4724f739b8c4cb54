"""`IndexBuilder.load_models`: both models loaded before a pass asks for them
(the watcher and the web process's index worker call it as they start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import indexer.build
from indexer.build import IndexBuilder
from kb.settings import Settings
from tests.support import HashingEmbedder


def test_load_models_loads_the_second_model_without_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[bool] = []

    def fake_secondary(_settings: Settings, for_queries: bool, threads: Any = None) -> Any:
        loaded.append(for_queries)
        return HashingEmbedder()

    monkeypatch.setattr(indexer.build, "load_secondary", fake_secondary)
    settings = Settings.load(
        {"content_dir": str(tmp_path / "content"), "index_dir": str(tmp_path / "index")},
        environ={},
    )
    builder = IndexBuilder(settings, embedder=HashingEmbedder())
    assert builder.secondary is not None and loaded == []
    builder.load_models()
    assert loaded == [False]  # the passage side, as a pass embeds
    builder.load_models()
    assert loaded == [False]  # once
