"""Records of authoring: what a form or the API sends, and each stored version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kb.records import EVERYONE, Problem, Status
from kb.validators import (
    ensure_text,
    ensure_utc,
    set_normalised,
    utc_now,
    without_bidi_controls,
)


class Action(StrEnum):
    """What made a version: an edit in the browser or API, or a change found on disk."""

    CREATE = "create"  # a new article
    SAVE = "save"  # saved as a draft (or saved while keeping its status)
    SUBMIT = "submit"  # submitted for review
    PUBLISH = "publish"  # published (or approved, under the four-eyes rule)
    RETIRE = "retire"  # taken out of search
    RESTORE = "restore"  # an earlier version made current again
    DISK = "disk"  # the file changed on disk, outside the browser
    UPLOAD = "upload"  # a document (PDF, DOCX…) uploaded or replaced in the browser
    REJECT = "reject"  # a document waiting for review turned down (or withdrawn)
    DISCARD = "discard"  # a draft never published thrown away, its file removed
    MOVE = "move"  # renamed in its folder (the old id's last version, the new id's first)
    DELETE = "delete"  # a document's file removed from the department's folder


# The steps after which an article's file is gone and its id free for a new one.
FREED = (Action.DISCARD, Action.MOVE)

# The status each step of the editor gives an article, and the step each status is.
ACTION_STATUS = {
    Action.SAVE: Status.DRAFT,
    Action.SUBMIT: Status.REVIEW,
    Action.PUBLISH: Status.PUBLISHED,
    Action.RETIRE: Status.RETIRED,
}
STATUS_ACTION = {status: action for action, status in ACTION_STATUS.items()}


def text_hash(text: str) -> str:
    """The hash `kb.content` gives the article of a file holding `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ArticleVersion:
    """One saved state of an article file. `number` counts from 1 per article."""

    article_id: str
    number: int
    text: str
    author: str
    action: Action
    status: Status
    message: str = ""
    ts: datetime = field(default_factory=utc_now)
    content_hash: str = ""
    # What `kb validate` warns of in `text`, as the save that wrote it read the
    # text (`kb.authoring.markdown_file.check_text`); never stored, so a version
    # read back from the store has none.
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        ensure_text("article_id", self.article_id)
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise ValueError(f"version number must be an integer >= 1, got {self.number!r}")
        set_normalised(self, "action", Action(self.action))
        set_normalised(self, "status", Status(self.status))
        ensure_text("author", self.author, allow_empty=True)
        ensure_text("message", self.message, allow_empty=True)
        set_normalised(self, "ts", ensure_utc("ts", self.ts))
        if not self.content_hash:
            set_normalised(self, "content_hash", text_hash(self.text))


@dataclass(frozen=True, kw_only=True)
class ArticleFields:
    """An article as the editor and `PUT /api/articles/<id>` send it: the
    front-matter fields as values, the body as Markdown."""

    title: str
    body: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    lang: str = ""
    audience: tuple[str, ...] = (EVERYONE,)
    review_by: date | None = None
    related: tuple[str, ...] = ()
    owner: str = ""
    status: Status = Status.DRAFT

    def __post_init__(self) -> None:
        set_normalised(self, "status", Status(self.status))
        set_normalised(self, "tags", tuple(self.tags))
        set_normalised(self, "audience", tuple(self.audience) or (EVERYONE,))
        set_normalised(self, "related", tuple(self.related))

    def says_the_same(self, other: ArticleFields) -> bool:
        """Whether two field sets say the same, whatever their status."""
        mine = replace(self, status=Status.DRAFT, body=self.body.strip())
        return mine == replace(other, status=Status.DRAFT, body=other.body.strip())


@dataclass(frozen=True)
class ArticleActivity:
    """How an article is used: result clicks (views) and "was this helpful?" votes."""

    views: int = 0
    helpful: int = 0
    not_helpful: int = 0

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful + self.not_helpful
        return self.helpful / votes if votes else None


@dataclass(frozen=True)
class Editable:
    """An article as the editor opens it: fields, text and the version to base edits on."""

    article_id: str
    department: str
    fields: ArticleFields
    extra: dict[str, Any]
    text: str
    version: int
    submitted_by: str = ""
    # Everyone who wrote the changes waiting for review (none of them may approve).
    authors: tuple[str, ...] = ()
    warnings: list[Problem] = field(default_factory=list)

    @property
    def shown_title(self) -> str:
        """The title as page headings show it: without the controls that
        reorder the text after them (the form field keeps it as written)."""
        return without_bidi_controls(self.fields.title)
