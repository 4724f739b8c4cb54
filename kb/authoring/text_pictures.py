"""The pictures an article's text shows, read for the warnings of the editor
and the authoring API as `kb validate` reads them.

`kb validate` reads each picture a Markdown article names from the article's
folder (`kb.content.article_images.FolderImages`) and warns of one that is not
shown there: no such file, a link, too large, not a picture by its bytes. The
editor's warnings of a text (after a save, in the preview, in the API's
answers) read them the same way, with one difference: a picture uploaded in
the editor waits in the stage (`kb.authoring.picture_stage`) until the
article's save writes it into the folder, and the editor's preview already
shows it, so a picture of the article's own folder that the folder lacks is
read from what is staged for the article before it is called missing.
The preview asks at each pause in the typing: with `kept`, a file of the
folder is read once while its `lstat` is unchanged (found without following a
link: any write changes its change time).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kb.authoring.files import article_file
from kb.authoring.picture_stage import PictureStage
from kb.content.article_images import DEFAULT_IMAGE_MAX_BYTES, FolderImages, image_folder
from kb.content.images import ImageReference
from kb.content.stat_cache import FileCache
from kb.errors import ContentError, KbError
from kb.records import ArticleImage
from kb.settings import Settings

# What reading a picture's file gave: the picture, or why it is not shown.
Outcome = ArticleImage | ContentError


class TextPictures(FolderImages):
    """`FolderImages` of `article_id`'s folder (on disk, `folder`), where a
    picture of that folder which is not there may be one staged for it; what
    a file gave is kept in `kept` while the file is unchanged."""

    def __init__(
        self,
        folder: str,
        article_id: str,
        stage: PictureStage | None,
        max_bytes: int,
        kept: FileCache[Outcome] | None = None,
    ) -> None:
        super().__init__(folder, max_bytes)
        self.article_id = article_id
        self.stage = stage
        self.kept = kept

    def _read(self, ref: ImageReference) -> ArticleImage:
        if self.kept is None:
            return super()._read(ref)
        try:
            with image_folder(self.folder, ref.relative, ref.target) as (fd, name):
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except (OSError, ContentError):
            return super()._read(ref)  # no file (staged, or missing): nothing to keep
        key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        where = os.path.join(self.folder, ref.relative)
        outcome = self.kept.kept(where, (*key, self.max_bytes), lambda: self._outcome(ref))
        if isinstance(outcome, ContentError):
            raise outcome.with_traceback(None)
        return outcome

    def _outcome(self, ref: ImageReference) -> Outcome:
        try:
            return super()._read(ref)
        except ContentError as exc:
            return exc

    def _bytes(self, ref: ImageReference) -> bytes:
        try:
            return super()._bytes(ref)
        except ContentError as exc:
            staged = self._staged(ref) if exc.kind == "missing" else None
            if staged is None:
                raise
            return staged

    def _staged(self, ref: ImageReference) -> bytes | None:
        """The bytes staged for the article under the name `ref` gives, when it
        names a picture of the article's own folder (where uploads go)."""
        if self.stage is None:
            return None
        if posixpath.dirname(ref.target) != self.article_id.rsplit("/", 1)[0]:
            return None
        picture = self.stage.get(self.article_id, posixpath.basename(ref.target), self.max_bytes)
        return picture.data if picture is not None else None


def text_pictures(
    root: Path,
    article_id: str,
    stage: PictureStage | None = None,
    max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
    kept: FileCache[Outcome] | None = None,
) -> TextPictures | None:
    """What reads the pictures of a text of `article_id` (saved or not yet);
    None for an id that names no file of a department's folder, whose
    pictures are judged by their address alone."""
    try:
        path = article_file(root, article_id, must_exist=False)
    except KbError:
        return None
    return TextPictures(str(path.parent), article_id, stage, max_bytes, kept)


def app_pictures(settings: Settings) -> Callable[[str], TextPictures | None]:
    """`text_pictures` of the app's content folder, picture stage and limit, with
    one `kept` for the process (the app's authoring service holds it)."""
    stage = PictureStage(settings.picture_staging_path)
    kept: FileCache[Outcome] = FileCache()
    return partial(
        text_pictures,
        settings.content_path,
        stage=stage,
        max_bytes=settings.image_max_bytes,
        kept=kept,
    )
