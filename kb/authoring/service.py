"""`AuthoringService`: the one place browser and API edits are checked,
written to the content folder and recorded as versions.

Every change follows the same steps: the actor must own the department's
content (or be an admin); the new text is composed from the fields and read
back exactly as `kb validate` reads files (nothing invalid is written); then,
under the content root's edit lock, the file on disk is compared with the
newest stored version (a change made on disk becomes a version of its own,
author "", action `disk`), the edit's base version must be the current one
(otherwise `StaleEditError` carries both texts and nothing is written), a new
version is inserted (the database's key makes a racing save from another
machine lose) and the file is replaced atomically. `on_change` then hands
the article to the indexer.

The four-eyes rule (`review_required: true` in `_department.yml`): an
article is published only from status review, unchanged, by a content owner
other than the one who submitted it (`kb.authoring.four_eyes`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from kb.accounts.records import User
from kb.authoring import files, four_eyes, owners, status_changes, version_notes
from kb.authoring.errors import (
    ContentReadOnlyError,
    StaleEditError,
    opening,
    require_current,
    review_required,
)
from kb.authoring.files import article_file, edit_lock, new_article_id, read_text, write_article
from kb.authoring.markdown_file import check_text, compose_text, plain_heading, split_text
from kb.authoring.recording import hand_to_indexer, store_version
from kb.authoring.records import (
    STATUS_ACTION,
    Action,
    ArticleFields,
    ArticleVersion,
    Editable,
    text_hash,
)
from kb.authoring.store import VersionStore
from kb.authoring.text_pictures import text_pictures
from kb.content.images import ImageReader
from kb.errors import ConflictError, NotFoundError
from kb.records import Department, Problem, Status
from kb.validators import normal_name, utc_now

logger = logging.getLogger(__name__)


class AuthoringService:
    """Edits of one content root's Markdown articles, with their versions."""

    def __init__(
        self,
        content_root: Path,
        versions: VersionStore,
        departments: Callable[[], Mapping[str, Department]],
        *,
        max_bytes: int = 1_000_000,
        render_seconds: float = 2.0,
        clock: Callable[[], datetime] = utc_now,
        on_change: Callable[[str], None] | None = None,
        indexed: Callable[[str], bool] | None = None,
        writable: bool = True,
        authoring_url: str = "",
        pictures: Callable[[str], ImageReader | None] | None = None,
    ) -> None:
        # What reads a text's pictures for its warnings (`kb.authoring.text_pictures`).
        self.root, self.pictures = content_root, pictures or partial(text_pictures, content_root)
        self.writable, self.authoring_url = writable, authoring_url
        self.versions = versions
        self._departments = departments
        self.max_bytes, self.render_seconds = max_bytes, render_seconds
        self.clock, self.on_change = clock, on_change
        self.indexed = indexed  # whether the published index holds an article now

    # -- who may ------------------------------------------------------------------

    def departments(self) -> Mapping[str, Department]:
        return self._departments()

    def department_of(self, article_id: str) -> Department:
        slug = normal_name(article_id.split("/", 1)[0])
        found = self.departments().get(slug)
        if found is None:
            raise NotFoundError(
                f"there is no department {slug!r} in the content folder",
                details={"department": slug},
                key="no_department",
                values={"department": slug},
            )
        return found

    def editable_departments(self, actor: User) -> list[str]:
        return owners.owned_departments(actor, sorted(self.departments()))

    def require_owner(self, actor: User, department: str) -> None:
        owners.require_owner(actor, department)

    # -- reading ------------------------------------------------------------------

    def open(self, actor: User, article_id: str) -> Editable:
        """The article as the editor shows it (nothing is written)."""
        department = self.department_of(article_id)
        self.require_owner(actor, department.slug)
        article_file(self.root, article_id, must_exist=True)
        with opening():
            text = read_text(self.root, article_id, self.max_bytes) or ""
            fields, extra = split_text(text, article_id)
        latest = self.versions.latest(article_id)
        version = 1 if latest is None else latest.number
        if latest is not None and latest.content_hash != text_hash(text):
            version += 1  # changed on disk: recorded as that version on the next save
        review = fields.status is Status.REVIEW
        submitted_by, authors = (
            four_eyes.review_state(self.versions, article_id) if review else ("", [])
        )
        return Editable(
            article_id,
            department.slug,
            fields,
            extra,
            text,
            version,
            submitted_by=submitted_by,
            authors=tuple(authors),
        )

    def history(self, actor: User, article_id: str) -> list[ArticleVersion]:
        """Every version, oldest first (a change on disk since the last one included)."""
        self.open(actor, article_id)
        with self._lock(writing=False):
            article_file(self.root, article_id, must_exist=True)
            self._sync(article_id)
        return self.versions.versions(article_id)

    def version(self, actor: User, article_id: str, number: int) -> ArticleVersion:
        self.require_owner(actor, self.department_of(article_id).slug)
        return self.versions.version(article_id, number)

    def text_warnings(self, text: str, article_id: str) -> list[Problem]:
        """What `kb validate` warns of in `text` as `article_id`'s (ContentError
        where it refuses it), its pictures read by `pictures`."""
        images = self.pictures(article_id)
        return check_text(text, article_id, self.max_bytes, self.render_seconds, images=images)[1]

    # -- writing ------------------------------------------------------------------

    def save(
        self,
        actor: User,
        article_id: str,
        fields: ArticleFields,
        *,
        base_version: int | None,
        message: str = "",
        action: Action | None = None,
        extra: dict[str, Any] | None = None,
    ) -> ArticleVersion:
        """Write `fields` as the article's new text; the status is `fields.status`
        (`action` names the step for the history, default from the status). The
        front-matter fields the editor does not show are kept, or are `extra`
        where given (an uploaded file's own). The version answered carries what
        `kb validate` warns of in the text (`warnings`, a missing picture
        one staged for the article is not): saved all the same."""
        department = self.department_of(article_id)
        self.require_owner(actor, department.slug)
        with self._lock():
            article_file(self.root, article_id, must_exist=True)
            current = self._sync(article_id)
            was, kept = split_text(current.text, article_id)
            extra = kept if extra is None else extra
            if action is None:
                changed = fields.status is not was.status
                action = STATUS_ACTION[fields.status] if changed else Action.SAVE
            text = compose_text(fields, extra, self.clock().date(), article_id)
            require_current(article_id, base_version, current, text)
            warnings = self.text_warnings(text, article_id)
            status_changes.check_change(
                self.versions, actor, department, current, fields, self.indexed
            )
            if text != current.text:
                number = current.number + 1
                current = self._record(actor, article_id, number, text, action, message, current)
            return replace(current, warnings=tuple(warnings))

    def set_status(
        self,
        actor: User,
        article_id: str,
        status: Status,
        *,
        base_version: int | None,
        message: str = "",
    ) -> ArticleVersion:
        """Submit, publish (approve), retire or return to draft, text unchanged."""
        opened = self.open(actor, article_id)
        fields = replace(opened.fields, status=status)
        return self.save(
            actor,
            article_id,
            fields,
            base_version=base_version,
            message=message,
            action=STATUS_ACTION.get(status, Action.SAVE),
        )

    def append_section(
        self,
        actor: User,
        article_id: str,
        heading: str,
        text: str,
        message: str = "",
        *,
        once: bool = False,
    ) -> ArticleVersion | None:
        """Add `text` under `## heading` at the end of an article (a resolved
        request's answer added to the article that already covers its topic).
        Under the four-eyes rule a published article goes back to review.

        `once`: None, with nothing written, when a version saved with this
        `message` added this very section (a message alone, which an editor may
        type, is not enough). The save is against the version opened, so of two
        callers at once one finds the other's version or a `StaleEditError`."""
        opened = self.open(actor, article_id)
        section = f"## {plain_heading(heading)}\n\n{text.strip()}\n"
        if once and any(
            v.message == message and section in v.text for v in self.versions.versions(article_id)
        ):
            return None
        department = self.department_of(article_id)
        status = opened.fields.status
        if department.review_required and status is Status.PUBLISHED:
            status = Status.REVIEW
        body = f"{opened.fields.body.rstrip()}\n\n{section}"
        return self.save(
            actor,
            article_id,
            replace(opened.fields, body=body, status=status),
            base_version=opened.version,
            message=message or version_notes.note("version_note_added", heading=heading.strip()),
        )

    def restore(
        self,
        actor: User,
        article_id: str,
        number: int,
        *,
        base_version: int | None,
        message: str = "",
    ) -> ArticleVersion:
        """Make version `number`'s text current again, as a new version. Its status
        is kept as it is now, except that a restore never publishes by itself."""
        department = self.department_of(article_id)
        self.require_owner(actor, department.slug)
        old = self.versions.version(article_id, number)
        old_fields, _ = split_text(old.text, article_id)
        with self._lock(writing=False):
            article_file(self.root, article_id, must_exist=True)
            current = self._sync(article_id)
        status = split_text(current.text, article_id)[0].status
        if department.review_required and status is Status.PUBLISHED:
            status = Status.REVIEW
        fields = replace(old_fields, status=status)
        return self.save(
            actor,
            article_id,
            fields,
            base_version=base_version,
            message=message or version_notes.note("version_note_restored", number=number),
            action=Action.RESTORE,
        )

    def create(
        self,
        actor: User,
        department: str,
        slug: str,
        fields: ArticleFields,
        message: str = "",
        *,
        action: Action = Action.CREATE,
        extra: dict[str, Any] | None = None,
    ) -> ArticleVersion:
        """A new article file `<department>/<slug>.md` (never overwrites one), with
        the front-matter fields the editor does not show in `extra`."""
        found = self.department_of(f"{department}/x.md")
        self.require_owner(actor, found.slug)
        article_id = new_article_id(found.slug, slug)
        if fields.status is Status.PUBLISHED and found.review_required:
            raise review_required("create", found)
        text = compose_text(fields, extra or {}, self.clock().date(), article_id)
        warnings = self.text_warnings(text, article_id)
        with self._lock():
            article_file(self.root, article_id, must_exist=False)
            # A name only letter case away from a file there (`VPN-Guide.md`) is the
            # same article id: the new file would never be indexed.
            latest = self.versions.latest(article_id)  # a discarded or renamed one's is free
            existing = files.name_holder(self.root, article_id, latest)
            if existing is not None:
                raise ConflictError(
                    f"{existing} already exists; choose another name or edit that article",
                    details={"id": existing},
                    key="article_exists",
                    values={"id": existing},
                )
            number = latest.number + 1 if latest is not None else 1
            made = self._record(actor, article_id, number, text, action, message, exclusive=True)
        return replace(made, warnings=tuple(warnings))

    # -- inside the lock ------------------------------------------------------------

    def _lock(self, *, writing: bool = True) -> AbstractContextManager[None]:
        """The edit lock; a read-only node (`writable` off) reads without, never writes."""
        if self.writable:
            return edit_lock(self.root)
        if writing:
            raise ContentReadOnlyError(self.authoring_url)
        return nullcontext()

    def _sync(self, article_id: str) -> ArticleVersion:
        """The current version; a file changed on disk (or never versioned) is
        recorded first, so history holds every text that was ever current."""
        with opening():
            text = read_text(self.root, article_id, self.max_bytes)
            fields, _ = split_text(text or "", article_id)
        if text is None:
            raise NotFoundError(
                f"no article {article_id!r} in the content folder",
                key="no_article_file",
                values={"id": article_id},
            )
        latest = self.versions.latest(article_id)
        if latest is not None and latest.content_hash == text_hash(text):
            return latest
        version = ArticleVersion(
            article_id=article_id,
            number=1 if latest is None else latest.number + 1,
            text=text,
            author="",
            action=Action.DISK,
            status=fields.status,
            message=version_notes.found_on_disk(latest is None),
            ts=self.clock(),
        )
        if not self.writable:
            # A read-only node's copy may lag the authoring node's saves.
            return latest or version
        return self.versions.add_version(version)

    def _record(
        self,
        actor: User,
        article_id: str,
        number: int,
        text: str,
        action: Action,
        message: str,
        based_on: ArticleVersion | None = None,
        *,
        exclusive: bool = False,
    ) -> ArticleVersion:
        status = split_text(text, article_id)[0].status
        version = store_version(
            self, article_id, number, text,
            author=actor.username, action=action, status=status, message=message,
        )  # fmt: skip

        def unchanged() -> bool:
            was = based_on.content_hash if based_on else ""
            return not was or files.holds(self.root, article_id, was, self.max_bytes)

        try:
            write_article(self.root, article_id, text, exclusive=exclusive, unchanged=unchanged)
        except files.ChangedMeanwhile:  # edited on disk meanwhile: a version of its own
            self.versions.remove_version(article_id, number)
            raise StaleEditError(article_id, number - 1, self._sync(article_id), text) from None
        except BaseException:
            self.versions.remove_version(article_id, number)
            raise
        done = (actor.username, action.value, article_id, number, status.value)
        logger.info("authoring: %s %s %s (version %d, %s)", *done)
        hand_to_indexer(self, article_id)
        return version
