"""Reading postings of an index with deleted documents: the spelling
vocabulary counts live documents only."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from indexer.build import IndexBuilder
from indexer.snapshot import current_path
from search.postings import leaf_postings, live_documents, live_frequencies
from tests.search.conftest import build_fixture_index
from tests.support import HashingEmbedder


def _walked(reader: object, field: str) -> dict[str, int]:
    """Live documents per term, posting by posting through Whoosh's own reader."""
    out: dict[str, int] = {}
    for term in reader.lexicon(field):  # type: ignore[attr-defined]
        matcher = reader.postings(field, term)  # type: ignore[attr-defined]
        count = 0
        while matcher.is_active():
            count += 1
            matcher.next()
        if count:
            out[term.decode() if isinstance(term, bytes) else term] = count
    return out


def test_live_frequencies_leave_deleted_passages_out(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    sick = settings.content_path / "hr" / "sick-leave.md"
    sick.write_text(sick.read_text().replace("doctor's certificate", "medical note"))
    leave = settings.content_path / "hr" / "annual-leave.md"
    leave.write_text(leave.read_text() + "\n## Quokkas\nQuokkas may come along.\n")
    IndexBuilder(settings, embedder=hashing_embedder).run()
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    with ix.reader() as reader:
        assert reader.doc_count() < reader.doc_count_all()
        for field in ("words", "body_en", "title_en", "tags"):
            assert live_frequencies(reader, field) == _walked(reader, field)
        words = live_frequencies(reader, "words")
        assert "certificate" not in words and words["medical"] == 1 and words["quokkas"] == 1
        # The block reader returns deleted documents too; the live mask drops them.
        for leaf, _ in reader.leaf_readers():
            if leaf.has_deletions():
                ids, _ = leaf_postings(leaf, ("words", "tell"))
                assert not live_documents(leaf)[ids].all()
