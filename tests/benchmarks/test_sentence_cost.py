"""What sentence-level evidence would cost to embed: the texts each form embeds, timed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from benchmarks.sentence_cost import FORMS, load, measure, spread
from indexer.build import IndexBuilder
from kb.settings import Settings
from tests.support import HashingEmbedder


class Recording(HashingEmbedder):
    """The hashing embedder, keeping every text it is given."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        self.texts += texts
        return super().embed(texts, progress)


def test_passage_ids_are_spread_over_the_whole_index() -> None:
    assert spread(10, 3) == [0, 4, 9]
    assert spread(3, 60) == [0, 1, 2]
    assert spread(5, 1) == [0]


def test_each_form_embeds_what_the_indexer_and_the_evidence_embed(
    tiny_settings: Settings,
) -> None:
    indexer = Recording()
    # Without the second model: what is measured is the first model's side.
    settings = tiny_settings.replace(secondary_model="")
    IndexBuilder(settings, embedder=indexer).run()
    passages, size = load(settings.index_path, 3)
    assert len(passages) == 3 and size["snapshot_model"] == indexer.name
    assert size["index_passages"] >= 3 and size["index_sentences"] > size["index_passages"]
    assert size["float16_kb_a_passage"] == round(
        size["index_sentences"] * indexer.dim * 2 / size["index_passages"] / 1000, 1
    )
    passage_side, sentence_side = Recording(), Recording()
    result = measure(passages, passage_side, sentence_side, rounds=2, at=1000)

    # the passages exactly as the indexer embedded them, in both rounds
    warm = 8
    passage_texts = passage_side.texts[warm:]
    assert len(passage_texts) == 2 * 3 and set(passage_texts) <= set(indexer.texts)
    # the bare sentences, then the same sentences after their heading paths
    n = result["sentences"]
    bare = sentence_side.texts[warm : warm + n]
    context = sentence_side.texts[warm + n : warm + 2 * n]
    assert n > 3 and not any("\n" in t for t in bare)
    assert [t.split("\n", 1)[1] for t in context] == bare
    assert context[0].split("\n", 1)[0] == passage_texts[0].split("\n", 1)[0]
    for form in FORMS:
        row = result["forms"][form]
        assert row["texts"] == (3 if form == "passages" else n)
        assert len(row["rounds"]) == 2 and row["ms_per_passage"] >= 0
    assert result["passage_model"] == result["sentence_model"] == indexer.name
    assert len(result["load_average_before"]) == len(result["load_average_after"]) == 3
    assert list(result["extra_hours_at"]) == ["1000"]
