"""What the content owner's pages show: the department's articles with their
review dates and usage, gaps assigned to the department, the editor's view.

Articles are read from the content folder itself (the source of truth), so
drafts, articles in review and retired ones appear with published ones;
documents (PDF, DOCX…) are listed too, with their uploads waiting for review
(replaced, reviewed and restored in `webapp.manage.document_history`). What the list
reads from a Markdown file is kept per app while the file is unchanged
(`kb.content.stat_cache`), and a file the index holds byte for byte is not
rendered again: rendering the 246 pages of the 18F handbook on every view
took about 20 s on a loaded 2-core machine; the first view now takes 1.4 s,
the next 0.3 s (docs/benchmarks.md, "The content owner's list").
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import current_app

from indexer.unreadable import read_unreadable
from kb.accounts.records import Role, User
from kb.authoring import document_waiting, four_eyes
from kb.authoring.document_waiting import WaitingDocument
from kb.authoring.owners import owned_departments
from kb.authoring.records import Action, ArticleActivity, ArticleVersion
from kb.content.files import FileEntry, content_entries, department_path
from kb.content.readers import is_document
from kb.content.regular_files import read_content_file
from kb.content.scanner import read_entry
from kb.content.stat_cache import FileCache
from kb.errors import ContentError, KbError
from kb.records import Article, Problem, Status
from kb.store.word_folding import holds_every_word, searchable
from webapp import services
from webapp.auth.identity import search_groups
from webapp.errors import message_for
from webapp.i18n import current_language, said_problem
from webapp.manage.documents import uploads
from webapp.query_params import choice_arg

logger = logging.getLogger(__name__)

STATUS_FILTERS = ("", *(s.value for s in Status))
_LISTED = "kb_manage_listed"


@dataclass(frozen=True)
class ArticleRow:
    """One line of the department's article list."""

    id: str
    title: str
    status: str
    lang: str
    owner: str
    review_by: date | None
    overdue: bool
    due_soon: bool
    editable: bool
    activity: ArticleActivity = field(default_factory=ArticleActivity)
    last: ArticleVersion | None = None
    problem: Problem | str = ""  # a document's as the indexer recorded it
    problem_kept: bool = False  # and the version indexed before it stays

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "lang": self.lang,
            "owner": self.owner,
            "review_by": self.review_by.isoformat() if self.review_by else None,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "views": self.activity.views,
            "helpful_ratio": self.activity.helpful_ratio,
            "editable": self.editable,
        }


@dataclass(frozen=True)
class Filters:
    status: str = ""
    lang: str = ""
    q: str = ""
    due: bool = False

    @classmethod
    def of(cls, args: Mapping[str, str]) -> Filters:
        """The filters of the list page's query (`status`, `lang`, `q`, `due`); a
        400 naming a status or `due` the list does not know (never read as no filter)."""
        return cls(
            status=choice_arg(args, "status", STATUS_FILTERS[1:]),
            lang=(args.get("lang") or "")[:12],
            q=(args.get("q") or "")[:200],
            due=choice_arg(args, "due", ("1",)) == "1",
        )

    def keep(self, row: ArticleRow) -> bool:
        if self.status and row.status != self.status:
            return False
        if self.lang and row.lang != self.lang:
            return False
        if self.due and not (row.overdue or row.due_soon):
            return False
        # Each word as the request queue matches it: case and accents
        # ignored, umlauts spelled out or not ("Ueberweisung", "Strasse").
        words = self.q.split()
        return not words or holds_every_word(searchable(row.title, row.id, row.owner), words)


def _row(article: Article, today: date, due_days: int) -> ArticleRow:
    row = ArticleRow(
        id=article.id,
        title=article.title,
        status=article.status.value,
        lang=article.lang,
        owner=article.owner,
        review_by=article.review_by,
        overdue=False,
        due_soon=False,
        editable=not article.is_document,
    )
    return _dated(row, today, due_days)


def _dated(row: ArticleRow, today: date, due_days: int) -> ArticleRow:
    """The row with its review date judged as of `today`."""
    review = row.review_by
    published = row.status == Status.PUBLISHED.value
    return replace(
        row,
        overdue=bool(published and review and review < today),
        due_soon=bool(published and review and today <= review <= today + timedelta(due_days)),
    )


