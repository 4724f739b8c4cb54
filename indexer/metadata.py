"""The metadata database of a snapshot: articles, passages, departments and the
articles' title vectors.

SQLite, one file per snapshot: the searcher looks passages up by id and the web
app renders articles from it, so serving never depends on the content folder.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from kb.content.article_images import local_images
from kb.records import Article, ArticleImage, Chunk, Department, Section, Status, Targets

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL, department TEXT NOT NULL, title TEXT NOT NULL,
  summary TEXT, owner TEXT, tags TEXT, status TEXT, audience TEXT, lang TEXT,
  updated TEXT, review_by TEXT, related TEXT, body TEXT, extra TEXT, stat TEXT,
  source_format TEXT, body_html TEXT, original TEXT, images TEXT, pictures TEXT,
  sections TEXT
);
CREATE TABLE IF NOT EXISTS passages (
  pid INTEGER PRIMARY KEY, article_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
  department TEXT NOT NULL, lang TEXT, title TEXT, headings TEXT, text TEXT,
  audience TEXT, tags TEXT, locator TEXT
);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id);
CREATE TABLE IF NOT EXISTS title_vectors (
  article_id TEXT PRIMARY KEY, vector BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS departments (
  slug TEXT PRIMARY KEY, name TEXT, description TEXT, contact TEXT,
  first_response_hours REAL, resolution_hours REAL, keywords TEXT, has_file INTEGER
);
"""


@dataclass(frozen=True)
class Passage:
    """A stored passage, as the searcher sees it."""

    pid: int
    article_id: str
    ordinal: int
    department: str
    lang: str
    title: str
    headings: tuple[str, ...]
    text: str
    audience: tuple[str, ...]
    tags: tuple[str, ...]
    locator: str = ""  # "page 4", "Section 3.2" (documents), else ''


# Columns added after the first release: a snapshot written before them gains
# them when the next run copies it.
_ADDED_COLUMNS = {
    "articles": ("source_format", "body_html", "original", "images", "pictures", "sections"),
    "passages": ("locator",),
}


def open_writable(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SCHEMA)
    for table, columns in _ADDED_COLUMNS.items():
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
    return db


def open_readonly(path: Path) -> sqlite3.Connection:
    # immutable=1: a published snapshot never changes, so SQLite can skip locking.
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def write_departments(db: sqlite3.Connection, departments: Iterable[Department]) -> None:
    db.execute("DELETE FROM departments")
    db.executemany(
        "INSERT INTO departments VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                d.slug,
                d.name,
                d.description,
                json.dumps(d.contact),
                d.targets.first_response_hours,
                d.targets.resolution_hours,
                json.dumps(list(d.keywords)),
                int(d.has_file),
            )
            for d in departments
        ],
    )


def remove_articles(db: sqlite3.Connection, ids: Iterable[str]) -> list[int]:
    """Delete articles and their passages; returns the removed passage ids."""
    pids: list[int] = []
    for aid in ids:
        pids.extend(
            r[0] for r in db.execute("SELECT pid FROM passages WHERE article_id = ?", [aid])
        )
        db.execute("DELETE FROM passages WHERE article_id = ?", [aid])
        db.execute("DELETE FROM articles WHERE id = ?", [aid])
        db.execute("DELETE FROM title_vectors WHERE article_id = ?", [aid])
    return pids


def add_article(
    db: sqlite3.Connection, article: Article, passages: list[tuple[int, Chunk]], stat: str = ""
) -> None:
    db.execute(
        f"INSERT OR REPLACE INTO articles VALUES ({','.join('?' * 22)})",
        (
            article.id,
            article.content_hash,
            article.department,
            article.title,
            article.summary,
            article.owner,
            json.dumps(list(article.tags)),
            article.status.value,
            json.dumps(list(article.audience)),
            article.lang,
            _iso(article.updated),
            _iso(article.review_by),
            json.dumps(list(article.related)),
            article.body_markdown,
            json.dumps(article.extra, default=str),
            stat,
            article.source_format,
            article.body_html,
            article.original,
            _images_json(article.images),
            _pictures_json(article),
            _sections_json(article.sections),
        ),
    )
    db.executemany(
        "INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                pid,
                c.article_id,
                c.ordinal,
                c.department,
                c.lang,
                c.title,
                json.dumps(list(c.headings)),
                c.text,
                json.dumps(list(c.audience)),
                json.dumps(list(c.tags)),
                c.locator,
            )
            for pid, c in passages
        ],
    )


