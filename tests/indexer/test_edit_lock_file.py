"""The editor's lock file (`kb.authoring.files.LOCK_FILE`) is never content:
the indexer and `kb validate`'s scan pass over it, in the content root and in
a department folder alike, and git leaves it out of a content repository."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer import metadata, snapshot
from indexer.build import IndexBuilder
from kb.authoring.files import LOCK_FILE, edit_lock
from kb.content.scanner import scan_content
from kb.settings import Settings
from tests.conftest import FIXTURES
from tests.support import HashingEmbedder

ROOT = Path(__file__).resolve().parents[2]


def test_the_lock_file_is_neither_indexed_nor_reported(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    department = next(p for p in sorted(root.iterdir()) if p.is_dir())
    # Text that would be an article, were the file read as one.
    (department / LOCK_FILE).write_text("# Lock\n\nNot an article.\n", encoding="utf-8")
    settings = Settings.load(
        {"content_dir": str(root), "index_dir": str(tmp_path / "index"), "secondary_model": ""},
        environ={},
    )
    with edit_lock(root):  # held while the index is built, as during a save
        assert (root / LOCK_FILE).is_file()
        scan = scan_content(root)
        IndexBuilder(settings, embedder=HashingEmbedder()).run()
    assert scan.articles  # the fixture's articles are read
    assert not [a for a in scan.articles if LOCK_FILE in a]
    assert not [p for p in scan.problems if LOCK_FILE in str(p)]
    db = metadata.open_readonly(snapshot.current_path(settings.index_path) / "meta.db")
    try:
        ids = [row[0] for row in db.execute("SELECT id FROM articles")]
    finally:
        db.close()
    assert ids and not [i for i in ids if LOCK_FILE in i]


def test_git_leaves_the_lock_file_out_of_any_folder() -> None:
    patterns = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    # No leading '/' and no folder: the pattern matches in every folder.
    assert LOCK_FILE in patterns
