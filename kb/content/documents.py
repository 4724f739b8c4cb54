"""Documents in a department's folder (PDF, DOCX, ODT, HTML, text) as articles.

The file says what it can about itself (title, language, author, date
modified: `kb.extract` reads them); the department's `_department.yml` gives
defaults under `documents:` (owner, audience, review_months); an optional
sidecar `NAME.EXT.yml` next to the file holds the usual front-matter fields
and overrides both. The result goes through the same field rules as a
Markdown article (`kb.content.markdown_article.build_article`), so audience, status and dates
mean exactly what they mean there.

Reading is defensive: only regular files inside the content root are opened
(no symbolic links, pipes or devices), never more than the size limit plus
one byte, and every problem becomes a warning for that file alone.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import MAXYEAR, date
from pathlib import Path
from typing import Any

import yaml

from kb.content.content_yaml import load_content_yaml, yaml_problem
from kb.content.departments import department_text
from kb.content.markdown_article import build_article, restricted_audience
from kb.content.problem_texts import content_error, problem
from kb.content.regular_files import read_content_file
from kb.content.reordering_controls import field_control_problems
from kb.errors import ContentError
from kb.extract import DocumentReader, ExtractedDocument, ExtractionError, Limits, document_html
from kb.extract.base import human_size
from kb.extract.factory import extractor_version
from kb.passage_words import passage_word_count
from kb.records import Article, Problem, Section, Severity

SIDECAR_SUFFIX = ".yml"


@dataclass(frozen=True)
class DocumentDefaults:
    """What a department's documents get when neither file nor sidecar says it.

    `audience` is the value as written under `documents:` (None when absent),
    so that it is judged by the same rules as an article's own field; `fields`
    are the other keys written there (a misspelled `audiance:` must not go
    unnoticed). `unreadable` says the department file exists but cannot be
    read: its documents' audience is then unknown, so they are restricted."""

    owner: str = ""
    audience: Any = None
    review_months: int | None = None
    fields: tuple[tuple[str, Any], ...] = ()
    unreadable: bool = False

    @property
    def fingerprint(self) -> str:
        return json.dumps(
            [self.owner, self.audience, self.review_months, self.fields, self.unreadable],
            default=str,
            sort_keys=True,
        )


_DEFAULT_FIELDS = frozenset({"owner", "audience", "review_months"})


def load_defaults(folder: Path) -> DocumentDefaults:
    """The `documents:` mapping of a department file (problems with the file
    itself are reported by `kb.departments`; here they restrict its documents)."""
    try:
        # Read as `kb.content.departments` reads it: no link followed.
        found = department_text(folder, folder.name)
        data = load_content_yaml(found[0]) if found else None
    except (ContentError, yaml.YAMLError):
        return DocumentDefaults(unreadable=True)
    section = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return DocumentDefaults()
    months = section.get("review_months")
    return DocumentDefaults(
        owner=str(section.get("owner") or "").strip(),
        audience=section.get("audience"),
        review_months=int(months) if isinstance(months, int) and months > 0 else None,
        fields=tuple((str(k), v) for k, v in section.items() if str(k) not in _DEFAULT_FIELDS),
    )


