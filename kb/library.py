"""The content root as a whole: every department and article, with problems.

`scan_content` never stops at a bad file: each problem is recorded and the
rest of the content is still read. The indexer and `kb validate` share it.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.content import parse_article
from kb.departments import load_department
from kb.errors import ConfigError, ContentError
from kb.records import Article, Department, Problem, Severity, Status

logger = logging.getLogger(__name__)


@dataclass
class ContentScan:
    """What one pass over the content root found."""

    root: Path
    departments: dict[str, Department] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_seen: int = 0

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


def iter_article_files(root: Path) -> Iterator[Path]:
    """Markdown files under `root`, skipping hidden and `_`-prefixed names."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.lower().endswith(".md") and not name.startswith((".", "_")):
                yield Path(dirpath) / name


@dataclass(frozen=True)
class FileEntry:
    """An article file found by `article_entries`, with what `stat` said."""

    id: str
    path: str
    size: int
    mtime_ns: int


def article_entries(root: Path) -> Iterator[FileEntry]:
    """Like `iter_article_files`, with ids and stat results, without pathlib.

    The indexer runs this over every file on every update; on ten thousand
    articles pathlib's object overhead alone costs seconds."""
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith((".", "_")):
                continue
            if entry.is_dir(follow_symlinks=False):
                subdirs.append((entry.path, f"{prefix}{name}/"))
            elif name.lower().endswith(".md"):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                yield FileEntry(f"{prefix}{name}", entry.path, st.st_size, st.st_mtime_ns)
        stack.extend(reversed(subdirs))


def article_id(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _identity(article_id: str) -> str:
    """Two ids that differ only in case or Unicode form name the same URL."""
    return unicodedata.normalize("NFC", article_id).casefold()


def read_article_file(root: Path, path: Path, max_bytes: int) -> tuple[Article, list[Problem]]:
    """Read and parse one file below `root` (raises ContentError)."""
    aid = article_id(root, path)
    if "/" not in aid:
        raise ContentError(
            "article is not inside a department folder",
            path=aid,
            kind="no_department",
            hint="move it into a department folder such as hr/ or it/",
        )
    try:
        size = path.stat().st_size
        # A huge file is never read: a placeholder of the right size fails the size check.
        raw = b"x" * (max_bytes + 1) if size > max_bytes else path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read file: {exc.strerror}", path=aid, kind="io") from None
    if size > max_bytes:
        raise ContentError(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte limit",
            path=aid,
            kind="too_large",
            hint="split the article into smaller ones or raise max_file_bytes",
        )
    return parse_article(raw, aid, max_bytes=max_bytes)


def scan_content(root: Path, *, max_bytes: int = 1_000_000) -> ContentScan:
    """Read every department and article under `root`."""
    if not root.is_dir():
        raise ConfigError(f"content folder {root} does not exist or is not a folder")
    scan = ContentScan(root=root)
    for folder in sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    ):
        try:
            scan.departments[folder.name] = load_department(folder, folder.name)
        except ContentError as exc:
            scan.problems.append(_problem(exc, Severity.WARNING))
            scan.departments[folder.name] = load_department(Path("/nonexistent"), folder.name)
    seen: dict[str, str] = {}
    for path in iter_article_files(root):
        scan.files_seen += 1
        aid = article_id(root, path)
        ident = _identity(aid)
        if ident in seen:
            scan.problems.append(
                Problem(
                    aid,
                    f"duplicate id: same article id as {seen[ident]} "
                    "(ids differ only in letter case or accents)",
                    hint="rename one of the files",
                    kind="duplicate",
                )
            )
            continue
        seen[ident] = aid
        try:
            article, warnings = read_article_file(root, path, max_bytes)
        except ContentError as exc:
            severity = Severity.WARNING if exc.kind == "redirect" else Severity.ERROR
            scan.problems.append(_problem(exc, severity))
            continue
        scan.articles[aid] = article
        scan.problems.extend(warnings)
    _check_related(scan)
    return scan


def _check_related(scan: ContentScan) -> None:
    for article in scan.articles.values():
        for rel in article.related:
            if rel not in scan.articles:
                scan.problems.append(
                    Problem(
                        article.id,
                        f"related article {rel!r} does not exist",
                        hint="fix the id (path below the content root)",
                        severity=Severity.WARNING,
                        kind="related",
                    )
                )


def _problem(exc: ContentError, severity: Severity) -> Problem:
    return Problem(
        exc.path, exc.reason, hint=exc.hint, line=exc.line, severity=severity, kind=exc.kind
    )
