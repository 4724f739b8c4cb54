"""What a `kb index` run has to do: which articles changed since the last snapshot.

Unchanged files are recognised by size and modification time (documents: with
their sidecar and department defaults), then by content hash, and are never
parsed again. The files and their problems come from the content scanner that
`kb validate` uses, so both judge and word every file alike.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer import originals
from indexer.report import BuildReport
from indexer.unreadable import UnreadableDocument
from kb.content.article_images import (
    local_images,
    read_image,
    stamp_with_images,
    stamped_images,
)
from kb.content.documents import (
    DocumentDefaults,
    document_key,
    document_stamp,
    load_defaults,
    read_document_file,
    read_sidecar,
)
from kb.content.files import FileEntry, department_path
from kb.content.readers import is_document
from kb.content.regular_files import read_content_file
from kb.content.scanner import read_entries, scan_departments, unique_entries
from kb.errors import ContentError
from kb.records import Article, Department, Problem, Severity
from kb.settings import Settings

Stage = Callable[[str, int], "Callable[[int], None] | None"]


def _sha256(path: Path, article_id: str, max_bytes: int) -> str:
    """The hash of a regular file within its limit; '' for anything else (links,
    pipes, devices, a link on its way: `read_content_file`), which then counts
    as changed."""
    try:
        return hashlib.sha256(read_content_file(path, article_id, max_bytes)).hexdigest()
    except ContentError:
        return ""


@dataclass
class Plan:
    """The changes of one run: articles to add or replace, ids to remove."""

    departments: dict[str, Department]
    upserts: dict[str, tuple[Article, str]] = field(default_factory=dict)  # id → (article, stat)
    removals: set[str] = field(default_factory=set)
    restat: dict[str, str] = field(default_factory=dict)  # unchanged content, new mtime
    unreadable: dict[str, UnreadableDocument] = field(default_factory=dict)  # by document id
    added: int = 0
    updated: int = 0
    unchanged: int = 0


class Planner:
    """Compares the content root with the articles of the last snapshot."""

    def __init__(
        self, settings: Settings, stage: Stage, originals_store: originals.OriginalStore
    ) -> None:
        self.settings = settings
        self.content = settings.content_path
        self.stage = stage
        self.originals = originals_store
        self._defaults: dict[str, DocumentDefaults] = {}

    def plan(self, known: dict[str, tuple[str, str]], report: BuildReport, full: bool) -> Plan:
        """What changed since the snapshot that holds `known` (id → hash, stat).

        The files and their problems come from the content scanner that `kb
        validate` uses; only files whose size, time and hash all differ from
        the indexed version are read."""
        triage = self.settings.triage_department
        departments, problems = scan_departments(self.content, triage)
        _report_all(problems, report)
        plan = Plan(departments=departments)
        seen: set[str] = set()
        changed: list[FileEntry] = []
        self._defaults = {}
        for item in unique_entries(self.content, triage, indexed=known):
            if isinstance(item, Problem):
                report.errors.append(str(item))
                continue
            seen.add(item.id)
            if full or not self._unchanged(item, known, plan):
                changed.append(item)
        options = self.settings.document_options
        tick = self.stage("reading", len(changed))
        with options.reader() as reader:
            for entry, article, found, raw in read_entries(
                self.content,
                changed,
                self.settings.max_file_bytes,
                options,
                reader=reader,
                render_seconds=self.settings.render_seconds,
                image_max_bytes=self.settings.image_max_bytes,
            ):
                if tick is not None:
                    tick(1)
                if raw and article is not None:
                    self.originals.put(article.original, raw)
                if article is not None and article.images:
                    article = self._keep_images(entry, article, report)
                self._plan_file(entry, article, found, entry.id in known, plan, report)
            report.documents_extracted = reader.stats.extracted
            report.documents_cached = reader.stats.cached
            report.extraction_seconds = round(reader.stats.seconds, 3)
        plan.removals.update(aid for aid in known if aid not in seen)
        return plan

    def _keep_images(self, entry: FileEntry, article: Article, report: BuildReport) -> Article:
        """The article with the pictures whose bytes are now kept with the
        snapshots: read again and kept only when they are still the bytes that
        were checked (a picture replaced meanwhile waits for the next run,
        which its new stamp starts)."""
        kept = []
        for image in article.images:
            relative = image.path[len(posixpath.dirname(article.id)) + 1 :]
            try:
                data = read_image(
                    os.path.dirname(entry.path), relative, image.size, image.path, entry.id
                )
            except ContentError:
                data = b""
            if hashlib.sha256(data).hexdigest() == image.digest:
                self.originals.put(image.digest, data)
                kept.append(image)
            else:
                report.warnings.append(f"{image.path}: changed while it was read; next run")
        return replace(article, images=tuple(kept))

    def _stamp(self, entry: FileEntry, pictures: list[str] | None = None) -> str:
        """What tells an unchanged file without reading it (documents: with their
        sidecar and department defaults; Markdown: with its `pictures`)."""
        if not is_document(entry.id) or "/" not in entry.id:
            folder = os.path.dirname(entry.path)
            return stamp_with_images(entry.stat_key, folder, pictures or [])
        return document_stamp(entry.size, entry.mtime_ns, Path(entry.path), self._department(entry))

    def _department(self, entry: FileEntry) -> DocumentDefaults:
        department = entry.id.split("/", 1)[0]
        if department not in self._defaults:
            self._defaults[department] = load_defaults(department_path(self.content, department))
        return self._defaults[department]

    def _content_hash(self, entry: FileEntry) -> str:
        """The hash an article of this file would have ('' when it cannot be read)."""
        if not is_document(entry.id) or "/" not in entry.id:
            return _sha256(Path(entry.path), entry.id, self.settings.max_file_bytes)
        try:
            raw = read_document_file(Path(entry.path), self.settings.document_max_bytes, entry.id)
            _, sidecar_raw = read_sidecar(Path(entry.path), entry.id)
        except ContentError:
            return ""
        return document_key(entry.id, raw, sidecar_raw, self._department(entry))

    def _unchanged(self, entry: FileEntry, known: dict[str, tuple[str, str]], plan: Plan) -> bool:
        """Whether the indexed version of `entry` is current (by stat, then by hash)."""
        if entry.id not in known:
            return False
        indexed_hash, indexed_stat = known[entry.id]
        pictures = stamped_images(indexed_stat)
        stamp = self._stamp(entry, pictures)
        if indexed_stat == stamp:
            plan.unchanged += 1
            return True
        # A Markdown file's hash says nothing of its pictures: read it again.
        if not pictures and self._content_hash(entry) == indexed_hash:
            plan.unchanged += 1
            plan.restat[entry.id] = stamp
            return True
        return False

    def _plan_file(
        self,
        entry: FileEntry,
        article: Article | None,
        problems: list[Problem],
        indexed: bool,
        plan: Plan,
        report: BuildReport,
    ) -> None:
        aid = entry.id
        if article is None:
            [problem] = problems
            if problem.kind == "missing":
                # Renamed or deleted since the folder was listed: no error of the
                # file's. The next run (the change woke the watcher) lists it under
                # its new name, or not at all; readers keep the version they have.
                if indexed:
                    plan.unchanged += 1
                return
            if problem.severity is Severity.WARNING:
                # A document that cannot be read is reported, never fatal.
                report.warnings.append(str(problem))
                if is_document(aid):
                    plan.unreadable[aid] = UnreadableDocument(problem, kept=indexed)
                if indexed:
                    report.warnings.append(f"{aid}: the previously indexed version stays")
                    plan.unchanged += 1
            elif problem.kind == "redirect":
                report.warnings.append(str(problem))
                if indexed:
                    plan.removals.add(aid)
            elif indexed:
                report.errors.append(f"{problem}; the previously indexed version stays")
                plan.unchanged += 1
            else:
                report.errors.append(str(problem))
            return
        # An article may come with errors and still be indexed (a broken audience
        # restricts it): those are the report's errors, as kb validate's.
        _report_all(problems, report)
        if not article.is_searchable:
            if indexed:
                plan.removals.add(aid)
            return
        plan.upserts[aid] = (article, self._stamp(entry, local_images(article)))
        if indexed:
            plan.updated += 1
            plan.removals.add(aid)
        else:
            plan.added += 1


def _report_all(problems: list[Problem], report: BuildReport) -> None:
    """Each problem as one of the report's errors or warnings, by its severity."""
    for problem in problems:
        (report.errors if problem.severity is Severity.ERROR else report.warnings).append(
            str(problem)
        )
