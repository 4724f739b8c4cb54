"""Throwing away what never reached readers: a draft never published, or the
changes saved over a published article since it was last published.

A content owner who started an article and will not finish it discards it:
its file leaves the department's folder, and the pictures staged for it
(`kb.authoring.picture_stage`) go with it. Only a draft or an article in
review that never reached readers is discarded: none of its versions was
published, the published index does not hold it, and no reader opened or
voted on it (`kb.authoring.status_changes.was_published`: an article
published on disk and set back to draft on disk has only the draft in its
history). Any other is refused (`PublishedBeforeError`, 409) and stays as it
is: a published article leaves search by Retire, and keeps its file and
history.

The history keeps what was discarded, when and by whom: a last version,
action `discard`, holding the text as it was. A new article may take the id
again later; its versions follow on (`AuthoringService.create`).

A published article saved as a draft (or submitted for review) since is out
of search until it is published again. `discard_changes` brings its last
published text back as a new version (action `restore`, noted "discarded
the changes since version N"): published again at once, or, under the
four-eyes rule, in review, as any restore of a published article is
(`kb.authoring.four_eyes`). The pictures staged for the changes go too.
It is offered while the article's versions since the published one are
drafts or reviews (`changes_discardable`); an article retired since, or
never published, has no published text to go back to (`NothingPublishedError`).

Each names the version it was asked on (`base_version`, the one the editor
showed): a newer one, or a change on disk since, is a `StaleEditError` and
nothing is removed or written.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace

from kb.accounts.records import User
from kb.authoring import files, version_notes
from kb.authoring.errors import ContentReadOnlyError, GoneSinceError, require_current, writing
from kb.authoring.markdown_file import split_text
from kb.authoring.moving import refused_if_renamed, renamed_since
from kb.authoring.picture_stage import PictureStage
from kb.authoring.recording import hand_to_indexer, store_version
from kb.authoring.records import FREED, Action, ArticleVersion
from kb.authoring.service import AuthoringService, StaleEditError
from kb.authoring.status_changes import was_published
from kb.errors import ConflictError, NotFoundError
from kb.records import Status

logger = logging.getLogger(__name__)

DISCARDABLE = (Status.DRAFT, Status.REVIEW)


class PublishedBeforeError(ConflictError):
    """Discard asked for an article that is, or once was, published."""

    code = "published_before"


class NothingPublishedError(ConflictError):
    """Discard changes asked for an article with no published text to go back to."""

    code = "nothing_published"


def last_published(versions: list[ArticleVersion]) -> ArticleVersion | None:
    """The published version an article's pending changes were saved over: the
    newest version before the current drafts and reviews, when it is published
    (None: it is published now, retired, or was never published)."""
    for version in reversed(versions):
        if version.status is Status.PUBLISHED:
            return version if version is not versions[-1] else None
        if version.status not in DISCARDABLE:
            return None
    return None


def changes_discardable(versions: list[ArticleVersion]) -> bool:
    """Whether the changes saved over a published article may be discarded."""
    return last_published(versions) is not None


def discardable(authoring: AuthoringService, versions: list[ArticleVersion]) -> bool:
    """Whether an article with these versions (oldest first) may be discarded:
    it is a draft or in review now, and it never reached readers."""
    if not versions or versions[-1].status not in DISCARDABLE:
        return False
    return not was_published(authoring.versions, versions[-1].article_id, authoring.indexed)


def discard_draft(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    *,
    base_version: int | None,
    message: str = "",
    stage: PictureStage | None = None,
) -> ArticleVersion:
    """Remove the never-published article `article_id` (owners of its department
    and admins) and the pictures staged for it; the `discard` version recorded.
    One renamed since is a `GoneSinceError` naming the id it has now."""
    with refused_if_renamed(authoring.versions, article_id, base_version):
        return _discard(authoring, actor, article_id, base_version, message, stage)


def _discard(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    base_version: int | None,
    message: str,
    stage: PictureStage | None,
) -> ArticleVersion:
    """`discard_draft` of an article whose file is there when it starts."""
    versions = _versions_at(authoring, actor, article_id, base_version)
    current = versions[-1]
    if not discardable(authoring, versions):
        raise PublishedBeforeError(
            f"{article_id} is or was published, so it is not discarded: it stays as it is; "
            "retire it to take it out of search",
            details={"id": article_id, "status": current.status.value},
            key="published_before",
            values={"id": article_id},
        )
    if not authoring.writable:
        raise ContentReadOnlyError(authoring.authoring_url)
    with files.edit_lock(authoring.root):
        unchanged = files.holds(
            authoring.root, article_id, current.content_hash, authoring.max_bytes
        )
        if unchanged:
            gone = _record_and_remove(authoring, actor, current, message)
    if not unchanged:  # edited on disk meanwhile: that is a version of its own now
        now = authoring.history(actor, article_id)[-1]
        raise StaleEditError(article_id, current.number, now, current.text)
    _drop_staged(stage, article_id)
    logger.info("authoring: %s discarded %s (version %d)", actor.username, article_id, gone.number)
    hand_to_indexer(authoring, article_id)
    return gone


def _record_and_remove(
    authoring: AuthoringService, actor: User, current: ArticleVersion, message: str
) -> ArticleVersion:
    """The `discard` version stored, then the file removed (inside the edit lock);
    a file that cannot be removed takes the version back."""
    article_id = current.article_id
    gone = store_version(
        authoring, article_id, current.number + 1, current.text,
        author=actor.username, action=Action.DISCARD, status=current.status, message=message,
    )  # fmt: skip
    try:
        with (
            files.article_folder(authoring.root, article_id) as (folder, name),
            writing(article_id),
        ):
            os.unlink(name, dir_fd=folder)
    except BaseException:
        authoring.versions.remove_version(article_id, gone.number)
        raise
    return gone


def discard_changes(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    *,
    base_version: int | None,
    message: str = "",
    stage: PictureStage | None = None,
) -> ArticleVersion:
    """Make the last published text of `article_id` current again, dropping the
    drafts and reviews saved since (and the pictures staged for them). One
    renamed since is a `GoneSinceError` naming the id it has now."""
    with refused_if_renamed(authoring.versions, article_id, base_version):
        kept = _go_back(authoring, actor, article_id, base_version, message)
    _drop_staged(stage, article_id)
    return kept


def _go_back(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    base_version: int | None,
    message: str,
) -> ArticleVersion:
    """The last published text saved as the current one (`discard_changes`)."""
    versions = _versions_at(authoring, actor, article_id, base_version)
    current = versions[-1]
    published = last_published(versions)
    if published is None:
        raise NothingPublishedError(
            f"{article_id} has no changes over a published text to discard: it is "
            "published as it is, retired, or was never published; nothing was changed",
            details={"id": article_id, "status": current.status.value},
            key="nothing_published",
            values={"id": article_id},
        )
    fields, extra = split_text(published.text, article_id)
    review = authoring.department_of(article_id).review_required
    status = Status.REVIEW if review else Status.PUBLISHED
    return authoring.save(
        actor,
        article_id,
        replace(fields, status=status),
        base_version=current.number,
        message=message
        or version_notes.note("version_note_discarded_changes", number=published.number),
        action=Action.RESTORE,
        extra=extra,
    )


def _versions_at(
    authoring: AuthoringService, actor: User, article_id: str, base_version: int | None
) -> list[ArticleVersion]:
    """The article's versions (owners only; a change on disk recorded first), when
    the newest is `base_version`; a `StaleEditError` otherwise."""
    versions = authoring.history(actor, article_id)
    current = versions[-1]
    require_current(article_id, base_version, current, current.text)
    return versions


def _drop_staged(stage: PictureStage | None, article_id: str) -> None:
    """Forget the pictures staged for `article_id`: no save will write them now."""
    if stage is not None:
        for name in stage.names(article_id):
            stage.drop(article_id, name)


def history_of(authoring: AuthoringService, actor: User, article_id: str) -> list[ArticleVersion]:
    """Every version of `article_id`, oldest first, as `AuthoringService.history`
    gives them; for a draft discarded since (no file, the last version a
    `discard`), the versions the history kept, ending with the discard."""
    versions = _discarded(authoring, actor, article_id)
    return versions if versions is not None else authoring.history(actor, article_id)


def restore_discarded(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    number: int,
    *,
    base_version: int | None,
    message: str = "",
) -> ArticleVersion:
    """Bring version `number` of the discarded draft `article_id` back as a new
    draft (the file written again, never over one, as a new article is, so not
    into a sub-folder; owners of its department and admins). A discard since the history page was shown is fine; anything newer
    than `base_version` (the id taken again meanwhile) is a `StaleEditError`."""
    versions = _discarded(authoring, actor, article_id)
    if versions is None:  # not discarded (any more): an ordinary restore
        with refused_if_renamed(authoring.versions, article_id, base_version):
            return authoring.restore(
                actor, article_id, number, base_version=base_version, message=message
            )
    latest = versions[-1]
    moved = renamed_since(authoring.versions, article_id)
    if moved is not None and base_version not in (None, latest.number):
        # Asked on a version before the rename: renamed since it was read.
        raise GoneSinceError(article_id, base_version, moved, change=True)
    require_current(article_id, base_version, latest, latest.text)
    if latest.action is Action.MOVE:
        raise renamed_away(latest)
    old = authoring.versions.version(article_id, number)
    fields, extra = split_text(old.text, article_id)
    # Written where a new article is, `<department>/<name>.md`: a draft of a
    # sub-folder (`it/sub/notes.md`) would come back as another article
    # (`it/notes.md`), so its name with the folder in it is refused (400).
    department, _, name = article_id.partition("/")
    return authoring.create(
        actor,
        department,
        name.removesuffix(".md"),
        replace(fields, status=Status.DRAFT),
        message or version_notes.note("version_note_restored", number=number),
        action=Action.RESTORE,
        extra=extra,
    )


def _discarded(
    authoring: AuthoringService, actor: User, article_id: str
) -> list[ArticleVersion] | None:
    """The versions of `article_id` when it is a discarded draft whose file is
    gone (checked for an owner of its department), else None."""
    authoring.require_owner(actor, authoring.department_of(article_id).slug)
    latest = authoring.versions.latest(article_id)
    if latest is None or latest.action not in FREED:  # renamed: kept as a discard is
        return None
    try:
        files.article_file(authoring.root, article_id, must_exist=True)
    except NotFoundError:
        return authoring.versions.versions(article_id)
    return None  # a file of that name was put there by hand since: it decides


def renamed_away(moved: ArticleVersion) -> ConflictError:
    """A restore asked on the old id of an article renamed since: its history went
    with it, and is restored there."""
    return ConflictError(
        f"{moved.article_id} was renamed ({moved.message}); its versions went with it: "
        "restore from the history under its new name",
        details={"id": moved.article_id, "note": moved.message},
        key="restore_renamed",
        values={"id": moved.article_id},
    )
