"""The four-eyes rule (`review_required: true` in `_department.yml`): an
article is published only from status review, unchanged, by a content owner
who wrote none of the changes it holds since its last published version (not
its submitter, nor anyone who added to it while it waited). `AuthoringService.save`
asks here, and `kb.authoring.documents` for an uploaded document, whose version
waiting for review is approved by a content owner who uploaded (or restored)
none of its bytes since the document was last published."""

from __future__ import annotations

from kb.accounts.records import User
from kb.authoring.errors import review_own_changes, review_required
from kb.authoring.markdown_file import split_text
from kb.authoring.records import Action, ArticleFields, ArticleVersion
from kb.authoring.store import VersionStore
from kb.errors import KbError
from kb.records import Department, Status


def submitter(versions: VersionStore, article_id: str) -> str:
    """Who submitted the article for review ("" when it is not in review)."""
    for version in reversed(versions.versions(article_id)):
        if version.status is not Status.REVIEW:
            break
        if version.action in (Action.SUBMIT, Action.RESTORE, Action.SAVE) and version.author:
            return version.author
    return ""


def _since_published(
    history: list[ArticleVersion],
) -> tuple[ArticleVersion | None, list[ArticleVersion]]:
    """The last published version (None when there is none) and those after it."""
    for index in range(len(history) - 1, -1, -1):
        if history[index].status is Status.PUBLISHED:
            return history[index], history[index + 1 :]
    return None, history


def _fields(version: ArticleVersion) -> ArticleFields | None:
    try:
        return split_text(version.text, version.article_id)[0]
    except KbError:
        return None  # a file written on disk that does not read: a change all the same


def pending_authors(versions: VersionStore, article_id: str) -> list[str]:
    """Everyone who wrote a change the article holds since its last published
    version, first writer first: a version that changed more than the status
    (a submit or a rejection alone changes nothing) names its author."""
    last, pending = _since_published(versions.versions(article_id))
    before = None if last is None else _fields(last)
    authors: list[str] = []
    for version in pending:
        now = _fields(version)
        changed = now is None or before is None or not now.says_the_same(before)
        if changed and version.author and version.author not in authors:
            authors.append(version.author)
        before = now
    return authors


def check_review(
    versions: VersionStore,
    actor: User,
    department: Department,
    current: ArticleVersion,
    fields: ArticleFields,
) -> None:
    """A `ConflictError` when saving `fields` over `current` would publish
    against the rule: not from review, changed since, or by its submitter."""
    if not department.review_required or fields.status is not Status.PUBLISHED:
        return
    now, _ = split_text(current.text, current.article_id)
    if now.status is Status.PUBLISHED and now.says_the_same(fields):
        return  # already published, nothing new to approve
    if now.status is not Status.REVIEW or not now.says_the_same(fields):
        raise review_required("submit", department, id=current.article_id)
    submitted_by = submitter(versions, current.article_id)
    if not submitted_by or submitted_by == actor.username:
        raise review_required("second", department, submitted_by=submitted_by)
    authors = pending_authors(versions, current.article_id)
    if actor.username in authors:
        raise review_own_changes(department, actor.username, authors)


def check_document_approval(
    actor: User, department: Department, waiting: ArticleVersion, history: list[ArticleVersion]
) -> None:
    """A `ConflictError` when `actor` uploaded `waiting` themselves (or nobody is
    named), and a 403 when they uploaded or restored its very bytes since the
    document was last published (someone else restored their waiting upload):
    either approval would publish it with one pair of eyes."""
    if not waiting.author or waiting.author == actor.username:
        raise review_required("second", department, submitted_by=waiting.author)
    _, pending = _since_published(history)
    authors = [v.author for v in pending if v.content_hash == waiting.content_hash and v.author]
    if actor.username in authors:
        raise review_own_changes(department, actor.username, list(dict.fromkeys(authors)))
