"""One pass over the content root: departments, articles and every problem.

The scanner never stops at a bad file: each problem is recorded and the rest
of the content is still read. `kb validate` reads everything with
`scan_content`; the indexer walks the same `unique_entries`, skips the files
it already holds and reads the others with `read_entry`; both take the
departments from `scan_departments`. So a file, a duplicate or a broken
department file is judged and named the same way everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kb.content.article_images import DEFAULT_IMAGE_MAX_BYTES
from kb.content.departments import (
    DEFAULT_TRIAGE,
    DEPARTMENT_FILES,
    check_department_name,
    default_department,
    read_department,
    without_shared_names,
)
from kb.content.documents import (
    DocumentDefaults,
    DocumentFile,
    DocumentOptions,
    load_defaults,
    read_documents,
)
from kb.content.files import (
    FileEntry,
    content_entries,
    department_folders,
    department_path,
    id_key,
)
from kb.content.images import ImageReader
from kb.content.markdown_article import DEFAULT_MAX_BYTES, DEFAULT_RENDER_SECONDS, parse_article
from kb.content.problem_texts import problem
from kb.content.readers import read_article
from kb.content.scan_stamps import ScanStamps, read_as_document
from kb.errors import ConfigError, ContentError
from kb.extract import DocumentReader
from kb.records import Article, Department, Problem, Severity, Status
from kb.validators import normal_name

logger = logging.getLogger(__name__)


@dataclass
class ContentScan:
    """What one pass over the content root found."""

    root: Path
    departments: dict[str, Department] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_seen: int = 0
    # When each article's file last changed (`FileEntry.modified`): content
    # health dates an article's present form by it (`kb.insights.content`).
    modified: dict[str, datetime] = field(default_factory=dict)
    # The articles and documents read without a problem, by id: their stamp
    # (`kb.content.scan_stamps`: the file's size and modification time, with its
    # pictures' or its sidecar's), by which a later scan takes them over unread
    # (`scan_content(previous=...)`).
    stamps: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def published(self) -> list[Article]:
        return [a for a in self.articles.values() if a.status is Status.PUBLISHED]

    def summary(self) -> dict[str, object]:
        published = self.published
        by_dept: dict[str, int] = {}
        by_lang: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for a in self.articles.values():
            by_status[a.status.value] = by_status.get(a.status.value, 0) + 1
        for a in published:
            by_dept[a.department] = by_dept.get(a.department, 0) + 1
            by_lang[a.lang] = by_lang.get(a.lang, 0) + 1
        return {
            "content": str(self.root),
            "files": self.files_seen,
            "articles": len(self.articles),
            "published": len(published),
            "departments": len(by_dept),
            "published_by_department": dict(sorted(by_dept.items())),
            "published_by_language": dict(sorted(by_lang.items())),
            "by_status": dict(sorted(by_status.items())),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def check_root(root: Path) -> None:
    """A clear `ConfigError` when the content root is not a folder."""
    if not root.is_dir():
        raise ConfigError(f"content folder {root} does not exist or is not a folder")


def scan_departments(
    root: Path, triage: str = DEFAULT_TRIAGE
) -> tuple[dict[str, Department], list[Problem]]:
    """Every department folder's department; a broken file gives the defaults
    and a warning, a folder whose name cannot be a department id an error.

    A department's id is its folder's name in composed Unicode form
    (`normal_name`). Two folders whose names differ only in that form ("Büro"
    made on macOS beside "Büro" made on Linux) are one department: the articles
    of both are read into it, its file is read from the folder `department_path`
    picks, and the other folder is named in a warning."""
    check_root(root)
    departments: dict[str, Department] = {}
    problems: list[Problem] = []
    for folder in department_folders(root):
        slug = normal_name(folder.name)
        try:
            check_department_name(slug, triage)
        except ContentError as exc:
            problems.append(_problem(exc, Severity.ERROR))
            continue
        home = department_path(root, slug)
        if home != folder:
            problems.append(_twin_folder(folder, home, slug))
            continue
        try:
            departments[slug], warnings = read_department(folder, slug)
            problems.extend(warnings)
        except ContentError as exc:
            problems.append(_problem(exc, Severity.WARNING))
            departments[slug] = default_department(slug)
    departments, shared = without_shared_names(departments)
    return departments, problems + shared


def _twin_folder(folder: Path, home: Path, slug: str) -> Problem:
    """The warning for a second folder of one department (names differing only
    in Unicode form): its articles are kept, its department file is not read."""
    ignored = any((folder / name).exists() for name in DEPARTMENT_FILES)
    return problem(
        "department_twin_file" if ignored else "department_twin",
        f"{folder.name}/",
        kind="department_twin",
        folder=ascii(folder.name),
        home=ascii(home.name),
        slug=repr(slug),
        home_name=repr(home.name),
    )


def load_departments(root: Path, triage: str = DEFAULT_TRIAGE) -> dict[str, Department]:
    """The departments of the content root, problems logged (for the request side)."""
    departments, problems = scan_departments(root, triage)
    for found in problems:
        logger.warning("%s", found)
    return departments


def unique_entries(
    root: Path, triage: str = DEFAULT_TRIAGE, indexed: Container[str] = ()
) -> Iterator[FileEntry | Problem]:
    """The content files; of files whose ids differ only in case or accents (they
    would have the same URL) one is kept and the others are problems, and so is
    a link to a folder (never followed: it could lead out of the root). Files in
    a folder that cannot be a department are left out (`scan_departments`
    reports the folder).

    The file kept is the one already `indexed`, else the one with a lower-case
    id, else the first by name: a new file (a folder `HR` beside `hr`, which
    sorts first) never pushes out an article readers already find."""
    links: list[str] = []
    entries = [e for e in content_entries(root, links) if _in_department(e.id, triage)]
    kept: dict[str, FileEntry] = {}
    for entry in entries:
        held = kept.get(id_key(entry.id))
        if held is None or _precedence(entry, indexed) < _precedence(held, indexed):
            kept[id_key(entry.id)] = entry
    for entry in entries:
        winner = kept[id_key(entry.id)]
        if winner is entry:
            yield entry
            continue
        yield problem(
            "duplicate_id", entry.id, kind="duplicate", severity=Severity.ERROR, other=winner.id
        )
    for link in links:
        yield problem("folder_link", link, kind="not_a_file")


def _precedence(entry: FileEntry, indexed: Container[str]) -> tuple[bool, bool]:
    """Lower first: which of two files with the same id is the article."""
    return entry.id not in indexed, entry.id != entry.id.lower()


def _in_department(article_id: str, triage: str) -> bool:
    folder, sep, _ = article_id.partition("/")
    try:
        check_department_name(folder, triage)
    except ContentError:
        return not sep  # a file outside any folder is reported as such
    return True


def read_entry(
    entry: FileEntry,
    max_bytes: int,
    render_seconds: float | None = DEFAULT_RENDER_SECONDS,
    image_max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
) -> tuple[Article | None, list[Problem]]:
    """The article of one file with its warnings, or None and the problem."""
    try:
        return read_article(entry.path, entry.id, max_bytes, render_seconds, image_max_bytes)
    except ContentError as exc:
        return None, [_read_problem(exc)]


def read_text_of(
    text: str,
    article_id: str,
    max_bytes: int,
    render_seconds: float | None,
    images: ImageReader | None = None,
) -> tuple[Article | None, list[Problem]]:
    """As `read_entry`, for a Markdown article's text already read (the editor's,
    read without following a link): the file is not opened again; its
    pictures are read by `images` (none without)."""
    try:
        return parse_article(
            text.encode("utf-8"),
            article_id,
            max_bytes=max_bytes,
            render_seconds=render_seconds,
            images=images,
        )
    except ContentError as exc:
        return None, [_read_problem(exc)]


def _read_problem(exc: ContentError) -> Problem:
    # A page that only redirects is left out on purpose: a warning, not an error.
    return _problem(exc, Severity.WARNING if exc.kind == "redirect" else Severity.ERROR)


def read_entries(
    root: Path,
    entries: Iterable[FileEntry],
    max_bytes: int,
    documents: DocumentOptions | None = None,
    *,
    reader: DocumentReader | None = None,
    render_seconds: float | None = DEFAULT_RENDER_SECONDS,
    image_max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
) -> Iterator[tuple[FileEntry, Article | None, list[Problem], bytes]]:
    """(entry, article or None, problems, original bytes) for every entry.

    Markdown files are read one by one; documents are gathered and read after
    them through the extraction cache and sandbox (`kb.content.documents`),
    with their department's defaults. The bytes are a document's original
    (b'' for Markdown), which the indexer keeps for download."""
    pending: list[tuple[FileEntry, DocumentFile]] = []
    defaults: dict[str, DocumentDefaults] = {}
    for entry in entries:
        if not read_as_document(entry):
            article, problems = read_entry(entry, max_bytes, render_seconds, image_max_bytes)
            yield entry, article, problems, b""
            continue
        department = entry.id.split("/", 1)[0]
        if department not in defaults:
            defaults[department] = load_defaults(department_path(root, department))
        pending.append((entry, DocumentFile(entry.id, Path(entry.path), defaults[department])))
    if not pending:
        return
    by_id = {item.article_id: entry for entry, item in pending}
    own = reader is None
    active = (documents or DocumentOptions()).reader() if reader is None else reader
    try:
        for read in read_documents((item for _, item in pending), active):
            yield by_id[read.file.article_id], read.article, read.problems, read.raw
    finally:
        if own:
            active.close()


def scan_content(
    root: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    documents: DocumentOptions | None = None,
    render_seconds: float | None = DEFAULT_RENDER_SECONDS,
    triage: str = DEFAULT_TRIAGE,
    image_max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
    previous: ContentScan | None = None,
) -> ContentScan:
    """Read every department, article and document under `root`; each Markdown
    article is rendered within `render_seconds` (an error past it), its
    pictures read within `image_max_bytes`; `triage` is the triage
    department's id (no folder may take it).

    With `previous`, an earlier scan of the same root with the same limits
    and document options, an article or document read then without a problem
    whose stamp is still the same (its file's size and time, with its
    pictures' or, for a document, its sidecar's and department defaults':
    `kb.content.scan_stamps`) is taken from it unread, as `kb index` judges
    files unchanged by first: rendering is most of a scan's time (500
    articles took 1.6 s of processor time, on a loaded machine 4.7 s), and a
    document's extraction more."""
    stamps = ScanStamps(root)
    departments, problems = scan_departments(root, triage)
    scan = ContentScan(root=root, departments=departments, problems=problems)
    entries: list[FileEntry] = []
    order: list[str] = []
    before: dict[str, str] = {}  # documents' stamps, taken before they are read
    for item in unique_entries(root, triage):
        scan.files_seen += 1
        if isinstance(item, Problem):
            scan.problems.append(item)
            continue
        order.append(item.id)
        if not _taken_over(scan, previous, item, stamps):
            entries.append(item)
            if read_as_document(item):
                before[item.id] = stamps.document(item)
    for entry, article, found, _ in read_entries(
        root,
        entries,
        max_bytes,
        documents,
        render_seconds=render_seconds,
        image_max_bytes=image_max_bytes,
    ):
        if article is not None:
            scan.articles[entry.id] = article
            scan.modified[entry.id] = entry.modified
            stamp = None if found else stamps.after_reading(entry, article, before.get(entry.id))
            if stamp is not None:
                scan.stamps[entry.id] = stamp
        scan.problems.extend(found)
    # In the order the files were walked, whichever were read again.
    scan.articles = {aid: scan.articles[aid] for aid in order if aid in scan.articles}
    _check_related(scan)
    return scan


def _taken_over(
    scan: ContentScan, previous: ContentScan | None, entry: FileEntry, stamps: ScanStamps
) -> bool:
    """Whether `entry`'s article was taken from `previous` into `scan` unread:
    its stamp (`kb.content.scan_stamps`) is the one it had when `previous` read it."""
    kept = previous.stamps.get(entry.id) if previous is not None else None
    if kept is None or previous is None:
        return False
    if stamps.current(entry, kept) != kept:
        return False
    scan.articles[entry.id] = previous.articles[entry.id]
    scan.modified[entry.id] = entry.modified
    scan.stamps[entry.id] = kept
    return True


def _check_related(scan: ContentScan) -> None:
    for article in scan.articles.values():
        for rel in article.related:
            if rel not in scan.articles:
                scan.problems.append(
                    problem("related_missing", article.id, kind="related", id=repr(rel))
                )


def _problem(exc: ContentError, severity: Severity) -> Problem:
    return Problem(
        exc.path, exc.reason, exc.hint, exc.line, severity, exc.kind, exc.text_key, exc.text_values
    )
