"""What an edit can run into: a newer version saved meanwhile, the
four-eyes rule (both raised by `kb.authoring.service`), or a web node that
does not write its content folder."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kb.authoring.records import ArticleVersion
from kb.errors import ConflictError, ContentError, KbError
from kb.records import Department


class StaleEditError(KbError):
    """An edit based on an older version than the current one; nothing was written.

    Carries the current version and the text that was sent, so the editor can
    show both side by side and the writer loses nothing."""

    status = 412
    code = "stale_edit"

    def __init__(self, article_id: str, base: int | None, current: ArticleVersion, yours: str):
        super().__init__(
            f"{article_id} changed since you opened it: your edit is based on version "
            f"{base}, the current version is {current.number} ({current.author or 'on disk'}, "
            f"{current.ts:%Y-%m-%d %H:%M} UTC). Nothing was saved; compare both texts, "
            "merge your change into the current version and save again",
            details={"id": article_id, "your_version": base, "current_version": current.number},
            key="stale_edit",
            values={
                "id": article_id,
                "base": base,
                "current": current.number,
                "author": current.author or "–",
                "time": f"{current.ts:%Y-%m-%d %H:%M} UTC",
            },
        )
        self.current = current
        self.yours = yours


def require_current(
    article_id: str, base_version: int | None, current: ArticleVersion, yours: str
) -> None:
    """A `StaleEditError` unless `base_version`, the version an edit or a discard
    was asked on, is `current` (None names none: any will do)."""
    if base_version is not None and base_version != current.number:
        raise StaleEditError(article_id, base_version, current, yours)


class GoneSinceError(ConflictError):
    """An edit sent with the version it was based on (`If-Match`, or `*`) of an
    article whose file is gone since: renamed (`moved_to`, the id it has now),
    discarded or deleted. Nothing is written, and the old name is not created
    again: a new article there would undo the other owner's rename or removal
    and leave the edit out of the article it was meant for.

    `change`: refused a write that creates nothing (a rename, a discard, a
    restore, a status change), said without the save's words."""

    status = 412
    code = "stale_edit"

    def __init__(
        self, article_id: str, base: int | None, moved_to: str | None, *, change: bool = False
    ):
        self.moved_to = moved_to
        details: dict[str, Any] = {"id": article_id, "your_version": base}
        if moved_to is not None and change:
            super().__init__(
                f"{article_id} was renamed to {moved_to} since you read it: nothing was "
                f"changed. Read {moved_to} and ask again there",
                details={**details, "moved_to": moved_to},
                key="change_renamed",
                values={"id": article_id, "moved_to": moved_to},
            )
            return
        if moved_to is not None:
            super().__init__(
                f"{article_id} was renamed to {moved_to} since you read it: nothing was "
                f"saved, and {article_id} was not created again. Read {moved_to} and send "
                "your change there",
                details={**details, "moved_to": moved_to},
                key="edit_renamed",
                values={"id": article_id, "moved_to": moved_to},
            )
            return
        super().__init__(
            f"{article_id} was removed since you read it (discarded, deleted or taken out "
            "of the folder): nothing was saved, and it was not created again. Look at its "
            "history; to create it anew, send it without If-Match",
            details=details,
            key="edit_gone",
            values={"id": article_id},
        )


class UnopenableArticleError(ContentError):
    """The article's file on disk cannot be opened in the editor (not UTF-8, front
    matter that is not valid YAML, past max_file_bytes): the owner is told what is
    wrong and where, and nothing is written, so its bytes stay as they are."""

    @classmethod
    def of(cls, exc: ContentError) -> UnopenableArticleError:
        return cls(
            exc.reason,
            path=exc.path,
            line=exc.line,
            hint=exc.hint,
            kind=exc.kind,
            text_key=exc.text_key,
            text_values=exc.text_values,
        )


@contextmanager
def opening() -> Iterator[None]:
    """Reading an article's file on disk for the editor: what cannot be opened
    is an `UnopenableArticleError` (the editor's own page), never half a text."""
    try:
        yield
    except UnopenableArticleError:
        raise
    except ContentError as exc:
        raise UnopenableArticleError.of(exc) from None


class ReviewRequiredError(ConflictError):
    """The department's four-eyes rule refuses this publication."""

    code = "review_required"


