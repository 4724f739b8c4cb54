"""How long a picture upload takes, and holds the edit lock, in a large four-eyes department.

Under the four-eyes rule a new picture whose name a published article already
shows is refused (`kb.authoring.picture_names`); the check reads every
published article of the picture's folder and the folders above it. This
writes `--articles` published articles (each about 2 KB: headings, lists,
paragraphs, a table, three pictures of which one is missing; with
`--ampersands` each also holds "R&D", where a character reference could
begin, so the check cannot pass over any without rendering it or the index
telling what it names) into one department folder under the rule, indexes
them (`kb index` with a hashed stand-in for the embedding model; `--no-index`
leaves them unindexed), then times `PictureUploads.upload` of new pictures
beside one of them through the same `PictureUploads` (as a web worker keeps
it): the first upload of the process, `--uploads` more, one after an article
of the folder changed on disk, and one refused because a published article
names it. Then two cold workers (a new `PictureUploads`, nothing kept yet)
upload once each: one that reads the index (the changed article is rendered),
and one that does not (every article the check cannot pass over is rendered,
as every worker's first upload did before the index recorded what articles
name). The time the lock is held is measured apart (`files.edit_lock`
wrapped).

    python -m benchmarks.picture_names --articles 500 [--uploads 5] [--ampersands]
        [--no-index] [--work DIR]

Prints one JSON object (milliseconds) with the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEPARTMENT = "big"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _article(number: int, ampersand: bool = False) -> str:
    rows = "\n".join(f"| step {n} | setting {n * number} |" for n in range(1, 6))
    return (
        f"---\ntitle: Procedure {number}\nowner: team{number % 7}\ntags: [guide, p{number}]\n"
        f"---\n\n# Procedure {number}\n\nThis guide explains procedure {number} step by "
        "step, for new and experienced colleagues alike. Read it once before starting.\n\n"
        f"![The start screen](start-{number}.png)\n\n## Before you start\n\n"
        "- have your badge ready\n- check the *printer* is on\n- open the **portal**\n\n"
        f'![The form](pics/form-{number}.png "The form")\n\n## Steps\n\n'
        + rows.join(("| step | what |\n| --- | --- |\n", "\n\n"))
        + "1. Open the menu and choose *Settings*.\n2. Enter the code from the letter.\n"
        "3. Confirm with `OK` and wait for the green light.\n\n"
        f"![Missing so far](missing-{number}.png)\n\n## After\n\n"
        + "Keep the receipt. Ask the service desk when something differs. " * 6
        + ("Questions go to R&D." if ampersand else "")
        + "\n"
    )


def _content(root: Path, count: int, ampersands: bool) -> None:
    folder = root / DEPARTMENT
    (folder / "pics").mkdir(parents=True)
    (folder / "_department.yml").write_text("name: Big\nreview_required: true\n")
    for number in range(count):
        (folder / f"procedure-{number:05d}.md").write_text(
            _article(number, ampersands), encoding="utf-8"
        )
        (folder / f"start-{number}.png").write_bytes(PNG)
        (folder / "pics" / f"form-{number}.png").write_bytes(PNG)


@contextlib.contextmanager
def _timed_lock(held: list[float]) -> Iterator[None]:
    """`files.edit_lock` wrapped: each time it is held is appended to `held`."""
    from kb.authoring import files

    original = files.edit_lock

    @contextlib.contextmanager
    def timed(root: Path, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with original(root, *args, **kwargs) as value:
            started = time.perf_counter()
            try:
                yield value
            finally:
                held.append(time.perf_counter() - started)

    files.edit_lock = timed
    try:
        yield
    finally:
        files.edit_lock = original


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


class _HashedModel:
    """The embedding model's stand-in for the index run: the check reads no
    vector, so hash-drawn ones do (`benchmarks.synthetic.hashed_vectors`)."""

    name = "bench-hashed"
    dim = 16

    def embed(self, texts: Any, progress: Any = None) -> Any:
        from benchmarks.synthetic import hashed_vectors

        if progress:
            progress(len(texts))
        return hashed_vectors(texts, self.dim)

    def embed_query(self, text: str) -> Any:
        return self.embed([text])[0]


def _index(root: Path, work: Path) -> float:
    """Index the content as `kb index` does; returns the seconds it took."""
    from indexer.build import IndexBuilder
    from kb.settings import Settings

    paths = {"content_dir": str(root), "index_dir": str(work / "index")}
    settings = Settings.load({**paths, "secondary_model": ""}, environ={})
    started = time.perf_counter()
    IndexBuilder(settings, embedder=_HashedModel()).run()
    return time.perf_counter() - started


def run(
    work: Path, count: int, uploads: int, ampersands: bool = False, indexed: bool = True
) -> dict[str, Any]:
    from functools import partial

    from indexer.named_pictures import indexed_pictures
    from kb.accounts.records import Grant, Role, User
    from kb.attachments.records import Upload
    from kb.authoring.picture_stage import PictureStage
    from kb.authoring.pictures import PictureUploads
    from kb.authoring.service import AuthoringService
    from kb.authoring.store import version_store
    from kb.content.scanner import load_departments
    from kb.errors import ConflictError
    from kb.store.factory import create_store

    root = work / "content"
    _content(root, count, ampersands)
    index_seconds = _index(root, work) if indexed else 0.0
    store = create_store(f"sqlite:///{work / 'kb.db'}")
    owner = User(username="olga", grants=[Grant(role=Role.CONTENT_OWNER, department=DEPARTMENT)])
    service = AuthoringService(
        root, version_store(store), lambda: load_departments(root), on_change=lambda _id: None
    )
    from_index = partial(indexed_pictures, work / "index") if indexed else None

    def worker(reads_index: bool = True) -> PictureUploads:
        return PictureUploads(
            service,
            PictureStage(work / "staged"),
            max_bytes=1_000_000,
            indexed=from_index if reads_index else None,
        )

    pictures = worker()
    beside = f"{DEPARTMENT}/procedure-00000.md"
    held: list[float] = []
    wall: list[float] = []

    def upload(name: str, through: PictureUploads = pictures) -> bool:
        started = time.perf_counter()
        try:
            through.upload(owner, beside, Upload(name, PNG))
            written = True
        except ConflictError as exc:
            written = exc.key != "picture_named"
        wall.append(time.perf_counter() - started)
        return written

    load_before = os.getloadavg()[0]
    with _timed_lock(held):
        upload("new-0.png")
        for n in range(1, uploads + 1):
            upload(f"new-{n}.png")
        changed = root / DEPARTMENT / f"procedure-{count // 2:05d}.md"
        changed.write_text(
            changed.read_text(encoding="utf-8") + "\n![Added](added.png)\n", encoding="utf-8"
        )
        upload("after-edit.png")
        refused = not upload("added.png")
        upload("cold-1.png", worker())
        upload("cold-2.png", worker(reads_index=False))
    store.close()
    later = sorted(held[1 : uploads + 1])
    return {
        "articles": count,
        "ampersands": ampersands,
        "indexed": indexed,
        "index_seconds": round(index_seconds, 1),
        "first_upload_lock_ms": _ms(held[0]),
        "first_upload_ms": _ms(wall[0]),
        "uploads": uploads,
        "next_lock_p50_ms": _ms(statistics.median(later)),
        "next_lock_max_ms": _ms(later[-1]),
        "after_one_edit_lock_ms": _ms(held[uploads + 1]),
        "named_refused": refused,
        "named_lock_ms": _ms(held[uploads + 2]),
        "cold_worker_ms": _ms(wall[uploads + 3]),
        "cold_worker_lock_ms": _ms(held[uploads + 3]),
        "cold_worker_unindexed_ms": _ms(wall[uploads + 4]),
        "load_average": [load_before, os.getloadavg()[0]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument(
        "--ampersands",
        action="store_true",
        help="every article's text holds 'R&D' (where a character reference could begin), "
        "so none can be passed over unrendered",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="leave the articles unindexed: every upload check renders what it reads",
    )
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: temp)")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        work.mkdir(parents=True, exist_ok=True)
        print(
            json.dumps(run(work, args.articles, args.uploads, args.ampersands, not args.no_index))
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