def department_rows(department: str, today: date) -> list[ArticleRow]:
    """Every article file of the department's folder, Markdown read as `kb validate`
    reads it; documents as the index knows them (or by their file name)."""
    svc = services.services()
    settings = svc.settings
    root: Path = settings.content_path
    rows = []
    unreadable = read_unreadable(settings.index_path)
    for entry in content_entries(department_path(root, department)):
        entry = replace(entry, id=f"{department}/{entry.id}")
        if is_document(entry.id):
            # Documents are read by the indexer alone (in its sandbox): their
            # problems are those its newest run recorded.
            found = unreadable.get(entry.id)
            problem, kept = (found.problem, found.kept) if found else ("", False)
            indexed = svc.engine.article(entry.id)
            if indexed is not None:
                row = _row(indexed, today, settings.review_due_days)
                rows.append(replace(row, problem=problem, problem_kept=kept))
            else:
                name = entry.id.rsplit("/", 1)[-1]
                rows.append(
                    ArticleRow(
                        entry.id, name, "", "", "", None, False, False, False, problem=problem,
                        problem_kept=kept,
                    )
                )  # fmt: skip
            continue
        also = (entry.id, settings.max_file_bytes, settings.render_seconds)
        row = _listed().get(entry.path, partial(_markdown_row, entry), also=also)
        rows.append(_dated(row, today, settings.review_due_days))
    return _with_usage(department, rows)


def _listed() -> FileCache[ArticleRow]:
    """The app's rows of Markdown files, kept while each file is unchanged."""
    cache: FileCache[ArticleRow] | None = current_app.extensions.get(_LISTED)
    if cache is None:
        cache = current_app.extensions.setdefault(_LISTED, FileCache())
    return cache


def _markdown_row(entry: FileEntry) -> ArticleRow:
    """The list's row of a Markdown file (review dates judged later, per view):
    from the index when it holds the file's very bytes, read otherwise."""
    indexed = _indexed_as_on_disk(entry)
    if indexed is not None:
        return _row(indexed, date.min, 0)
    article, problem = _read_markdown(entry)
    if article is None:
        name = entry.id.rsplit("/", 1)[-1]
        return ArticleRow(entry.id, name, "", "", "", None, False, False, True, problem=problem)
    return _row(article, date.min, 0)


def _indexed_as_on_disk(entry: FileEntry) -> Article | None:
    """The indexed article of the file when its content hash is that of the file's
    bytes now: the indexer read those bytes as `kb validate` does, so rendering
    them again would only repeat it (the first view after a start stays cheap)."""
    settings = services.services().settings
    try:
        indexed = services.engine().article(entry.id)
        if indexed is None or not indexed.content_hash:
            return None
        raw = read_content_file(entry.path, entry.id, settings.max_file_bytes)
    except KbError:
        return None
    return indexed if hashlib.sha256(raw).hexdigest() == indexed.content_hash else None


def _read_markdown(entry: FileEntry) -> tuple[Article | None, Problem | str]:
    """The article of a Markdown file as `kb validate` reads it, or None and why not."""
    settings = services.services().settings
    article, problems = read_entry(entry, settings.max_file_bytes, settings.render_seconds)
    if article is not None:
        return article, ""
    return None, problems[0] if problems else ""


def _with_usage(department: str, rows: list[ArticleRow]) -> list[ArticleRow]:
    try:
        versions = services.authoring().versions
        activity = versions.activity(r.id for r in rows)
        latest = versions.latest_versions(f"{department}/")
    except KbError as exc:  # the list still helps without the figures
        logger.warning("manage: article figures not available: %s", exc.message)
        return rows
    return [
        replace(r, activity=activity.get(r.id, ArticleActivity()), last=latest.get(r.id))
        for r in rows
    ]


def waiting_documents(department: str) -> list[WaitingDocument]:
    """The department's uploaded documents waiting for review, oldest first, each
    with what no longer fits the folder (renamed, moved or changed on disk)."""
    versions = uploads().versions
    try:
        return document_waiting.waiting_documents(versions, department)
    except KbError as exc:
        logger.warning("manage: documents waiting for review not available: %s", exc.message)
        return []


def deleted_documents(department: str, rows: Sequence[ArticleRow]) -> list[ArticleVersion]:
    """The delete versions of the department's documents deleted in the browser and
    not back since (no file of the id in `rows`), newest first: their history
    pages restore them."""
    try:
        latest = services.authoring().versions.latest_versions(f"{department}/")
    except KbError as exc:
        logger.warning("manage: deleted documents not available: %s", exc.message)
        return []
    listed = {r.id for r in rows}
    gone = [v for v in latest.values() if v.action is Action.DELETE and v.article_id not in listed]
    return sorted(gone, key=lambda v: v.ts, reverse=True)