def article_hashes(db: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Article id → (content hash, "size:mtime" of the file when it was read)."""
    return {r[0]: (r[1], r[2] or "") for r in db.execute("SELECT id, hash, stat FROM articles")}


def counts(db: sqlite3.Connection) -> tuple[int, int]:
    a = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    p = db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    return int(a), int(p)


def max_pid(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT MAX(pid) FROM passages").fetchone()
    return int(row[0]) if row and row[0] is not None else -1


_PASSAGE_COLS = (
    "pid, article_id, ordinal, department, lang, title, headings, text, audience, tags, locator"
)


def _passage(row: tuple[Any, ...]) -> Passage:
    return Passage(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4] or "",
        row[5] or "",
        tuple(json.loads(row[6] or "[]")),
        row[7] or "",
        tuple(json.loads(row[8] or "[]")),
        tuple(json.loads(row[9] or "[]")),
        row[10] or "",
    )


def load_passages(db: sqlite3.Connection, pids: Iterable[int]) -> dict[int, Passage]:
    wanted = [int(p) for p in pids]
    out: dict[int, Passage] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ",".join("?" * len(part))
        for row in db.execute(f"SELECT {_PASSAGE_COLS} FROM passages WHERE pid IN ({marks})", part):
            out[row[0]] = _passage(row)
    return out


def article_passages(db: sqlite3.Connection, article_id: str) -> list[Passage]:
    rows = db.execute(
        f"SELECT {_PASSAGE_COLS} FROM passages WHERE article_id = ? ORDER BY ordinal", [article_id]
    )
    return [_passage(r) for r in rows]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


ARTICLE_COLUMNS = (
    "id, hash, department, title, summary, owner, tags, status, audience, lang, updated,"
    " review_by, related, body, extra, source_format, body_html, original, images"
)


def load_article(db: sqlite3.Connection, article_id: str) -> Article | None:
    columns = ARTICLE_COLUMNS
    try:
        row = db.execute(f"SELECT {columns} FROM articles WHERE id = ?", [article_id]).fetchone()
    except sqlite3.OperationalError:  # a snapshot written before articles had pictures
        old = columns.replace(", images", ", NULL")
        row = db.execute(f"SELECT {old} FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None:
        return None
    passages = article_passages(db, article_id)
    return article_from_row(row, tuple(Section(p.headings, p.text) for p in passages))


def article_from_row(row: tuple[Any, ...], sections: tuple[Section, ...]) -> Article:
    """An article from the columns of `ARTICLE_COLUMNS`, with `sections`."""
    return Article(
        id=row[0],
        content_hash=row[1],
        department=row[2],
        title=row[3],
        summary=row[4] or "",
        owner=row[5] or "",
        tags=tuple(json.loads(row[6] or "[]")),
        status=Status(row[7]),
        audience=tuple(json.loads(row[8] or "[]")),
        lang=row[9] or "en",
        updated=_date(row[10]),
        review_by=_date(row[11]),
        related=tuple(json.loads(row[12] or "[]")),
        body_markdown=row[13] or "",
        extra=json.loads(row[14] or "{}"),
        sections=sections,
        source_format=row[15] or "markdown",
        body_html=row[16] or "",
        original=row[17] or "",
        images=_images(row[18]),
    )


def _sections_json(sections: tuple[Section, ...]) -> str:
    return json.dumps(
        [[list(s.headings), s.text, s.page, list(s.page_breaks), s.number] for s in sections]
    )


def _images_json(images: tuple[ArticleImage, ...]) -> str:
    return json.dumps([[i.path, i.digest, i.media_type, i.size] for i in images]) if images else ""


def _pictures_json(article: Article) -> str | None:
    """Every picture a Markdown article's HTML names in its folder, shown or
    not (`local_images`: what the four-eyes upload check asks,
    `indexer.named_pictures`); NULL for a document, which names none."""
    return None if article.is_document else json.dumps(local_images(article))


def _images(value: str | None) -> tuple[ArticleImage, ...]:
    return tuple(ArticleImage(*item) for item in json.loads(value or "[]"))


def kept_files(db: sqlite3.Connection) -> list[str]:
    """The SHA-256 of every file the snapshot keeps for its articles: documents'
    originals and the pictures of Markdown articles."""
    digests = [r[0] for r in db.execute("SELECT original FROM articles WHERE original != ''")]
    for (value,) in db.execute("SELECT images FROM articles WHERE images != ''"):
        digests.extend(image.digest for image in _images(value))
    return digests


class Owner(NamedTuple):
    """What filters and routing need of a passage, shared by an article's passages."""

    article_id: str
    department: str
    audience: tuple[str, ...]
    tags: tuple[str, ...]


def passage_owners(db: sqlite3.Connection) -> dict[int, Owner]:
    """Passage id → its `Owner`, for every passage (one shared tuple per article)."""
    shared: dict[tuple[str, str, str, str], Owner] = {}
    out: dict[int, Owner] = {}
    for pid, article_id, department, audience, tags in db.execute(
        "SELECT pid, article_id, department, audience, tags FROM passages"
    ):
        key = (article_id, department, audience or "[]", tags or "[]")
        owner = shared.get(key)
        if owner is None:
            owner = shared[key] = Owner(
                article_id, department, tuple(json.loads(key[2])), tuple(json.loads(key[3]))
            )
        out[pid] = owner
    return out


def article_titles(db: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Article id → (title, department), for suggestions and related links."""
    return {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, title, department FROM articles")}


def title_chunks_missing(db: sqlite3.Connection) -> list[Chunk]:
    """A title-only chunk for every article without a title vector yet."""
    rows = db.execute(
        "SELECT id, department, title, lang FROM articles"
        " WHERE id NOT IN (SELECT article_id FROM title_vectors) ORDER BY id"
    )
    return [Chunk(aid, -1, dept, title, (), "", lang or "") for aid, dept, title, lang in rows]


def put_title_vectors(db: sqlite3.Connection, ids: list[str], vectors: np.ndarray) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO title_vectors (article_id, vector) VALUES (?, ?)",
        [(aid, v.astype(np.float32).tobytes()) for aid, v in zip(ids, vectors, strict=True)],
    )


def title_vectors(db: sqlite3.Connection) -> dict[str, np.ndarray]:
    """Article id → its title's vector (none for a snapshot written before they were)."""
    try:
        rows = db.execute("SELECT article_id, vector FROM title_vectors").fetchall()
    except sqlite3.OperationalError:
        return {}
    return {aid: np.frombuffer(blob, dtype=np.float32) for aid, blob in rows}


def article_languages(db: sqlite3.Connection) -> dict[str, str]:
    """Article id → its language (the fusion's cross-language choice reads it)."""
    return {r[0]: r[1] or "" for r in db.execute("SELECT id, lang FROM articles")}


def load_departments(db: sqlite3.Connection) -> dict[str, Department]:
    out = {}
    for row in db.execute(
        "SELECT slug, name, description, contact, first_response_hours,"
        " resolution_hours, keywords, has_file FROM departments"
    ):
        out[row[0]] = Department(
            slug=row[0],
            name=row[1],
            description=row[2] or "",
            contact=json.loads(row[3] or "{}"),
            targets=Targets(row[4], row[5]),
            keywords=tuple(json.loads(row[6] or "[]")),
            has_file=bool(row[7]),
        )
    return out
