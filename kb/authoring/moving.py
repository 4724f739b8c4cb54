"""An article renamed in the browser: a new file name (and URL) in its folder.

A content owner who finds an article's name wrong (`hr/leave.md` that should
be `hr/annual-leave.md`) renames it without touching a file. The article stays
in its folder, so the pictures beside it and its relative links keep working;
moving it into another folder is done on disk, where the pictures can go with it.

What a rename does, all under the edit lock or nothing:

- **Checked**: the owner of the department (or an admin) as for a save; the
  version the page showed (`base_version`) is the current one, and the file
  still holds it (a change on disk since is recorded and the rename refused as
  stale); the new name is a lower-case slug as a new article's is, free in any
  letter case, and not the name of an article that lives on (a discarded
  draft's or a renamed article's old name is free again, as for `create`).
- **History kept**: every version of the article is copied to the new id
  (numbered after any history that id had), then a version of its own, action
  `move`, noted "moved from <old id>" (or the owner's message); the old id keeps
  its history too, ending with a `move` version noted "moved to <new id>",
  which `moved_to` reads for the article page's redirect.
- **Written**: the new file is put in place only while its name is free
  (`no_replace`), then the old one removed; the pictures staged for the next
  save go with the article; both ids go to the index worker, so search drops
  the old one and finds the new one in the same incremental pass.

The text and status do not change, so a rename needs no review under the
four-eyes rule: what readers see is what was approved.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from kb.accounts.records import User
from kb.authoring import files, version_notes
from kb.authoring.errors import (
    ContentReadOnlyError,
    GoneSinceError,
    StaleEditError,
    require_current,
    writing,
)
from kb.authoring.picture_stage import PictureStage
from kb.authoring.recording import hand_to_indexer, store_version
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from kb.authoring.store import VersionStore
from kb.errors import ConflictError, NotFoundError, ValidationError

logger = logging.getLogger(__name__)

# Past any picture the stage takes (`picture_max_bytes` is far below).
MAX_STAGED_BYTES = 1 << 30
# Renames followed from one old id: beyond that a loop is more likely than a path.
MAX_RENAMES = 5


def renamed_id(article_id: str, name: str) -> str:
    """The id `article_id` gets as `name` (a slug, `.md` optional) in its own folder."""
    slug = name.strip().removesuffix(".md")
    if "/" in slug or "\\" in slug:
        raise ValidationError(
            f"the new name {name!r} names a folder: a rename keeps the article in its "
            "folder, so that its pictures and relative links keep working; give a name "
            "alone, or move the file to another folder on disk",
            details={"field": "name", "value": name},
            key="move_folder",
            values={"value": name},
        )
    folder = article_id.rsplit("/", 1)[0]
    department, _, below = folder.partition("/")
    new_id = files.new_article_id(department, slug)
    return f"{folder}/{slug}.md" if below else new_id


def moved_to(versions: VersionStore, article_id: str) -> str | None:
    """Where `article_id` was renamed to, when its newest version is that rename."""
    latest = versions.latest(article_id)
    if latest is None or latest.action is not Action.MOVE:
        return None
    return _moved_to_note(article_id, latest.message)


def renamed_since(versions: VersionStore, article_id: str) -> str | None:
    """The id `article_id` has now after the renames made since (`final_id`: up to
    `MAX_RENAMES` in a row); None when its newest version is no rename."""
    steps: dict[str, str] = {}
    target: str | None = article_id
    while target is not None and target not in steps and len(steps) < MAX_RENAMES:
        step = moved_to(versions, target)
        if step is not None:
            steps[target] = step
        target = step
    return final_id(steps, article_id)


def gone_since(versions: VersionStore, article_id: str, base: int | None) -> GoneSinceError:
    """The refusal of an edit based on version `base` (None: `*`) of an article
    whose file is gone: where a rename took it, or that it was removed."""
    return GoneSinceError(article_id, base, renamed_since(versions, article_id))


@contextmanager
def refused_if_renamed(versions: VersionStore, article_id: str, base: int | None) -> Iterator[None]:
    """Around a write that names `article_id` and the version `base` it was asked
    on (a rename, a discard, a restore, a status change): the `NotFoundError` of a
    file that a rename took away since becomes the 412 naming the id the article
    has now (`GoneSinceError`, renames in a row followed), where a 404 would leave
    the caller to guess. Nothing was written: each such write finds the file gone
    before it writes, under the edit lock where it writes. A rename that is under
    way when the write reads the history (its `move` version recorded, its file
    not yet gone) makes the write stale: that, too, names where the article went
    rather than asking to merge with a version that is the rename itself."""
    try:
        yield
    except (NotFoundError, StaleEditError):
        moved = renamed_since(versions, article_id)
        if moved is None:
            raise
        raise GoneSinceError(article_id, base, moved, change=True) from None


def _moved_to_note(article_id: str, message: str) -> str | None:
    """The new id a "moved to <id>" note of `article_id` names; None for any other
    message, and for one naming an id in another folder: a rename keeps the
    article in its folder, so such a note is the message its owner typed for the
    renamed article's own `move` version ("moved to hr/annual-leave.md"), which
    made that name lead to another department's article."""
    worded = version_notes.NOTES.wording(message)
    if worded is None or worded[0] != "version_note_moved_to":
        return None
    target = str(worded[1]["id"])
    return target if target.rpartition("/")[0] == article_id.rpartition("/")[0] else None