@dataclass(frozen=True)
class Approval:
    """An article in review that the reader may approve, and who wrote its changes."""

    row: ArticleRow
    authors: tuple[str, ...]


def approvals(rows: list[ArticleRow], actor: User) -> list[Approval]:
    """The articles in review that `actor` neither submitted nor wrote part of
    (`four_eyes`): those waiting for their approval, with every author."""
    versions = services.authoring().versions
    found = []
    for row in rows:
        if row.status != Status.REVIEW.value or row.last is None:
            continue
        try:
            submitted_by, authors = four_eyes.review_state(versions, row.id)
        except KbError as exc:
            logger.warning("manage: who wrote %s is not known: %s", row.id, exc.message)
            continue
        if actor.username not in authors and actor.username != submitted_by:
            found.append(Approval(row, tuple(authors or [row.last.author])))
    return found


def departments_gone(actor: User) -> list[str] | None:
    """For a content owner (or an admin) none of whose departments has a folder in
    the content root now (renamed or removed on disk): the departments of their
    grants, which the list page names instead of refusing them; for someone who
    owns no content now but uploaded a document waiting in a department gone,
    none ([]), so that the page offers to withdraw it (None: they own one that
    is there, or own none at all and uploaded nothing waiting, and get the list
    or a 403 as ever)."""
    if owned_departments(actor, sorted(services.authoring().departments())):
        return None
    if actor.has_role(Role.CONTENT_OWNER):
        return sorted(actor.departments(Role.CONTENT_OWNER) or ())
    if actor.has_role(Role.ADMIN) or any(s.own for s in stranded_documents(actor)):
        return []
    return None


@dataclass(frozen=True)
class StrandedUpload:
    """An upload waiting in a department whose folder is gone, as the reader may
    act on it: `owned` when they own its department's content or are an admin
    (its history and file are theirs to read, it is theirs to reject), `own`
    when they uploaded it (theirs to withdraw, with or without the role)."""

    waiting: WaitingDocument
    owned: bool
    own: bool


def stranded_documents(actor: User) -> list[StrandedUpload]:
    """Uploads waiting for review in a department whose folder is gone (renamed or
    removed), which `actor` owns the content of, may see as an admin, or uploaded
    (`DocumentUploads.reject` lets the uploader withdraw it even once the
    department's role went with its folder): no department's list shows them
    otherwise."""
    authoring = services.authoring()
    try:
        found = document_waiting.stranded_documents(uploads().versions, authoring.departments())
    except KbError as exc:
        logger.warning("manage: uploads of departments gone not available: %s", exc.message)
        return []
    mine = set(owned_departments(actor, sorted({w.department for w in found})))
    shown = [
        StrandedUpload(w, w.department in mine, w.version.author == actor.username) for w in found
    ]
    return [s for s in shown if s.owned or s.own]


def assigned_gaps(department: str) -> list[Any]:
    """Open knowledge gaps analysts assigned to the department (insights)."""
    from kb.insights.records import TopicStatus
    from kb.insights.store import insights_store

    try:
        topics = insights_store(services.store()).topics(assigned_department=department)
    except (KbError, TypeError) as exc:
        logger.warning("manage: assigned gaps not available: %s", exc)
        return []
    return [t for t in topics if t.status is not TopicStatus.CLOSED]


def link_choices() -> list[tuple[str, str]]:
    """(id, title) of every article the editor's link picker offers: those the
    editor may read (a restricted article's title is not everyone's to see)."""
    engine = services.engine()
    titles = getattr(engine, "titles", None)
    if not callable(titles):
        return []
    groups = search_groups()

    def readable(article_id: str) -> bool:
        article = engine.article(article_id)
        return article is not None and article.visible_to(groups)

    found = [(aid, title) for aid, title in titles().items() if readable(aid)]
    return sorted(found, key=lambda item: item[1].casefold())


def unlisted_related(related: Sequence[str], links: list[tuple[str, str]]) -> list[str]:
    """The related articles of `related` that the article's page will not list: no
    published article the editor may read has that id (mistyped, a draft, gone).
    None are named when the index offers no titles to compare with."""
    known = {article_id for article_id, _ in links}
    return [item for item in related if item not in known] if known else []


def failure_text(failure: KbError) -> str:
    """A refused save as the editor says it: a content problem with what to do,
    worded as `kb validate` words it."""
    if isinstance(failure, ContentError):
        return said_problem(failure)
    return message_for(failure, current_language())
