"""After a rename, the links to the old id changed where the renamer may edit.

A rename (`kb.authoring.moving`) leaves the old id naming the new one, so a
link to it keeps working for readers (the article page's redirect,
`webapp.articles.renamed`), but it reads as a detour in content health and
ends where a new article takes the old name. So right after the rename the
links are changed where the renamer has the right to change them:

- **Which articles**: the Markdown articles of the departments whose content
  the renamer owns (every department for an admin), drafts included, the
  renamed article itself too (a link to one of its own sections). An article
  of another department is never written, whatever it links to: a content
  owner changes their own department's articles only. Those are named in the
  result (`elsewhere`) when the renamer may read them (`may_read`: nobody
  learns of an article they may not open from renaming theirs); their
  owners see each such link in content health as pointing at a moved
  article, with its new address (`kb.insights.content`, `moved_link`).
- **What changes**: links and `related:` entries that name the old id
  (`kb.content.moved_links`); the same words in a sentence or in code stay.
- **How**: each article through `AuthoringService.save`, as the editor saves
  it: the renamer as author, a version of its own noted "links to <old> now
  name <new>", its history kept, the owner and version checks of any save.
  A published article of a department under the four-eyes rule is left as
  it is and named in `held`: saved, it would go to review as an edit in the
  editor does, and so out of search until another owner approves it, for a
  change its readers never notice (its link leads on through the redirect).
  Its owners change it when they next edit it; content health names the
  link meanwhile. A draft or an article already in review is changed and
  keeps its status. A file
  changed meanwhile or that no longer reads is left as it is and named in
  `failed` with the reason: the rename itself stands either way. So does an
  error no check foresaw (a fault of the disk, a bug): logged with its
  traceback, the article named in `failed` with its kind
  (`relink_unexpected`, code `internal_error`), the other articles changed
  all the same; one that stopped the search for links itself is named under
  the old id. The rename is never answered as failed for it.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import quote

from kb.accounts.records import User
from kb.authoring import files, version_notes
from kb.authoring.markdown_file import split_text
from kb.authoring.service import AuthoringService
from kb.content.files import content_entries
from kb.content.moved_links import retarget_links, retarget_related
from kb.errors import KbError
from kb.records import Status

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Relinked:
    """An article whose links now name the new id: the version saved, its status."""

    article_id: str
    version: int
    status: Status


@dataclass(frozen=True)
class NotRelinked:
    """An article the renamer owns whose links still name the old id, and why."""

    article_id: str
    error: KbError


@dataclass(frozen=True)
class Relinking:
    """What a rename did to the links that named the old id."""

    old_id: str
    new_id: str
    updated: tuple[Relinked, ...] = ()
    failed: tuple[NotRelinked, ...] = ()
    # Articles of departments the renamer does not own that still link to the
    # old id (those the renamer may read): their readers are led on to the new one.
    elsewhere: tuple[str, ...] = ()
    # Published articles of the renamer's departments under the four-eyes rule,
    # left as they are: a save would take them out of search until approved.
    held: tuple[str, ...] = ()


def relink(
    authoring: AuthoringService,
    actor: User,
    old_id: str,
    new_id: str,
    *,
    may_read: Callable[[str], bool],
) -> Relinking:
    """Change the links to `old_id` into links to `new_id` in the articles of the
    departments `actor` owns, and name the others `actor` `may_read` that still
    link to `old_id` (see the module)."""
    updated: list[Relinked] = []
    failed: list[NotRelinked] = []
    elsewhere: list[str] = []
    held: list[str] = []
    try:
        owned = set(authoring.editable_departments(actor))
        for article_id, text in _mentioning(authoring, old_id):
            try:
                if article_id.split("/", 1)[0] not in owned:
                    if _links_to(text, article_id, old_id) and may_read(article_id):
                        elsewhere.append(article_id)
                elif _reviewed_when_saved(authoring, article_id):
                    if _links_to(text, article_id, old_id):
                        held.append(article_id)
                elif done := _relink_one(authoring, actor, article_id, old_id, new_id):
                    updated.append(done)
            except KbError as exc:
                logger.warning("authoring: links of %s not changed: %s", article_id, exc.message)
                failed.append(NotRelinked(article_id, exc))
            except Exception as exc:  # this article's alone: the others go on
                failed.append(NotRelinked(article_id, _unexpected(article_id, old_id, exc)))
    except Exception as exc:  # the search for links itself: named under the old id
        failed.append(NotRelinked(old_id, _unexpected(old_id, old_id, exc)))
    if updated:
        logger.info(
            "authoring: %s changed the links to %s in %d articles",
            actor.username,
            old_id,
            len(updated),
        )
    return Relinking(old_id, new_id, tuple(updated), tuple(failed), tuple(elsewhere), tuple(held))


def _unexpected(article_id: str, old_id: str, exc: Exception) -> KbError:
    """An error no check foresaw, logged with its traceback and told to the renamer
    by its kind alone (its text may name the server's folders). Named `old_id`:
    the search for the articles that link to it stopped."""
    logger.error("authoring: links to %s not changed in %s", old_id, article_id, exc_info=exc)
    kind = type(exc).__name__
    if article_id == old_id:
        return KbError(
            f"the articles that link to {old_id} were not all looked at: an unexpected error "
            f"({kind}); the server's log has the details. Content health names the links left",
            details={"article": old_id},
            key="relink_search_unexpected",
            values={"id": old_id, "kind": kind},
        )
    return KbError(
        f"the links in {article_id} were not changed: an unexpected error ({kind}); the "
        "server's log has the details. Change them in the editor",
        details={"article": article_id},
        key="relink_unexpected",
        values={"id": article_id, "kind": kind},
    )


def _reviewed_when_saved(authoring: AuthoringService, article_id: str) -> bool:
    """Whether saving the article would take it out of search until another owner
    approves it: a published article of a department under the four-eyes rule."""
    if not authoring.department_of(article_id).review_required:
        return False
    try:
        fields, _ = split_text(
            files.read_text(authoring.root, article_id, authoring.max_bytes) or "", article_id
        )
    except KbError:
        return False  # left to the save, which names why it cannot be changed
    return fields.status is Status.PUBLISHED


def _mentioning(authoring: AuthoringService, old_id: str) -> Iterator[tuple[str, str]]:
    """The Markdown articles of the departments whose text holds the old file
    name at all (as typed or as an address writes it), with that text: only
    those can link to it. A file that does not read is left out: no link of it
    reaches readers either."""
    name = posixpath.basename(old_id)
    spellings = {name, quote(name)}
    for entry in content_entries(authoring.root):
        if "/" not in entry.id or not entry.id.endswith(".md"):
            continue
        try:
            text = files.read_text(authoring.root, entry.id, authoring.max_bytes)
        except KbError:
            continue
        if text is not None and any(spelling in text for spelling in spellings):
            yield entry.id, text


def _links_to(text: str, article_id: str, old_id: str) -> bool:
    """Whether the article's text links to `old_id` (a link or a `related:` entry)."""
    try:
        fields, _ = split_text(text, article_id)
    except KbError:
        return False
    _, count = retarget_links(fields.body, article_id, old_id, old_id)
    return bool(count) or old_id in fields.related


def _relink_one(
    authoring: AuthoringService, actor: User, article_id: str, old_id: str, new_id: str
) -> Relinked | None:
    """The article saved with its links naming `new_id`; None when none named `old_id`."""
    opened = authoring.open(actor, article_id)
    body, count = retarget_links(opened.fields.body, article_id, old_id, new_id)
    related = retarget_related(opened.fields.related, old_id, new_id)
    if not count and related == opened.fields.related:
        return None
    done = authoring.save(
        actor,
        article_id,
        replace(opened.fields, body=body, related=related),
        base_version=opened.version,
        message=version_notes.note("version_note_relinked", old=old_id, new=new_id),
    )
    return Relinked(article_id, done.number, done.status)