def read_document_file(path: Path, max_bytes: int, article_id: str) -> bytes:
    """A document's bytes (`kb.content.regular_files.read_content_file`, with the
    hints a document's owner needs)."""
    try:
        return read_content_file(path, article_id, max_bytes, not_a_file="not_a_file_document")
    except ContentError as exc:
        if exc.kind != "too_large":
            raise
        size = path.stat(follow_symlinks=False).st_size
        raise content_error(
            "document_too_large",
            article_id,
            kind="too_large",
            size=human_size(size),
            limit=human_size(max_bytes),
        ) from None


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path, article_id: str) -> tuple[dict[str, Any], bytes]:
    """Front-matter fields from `NAME.EXT.yml`, and its bytes ({} and b'' when absent)."""
    side = sidecar_of(path)
    rel = article_id + SIDECAR_SUFFIX
    try:
        raw = read_content_file(side, rel, 100_000)
    except ContentError as exc:
        if exc.kind == "missing":
            return {}, b""
        raise
    try:
        data = load_content_yaml(raw.decode("utf-8")) or {}
    except UnicodeDecodeError:
        raise content_error("sidecar_not_utf8", rel, kind="yaml") from None
    except yaml.YAMLError as exc:
        at, said = yaml_problem(exc)
        raise content_error(
            "sidecar_yaml_invalid",
            rel,
            line=at + 1 if at is not None else None,
            kind="yaml",
            problem=said,
        ) from None
    if not isinstance(data, dict):
        raise content_error("sidecar_not_mapping", rel, kind="yaml")
    return data, raw


def sidecar_stamp(path: Path) -> str:
    """'size:mtime' of the sidecar, '' without one: part of a document's change key."""
    try:
        st = os.stat(sidecar_of(path), follow_symlinks=False)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}"


def _sections(document: ExtractedDocument) -> tuple[Section, ...]:
    out = []
    for section in document.sections:
        breaks: list[int] = []
        words = 0
        page = section.page
        current = page
        for block in section.blocks:
            if current is not None and block.page is not None and block.page > current:
                breaks += [words] * (block.page - current)
                current = block.page
            words += passage_word_count(block.plain)
        out.append(Section(section.headings, section.text, page, tuple(breaks), section.number))
    return tuple(out)


def _texts(meta: dict[str, Any], document: ExtractedDocument) -> Iterator[tuple[str, str]]:
    """The texts a document publishes, by field: its title and the sidecar's
    fields, then its headings and text."""
    for name in ("title", "summary", "owner", "tags"):
        yield name, str(meta.get(name) or "")
    for section in document.sections:
        yield from (("heading", heading) for heading in section.headings)
        yield "text", section.text


