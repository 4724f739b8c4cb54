"""The latency benchmark's index build (`--build-only`) shows its progress."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from benchmarks import latency
from benchmarks.synthetic import HashedEmbedder


def test_the_benchmark_build_shows_its_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build of 100,000 passages ran for most of an hour and said nothing until
    it was done: now its steps, the real passages being embedded (done of how
    many) and each stage of the synthetic snapshot are told on stderr, with the
    bars of `kb index`. Hash-drawn vectors stand in for the model (fast)."""
    monkeypatch.setattr(
        latency, "create_embedder", lambda name, *_args: HashedEmbedder(name, latency.DIM)
    )
    # The stages after embedding show a bar from 1,000 items; this index is tiny.
    monkeypatch.setattr("indexer.build.STAGE_PROGRESS_FROM", 1)
    args = argparse.Namespace(
        work=tmp_path, size=24, model=None, secondary_model="", source=[], seed=0
    )
    latency.build(args)
    err = capsys.readouterr().err
    real = re.search(r"embedding real passages: +\d+%\|[^|]*\| *\d+/(\d+)", err)
    assert real, err
    assert f"real passages: {real.group(1)} (" in err
    assert re.search(r"\rembedding: +\d+%\|[^|]*\| *\d+/24 ", err), err
    for stage in ("metadata", "keyword index"):
        assert re.search(rf"{stage}: +\d+%\|[^|]*\| *\d+/\d+ ", err), (stage, err)
    for said in ("reading and cutting", "recombining", "building the snapshot..."):
        assert said in err, err
    assert "passages in" in err  # the snapshot, at the end
