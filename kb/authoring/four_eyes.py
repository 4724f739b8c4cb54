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

# The steps that put an article in review: an edit or a restore in the browser,
# submitting it, or an uploaded Markdown file that says `status: review` (or that
# a department under the rule holds for review), new or over an article.
_SUBMITTING = (Action.SUBMIT, Action.RESTORE, Action.SAVE, Action.UPLOAD)


def _submitter(history: list[ArticleVersion]) -> str:
    """Who submitted the article for review ("" when it is not in review)."""
    for version in reversed(history):
        if version.status is not Status.REVIEW:
            break
        if version.action in _SUBMITTING and version.author:
            return version.author
    return ""


def review_state(
    versions: VersionStore, article_id: str, upto: int | None = None
) -> tuple[str, list[str]]:
    """`submitter` and `pending_authors` of an article, from one read of its history
    (as it stood at version `upto`, where given)."""
    history = versions.versions(article_id)
    if upto is not None:
        history = [version for version in history if version.number <= upto]
    return _submitter(history), _pending_authors(history)


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


def _restored(
    history: list[ArticleVersion], read: list[ArticleFields | None], index: int
) -> int | None:
    """The position of the version a restore at `index` brought back: the newest
    before it that says the same (whatever its status; None when none does)."""
    now = read[index]
    if history[index].action is not Action.RESTORE or now is None:
        return None
    for earlier in range(index - 1, -1, -1):
        found = read[earlier]
        if found is not None and found.says_the_same(now):
            return earlier
    return None


def writers(history: list[ArticleVersion]) -> tuple[list[list[str]], bool]:
    """Who wrote the text of each version of `history`, first writer first: the
    author of every change since the text published before it (a published
    version names those whose changes it published); and whether the newest
    text is published, no change made since. A version that changed more than
    the status names its author; a restore names the writers of the version it
    brought back too, so that their text, restored by someone else, is never
    approved by them."""
    read = [_fields(v) for v in history]
    found: list[list[str]] = []
    authors: list[str] = []
    approved = False
    for index, version in enumerate(history):
        before = read[index - 1] if index else None
        now = read[index]
        if not index or now is None or before is None or not now.says_the_same(before):
            if approved:  # a change after a published text starts a new review
                authors, approved = [], False
            source = _restored(history, read, index)
            added = [version.author] + ([] if source is None else found[source])
            authors = list(dict.fromkeys(authors + [a for a in added if a]))
        approved = approved or version.status is Status.PUBLISHED
        found.append(authors)
    return found, approved


def pending_authors(versions: VersionStore, article_id: str) -> list[str]:
    """Everyone who wrote a change the article holds since its last published
    version, first writer first (a submit or a rejection alone changes nothing;
    a restore counts the writers of the version restored): `writers` of the
    newest version, none when no change was made since it was published."""
    return _pending_authors(versions.versions(article_id))


def _pending_authors(history: list[ArticleVersion]) -> list[str]:
    found, published = writers(history)
    return [] if published or not found else found[-1]


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
    submitted_by, authors = review_state(versions, current.article_id)
    if not submitted_by:  # put in review on disk: nobody to be the second pair of eyes to
        raise review_required("second", department, submitted_by=submitted_by)
    if actor.username in authors or actor.username == submitted_by:
        raise review_own_changes(department, actor.username, authors)


def document_authors(waiting: ArticleVersion, history: list[ArticleVersion]) -> list[str]:
    """Who wrote the bytes of `waiting` (a document's version in review): whoever
    uploaded or restored those very bytes since the document was last published
    and, where one of them is a restore, whoever uploaded them before."""
    same = [v for v in history if v.content_hash == waiting.content_hash and v.author]
    _, pending = _since_published(history)
    authors = [v.author for v in pending if v in same]
    if any(v.action is Action.RESTORE for v in pending if v in same):
        earlier = [v for v in same if v.action is Action.UPLOAD and v.number < waiting.number]
        authors += [v.author for v in earlier]
    return list(dict.fromkeys(authors))


def check_document_approval(
    actor: User, department: Department, waiting: ArticleVersion, history: list[ArticleVersion]
) -> None:
    """A `ConflictError` when nobody is named as uploader of `waiting`, and a 403
    when `actor` uploaded or restored its very bytes since the document was last
    published, or uploaded the bytes someone else restored (`document_authors`):
    approving would publish them with one pair of eyes."""
    if not waiting.author:
        raise review_required("second", department, submitted_by=waiting.author)
    authors = document_authors(waiting, history)
    if actor.username in authors:
        raise review_own_changes(department, actor.username, authors)