def _add_months(day: date, months: int) -> date | None:
    """`months` after `day` (on the 28th at most); None past the calendar's last
    year: a document dated 9999 (its properties, a sidecar's `updated`) or a
    very large `review_months` has no review date, and stops no scan."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > MAXYEAR:
        return None
    return day.replace(year=year, month=month, day=min(day.day, 28))


def document_article(
    article_id: str,
    raw: bytes,
    document: ExtractedDocument,
    sidecar: dict[str, Any],
    sidecar_raw: bytes,
    defaults: DocumentDefaults,
    default_lang: str = "en",
) -> tuple[Article, list[Problem]]:
    """The article a document makes, with its warnings."""
    meta: dict[str, Any] = dict(defaults.fields)
    if defaults.owner:
        meta["owner"] = defaults.owner
    if defaults.audience is not None:
        meta["audience"] = defaults.audience
    for key, value in (
        ("title", document.title),
        ("lang", document.language),
        ("updated", document.modified),
        ("author", document.author),
    ):
        if value:
            meta[key] = value
    meta.update(sidecar)
    if defaults.review_months and not meta.get("review_by"):
        updated = meta.get("updated")
        due = _add_months(updated, defaults.review_months) if isinstance(updated, date) else None
        if due is not None:
            meta["review_by"] = due
    warnings = [
        Problem(article_id, w, severity=Severity.WARNING, kind="document")
        for w in document.warnings
    ]
    warnings.extend(field_control_problems(_texts(meta, document), article_id))
    article = build_article(
        article_id,
        meta,
        _sections(document),
        warnings,
        body="",
        content_hash=document_key(article_id, raw, sidecar_raw, defaults),
        default_lang=default_lang,
        source_format=document.format,
        body_html=document_html(document, str(meta.get("title") or "")),
        original=hashlib.sha256(raw).hexdigest(),
    )
    if defaults.unreadable and "audience" not in sidecar:
        warnings.append(
            problem(
                "document_audience_unknown", article_id, kind="audience", severity=Severity.ERROR
            )
        )
        article = replace(article, audience=restricted_audience(article.department))
    return article, warnings


def document_key(name: str, raw: bytes, sidecar_raw: bytes, defaults: DocumentDefaults) -> str:
    """The content hash of the document article of the file `name`: file, sidecar,
    department defaults and the version of the extraction that reads it."""
    digest = hashlib.sha256(
        raw + b"\0" + sidecar_raw + b"\0" + defaults.fingerprint.encode()
        + b"\0" + extractor_version(name).encode()
    )  # fmt: skip
    return digest.hexdigest()


def document_stamp(size: int, mtime_ns: int, path: Path, defaults: DocumentDefaults) -> str:
    """What tells an unchanged document without reading it: the file's and the
    sidecar's size and time, the department defaults, and the version of the
    extraction that read it (`extractor_version`), so an upgrade that reads
    documents otherwise (a fixed extractor) reads each one again with the next run."""
    version = extractor_version(path.name)
    return f"{size}:{mtime_ns}|{sidecar_stamp(path)}|{defaults.fingerprint}|x{version}"


def problem_of(exc: ExtractionError | ContentError, article_id: str) -> Problem:
    """One warning line for a document that cannot be indexed."""
    if isinstance(exc, ContentError):
        return Problem(
            exc.path, exc.reason, exc.hint, exc.line, Severity.WARNING, exc.kind,
            exc.text_key, exc.text_values,
        )  # fmt: skip
    return Problem(
        article_id, exc.message, exc.hint, None, Severity.WARNING, exc.kind,
        exc.text_key, exc.text_values,
    )  # fmt: skip


@dataclass(frozen=True)
class DocumentOptions:
    """How documents are read in one pass: limits, the extraction cache, workers."""

    limits: Limits = field(default_factory=Limits)
    cache_path: Path | None = None
    workers: int = 1

    def reader(self) -> DocumentReader:
        return DocumentReader(self.limits, self.cache_path, self.workers)


@dataclass(frozen=True)
class DocumentFile:
    """A document to read: its id, where it is, and its department's defaults."""

    article_id: str
    path: Path
    defaults: DocumentDefaults


@dataclass(frozen=True)
class DocumentRead:
    """What reading one document gave: its article (None when unusable), the
    problems to report, and the file's bytes (for the snapshot's copy)."""

    file: DocumentFile
    article: Article | None
    problems: list[Problem]
    raw: bytes = b""


def read_documents(
    files: Iterable[DocumentFile], reader: DocumentReader, default_lang: str = "en"
) -> Iterator[DocumentRead]:
    """One `DocumentRead` for every file; bad files never stop the rest."""
    limits: Limits = reader.limits
    pending: dict[str, tuple[DocumentFile, bytes, dict[str, Any], bytes]] = {}

    def jobs() -> Iterator[tuple[str, bytes, str]]:
        for item in files:
            try:
                raw = read_document_file(item.path, limits.max_bytes, item.article_id)
                sidecar, sidecar_raw = read_sidecar(item.path, item.article_id)
            except ContentError as exc:
                failed.append((item, exc))
                continue
            pending[item.article_id] = (item, raw, sidecar, sidecar_raw)
            yield item.article_id, raw, item.path.name

    failed: list[tuple[DocumentFile, ContentError]] = []
    for article_id, result in reader.read_many(jobs()):
        item, raw, sidecar, sidecar_raw = pending.pop(article_id)
        if isinstance(result, ExtractionError):
            yield DocumentRead(item, None, [problem_of(result, article_id)])
            continue
        try:
            article, warnings = document_article(
                article_id, raw, result, sidecar, sidecar_raw, item.defaults, default_lang
            )
        except ContentError as exc:
            yield DocumentRead(item, None, [problem_of(exc, article_id)])
            continue
        yield DocumentRead(item, article, warnings, raw)
    for item, error in failed:
        yield DocumentRead(item, None, [problem_of(error, item.article_id)])