def article_moves(versions: VersionStore) -> dict[str, str]:
    """Every renamed article's old id → the id it has now (`final_id`: renames
    in a row followed; one whose renames loop is left out)."""
    notes = versions.latest_move_notes()
    found = {aid: _moved_to_note(aid, note) for aid, note in notes.items()}
    steps = {aid: new_id for aid, new_id in found.items() if new_id}
    now = {aid: final_id(steps, aid) for aid in steps}
    return {aid: new_id for aid, new_id in now.items() if new_id}


def final_id(moves: Mapping[str, str], article_id: str) -> str | None:
    """The id `article_id` has after the renames of `moves` (old id → the id of
    one rename), followed up to `MAX_RENAMES` in a row; None when it was not
    renamed, or the renames loop."""
    seen = {article_id}
    target = article_id
    for _ in range(MAX_RENAMES):
        target = moves.get(target, "")
        if not target or target in seen:
            return None
        if target not in moves:
            return target
        seen.add(target)
    return None


def move_article(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    name: str,
    *,
    base_version: int | None,
    message: str = "",
    stage: PictureStage | None = None,
) -> ArticleVersion:
    """Rename `article_id` to `name` in its folder (see the module); the new id's
    `move` version is returned. One renamed since is a `GoneSinceError` naming
    the id it has now, whatever `name` is (checked there, when asked again)."""
    with refused_if_renamed(authoring.versions, article_id, base_version):
        return _move(authoring, actor, article_id, name, base_version, message, stage)


def _move(
    authoring: AuthoringService,
    actor: User,
    article_id: str,
    name: str,
    base_version: int | None,
    message: str,
    stage: PictureStage | None,
) -> ArticleVersion:
    """`move_article` of an article whose file is there when it starts."""
    files.id_parts(article_id)  # an id no article can have: a 400, as before the history
    versions = authoring.history(actor, article_id)  # the owner's; a change on disk recorded
    new_id = renamed_id(article_id, name)
    current = versions[-1]
    require_current(article_id, base_version, current, current.text)
    if new_id == article_id:
        raise ValidationError(
            f"{article_id} has that name already; type the new name",
            details={"field": "name", "value": name},
            key="move_same",
            values={"id": article_id},
        )
    if not authoring.writable:
        raise ContentReadOnlyError(authoring.authoring_url)
    with files.edit_lock(authoring.root):
        _check_free(authoring, new_id)
        if not files.holds(authoring.root, article_id, current.content_hash, authoring.max_bytes):
            now = None
        else:
            now = _record_and_move(authoring, actor, versions, new_id, message)
    if now is None:  # edited on disk meanwhile: that is a version of its own now
        latest = authoring.history(actor, article_id)[-1]
        raise StaleEditError(article_id, current.number, latest, current.text)
    _move_staged(stage, article_id, new_id)
    logger.info("authoring: %s moved %s to %s", actor.username, article_id, new_id)
    hand_to_indexer(authoring, article_id)
    hand_to_indexer(authoring, new_id)
    return now


def _check_free(authoring: AuthoringService, new_id: str) -> None:
    """A `ConflictError` when `new_id` is taken: a file of that name in any letter
    case, or an article of that id whose history does not end with its file gone."""
    files.article_file(authoring.root, new_id, must_exist=False)
    existing = files.name_holder(authoring.root, new_id, authoring.versions.latest(new_id))
    if existing is not None:
        raise ConflictError(
            f"{existing} already exists; choose another name",
            details={"id": existing},
            key="move_taken",
            values={"id": existing},
        )


def _record_and_move(
    authoring: AuthoringService,
    actor: User,
    versions: list[ArticleVersion],
    new_id: str,
    message: str,
) -> ArticleVersion:
    """The history copied to `new_id` and both `move` versions stored, then the new
    file written and the old one removed; any failure takes back what was stored."""
    current = versions[-1]
    old_id = current.article_id
    before = authoring.versions.latest(new_id)
    offset = before.number if before is not None else 0
    stored: list[tuple[str, int]] = []
    try:
        for version in versions:
            copy = replace(version, article_id=new_id, number=version.number + offset)
            stored.append((new_id, authoring.versions.add_version(copy).number))
        arrived = store_version(
            authoring, new_id, current.number + offset + 1, current.text,
            author=actor.username, action=Action.MOVE, status=current.status,
            message=message.strip() or version_notes.note("version_note_moved_from", id=old_id),
        )  # fmt: skip
        stored.append((new_id, arrived.number))
        left = store_version(
            authoring, old_id, current.number + 1, current.text,
            author=actor.username, action=Action.MOVE, status=current.status,
            message=version_notes.note("version_note_moved_to", id=new_id),
        )  # fmt: skip
        stored.append((old_id, left.number))
        try:
            files.write_article(authoring.root, new_id, current.text, exclusive=True)
        except FileExistsError:  # put there on disk meanwhile: it keeps the name
            _check_free(authoring, new_id)
            raise
        try:
            with files.article_folder(authoring.root, old_id) as (folder, name), writing(old_id):
                os.unlink(name, dir_fd=folder)
        except BaseException:
            with files.article_folder(authoring.root, new_id) as (folder, name):
                os.unlink(name, dir_fd=folder)
            raise
    except BaseException:
        for article_id, number in reversed(stored):
            authoring.versions.remove_version(article_id, number)
        raise
    return arrived


def _move_staged(stage: PictureStage | None, old_id: str, new_id: str) -> None:
    """The pictures staged for the old id's next save, staged for the new id's."""
    if stage is None:
        return
    for name in stage.names(old_id):
        picture = stage.get(old_id, name, max_bytes=MAX_STAGED_BYTES)
        if picture is not None:
            stage.put(new_id, name, picture.data, author=picture.author, replace=True)
        stage.drop(old_id, name)