def review_required(step: str, department: Department, **details: Any) -> ReviewRequiredError:
    """The four-eyes refusal at `step`: `create` (published at once), `submit` (not
    submitted for review first) or `second` (approved by the one who submitted)."""
    name, slug = department.name, department.slug
    submitter = details.get("submitted_by") or "you"
    english = {
        "create": f"{name} requires another content owner's approval before publishing: "
        "create the article as a draft and submit it for review",
        "submit": f"{name} requires another content owner's approval before publishing: "
        "submit the article for review; a second content owner then publishes it",
        "second": f"{name} requires a second pair of eyes: another content owner of {slug} "
        f"must approve what {submitter} submitted",
    }
    return ReviewRequiredError(
        english[step],
        details={"department": slug, **details},
        key=f"review_{step}",
        values={"department": slug},
    )


class OwnChangesInReviewError(ReviewRequiredError):
    """An approval by someone who wrote part of what waits for review, or who
    submitted it: 403 whoever saved last, since no retry of theirs can succeed
    (another content owner must approve). `details.reason` says which:
    `wrote_changes` (they wrote part of the changes waiting, `details.authors`
    names every writer) or `submitted` (they only submitted it)."""

    status = 403


def review_own_changes(
    department: Department, actor: str, authors: list[str]
) -> OwnChangesInReviewError:
    """The four-eyes refusal of an approval by `actor`: one of `authors` (those
    who wrote the changes waiting for review since the last published version),
    or else the one who submitted them."""
    name, slug = department.name, department.slug
    details = {"department": slug, "user": actor, "authors": authors}
    if actor not in authors:
        return OwnChangesInReviewError(
            f"{name} requires a second pair of eyes: {actor} submitted it for review, so "
            f"another content owner of {slug} must approve what {actor} submitted",
            details={**details, "reason": "submitted", "submitted_by": actor},
            key="review_second",
            values={"department": slug},
        )
    return OwnChangesInReviewError(
        f"{name} requires a second pair of eyes: {actor} wrote part of the changes waiting "
        f"for review (written by {', '.join(authors)}), so another content owner of {slug} "
        "who wrote none of them must approve",
        details={**details, "reason": "wrote_changes"},
        key="review_own_changes",
        values={"department": slug, "user": actor, "authors": ", ".join(authors)},
    )


class ContentReadOnlyError(ConflictError):
    """This node keeps a read-only copy of the content folder (setting
    `write_content` off, a web node of several): articles are written on the
    authoring node only, whose index reaches every node (docs/deploy.md).

    503, not 409: the same call succeeds on the authoring node."""

    status = 503
    code = "content_read_only"

    def __init__(self, authoring_url: str = "") -> None:
        where = f" ({authoring_url})" if authoring_url else ", which your administrator can name"
        super().__init__(
            "this server keeps a read-only copy of the content folder (setting write_content "
            f"is off), so nothing was written here: edit articles on the authoring server{where}",
            details={"write_content": False, "authoring_url": authoring_url},
            key="content_read_only_at" if authoring_url else "content_read_only",
            values={"url": authoring_url},
        )


# What the file system says when the content folder cannot take a write:
# full (ENOSPC, EDQUOT, EFBIG) or not writable (read-only mount, permissions, EIO).
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_UNWRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO})


class ContentUnwritableError(ConflictError):
    """The content folder refused a write (disk full, read-only, no permission).

    Nothing was changed: the temporary file is removed, the article's file on
    disk is the old one and no version was recorded. 503, as for a read-only
    node: the operator mends the folder and the same save then succeeds; the
    editor shows the typed text again."""

    status = 503
    code = "content_unwritable"

    def __init__(self, article_id: str, exc: OSError) -> None:
        full = exc.errno in _FULL
        why = "the disk is full" if full else "the folder is not writable"
        super().__init__(
            f"{article_id} could not be written to the content folder ({why}: "
            f"{exc.strerror}); nothing was changed and the file on disk is as it was. "
            "Keep your text, ask the operator to "
            f"{'free space' if full else 'make the content folder writable'} and save again",
            details={"id": article_id, "reason": "full" if full else "not_writable"},
            key="content_full" if full else "content_unwritable",
            values={"id": article_id},
        )


@contextmanager
def writing(article_id: str) -> Iterator[None]:
    """Writing `article_id` into the content folder: a full or unwritable folder
    is a `ContentUnwritableError` that says so, never a bare `OSError` (a 500)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _FULL or exc.errno in _UNWRITABLE:
            raise ContentUnwritableError(article_id, exc) from exc
        raise
