"""The four-eyes rule (`review_required: true` in `_department.yml`): an
article is published only from status review, unchanged, by a content owner
other than the one who submitted it. `AuthoringService.save` asks here, and
`kb.authoring.documents` for an uploaded document, whose version waiting for
review is approved by a content owner other than its uploader."""

from __future__ import annotations

from kb.accounts.records import User
from kb.authoring.errors import review_required
from kb.authoring.markdown_file import split_text
from kb.authoring.records import Action, ArticleFields, ArticleVersion
from kb.authoring.store import VersionStore
from kb.records import Department, Status


def submitter(versions: VersionStore, article_id: str) -> str:
    """Who submitted the article for review ("" when it is not in review)."""
    for version in reversed(versions.versions(article_id)):
        if version.status is not Status.REVIEW:
            break
        if version.action in (Action.SUBMIT, Action.RESTORE, Action.SAVE) and version.author:
            return version.author
    return ""


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


def check_document_approval(actor: User, department: Department, waiting: ArticleVersion) -> None:
    """A `ConflictError` when `actor` uploaded `waiting` themselves (or nobody is
    named): their approval would publish it with one pair of eyes."""
    if not waiting.author or waiting.author == actor.username:
        raise review_required("second", department, submitted_by=waiting.author)
