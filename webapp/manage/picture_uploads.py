"""The app's picture uploads (`kb.authoring.pictures.PictureUploads`), for the
editor's picture form (`webapp.manage.pictures`) and for the saves of the
editor and the API, which write the pictures staged for the article they
save (`save_staged`)."""

from __future__ import annotations

from functools import partial

from flask import current_app

from indexer.named_pictures import indexed_pictures
from kb.accounts.records import User
from kb.authoring.picture_stage import PictureStage
from kb.authoring.pictures import PictureUploads
from kb.content.stat_cache import FileCache
from kb.errors import KbError
from webapp import services
from webapp.errors import message_for
from webapp.i18n import current_language

_CACHES = "kb_picture_caches"


def uploads() -> PictureUploads:
    """The app's picture uploads, at most `image_max_bytes` each, with the
    app's caches of what published articles name and which files are pictures,
    and what the published index read of each article (`named_pictures`)."""
    settings = services.services().settings
    named, checked = _caches()
    stage = PictureStage(
        settings.picture_staging_path, keep_seconds=settings.picture_staging_hours * 3600
    )
    return PictureUploads(
        services.authoring(),
        stage,
        max_bytes=settings.image_max_bytes,
        named=named,
        checked=checked,
        indexed=partial(indexed_pictures, settings.index_path),
    )


def _caches() -> tuple[FileCache[frozenset[str]], FileCache[bool]]:
    """The app's (one per process) `PictureUploads.named` and `.checked`."""
    held = current_app.extensions.get(_CACHES)
    if held is None:
        held = current_app.extensions.setdefault(_CACHES, (FileCache(), FileCache()))
    return held


def save_staged(actor: User, article_id: str) -> tuple[list[str], list[KbError]]:
    """After `article_id` was saved: the staged pictures its text names written
    into its folder (`PictureUploads.publish_staged`), and the refusals; a
    failure there never undoes the save, it is a refusal of its own."""
    try:
        return uploads().publish_staged(actor, article_id)
    except KbError as exc:
        return [], [exc]


def refusal_json(exc: KbError) -> dict[str, object]:
    """A staged picture that a save did not write, in the one error shape."""
    said = message_for(exc, current_language())
    return {"code": exc.code, "message": said, "details": exc.details_in(current_language())}
