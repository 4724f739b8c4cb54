"""Pictures uploaded in the browser into the folder of the article they belong to.

A content owner editing an article adds a picture next to it, as they would
copy one into its folder on disk. Everything the scanner checks when it reads
a picture (`kb.content.article_images`) is checked before anything is written,
so an upload is never a picture the page would not show:

- who: content owners of the article's department and admins (`owners`);
  the article must exist (the editor of a saved article uploads);
- name: a lower-case slug with the extension of a PNG, JPEG, GIF or WebP
  picture (`floor-plan.png`), made from the uploaded file's own name when none
  is given ("Floor Plan.PNG" → `floor-plan.png`); no folder, `..`, hidden
  name, control character or Windows device name (`document_checks`);
- bytes: not empty, at most `image_max_bytes`, and a PNG, JPEG, GIF or WebP by
  their first bytes (`sniff_image`), never by the name: SVG or HTML named
  `.png` is refused saying what it is;
- no overwrite: a file of that name (in any letter case or Unicode form) is
  replaced only when the upload says so (`replace`), and never in a
  department under the four-eyes rule, where a replaced picture would reach
  readers of a published article without review;
- under the four-eyes rule, a new name reaches readers only through an
  article that names it, which is reviewed: a name that a published article
  names already (showing its alt text while the file is missing) is refused
  (`picture_names`), as the picture would appear on that page unreviewed;
  what an article the index read from the same bytes names is taken from the
  index, the others are rendered.

It is written under the content root's edit lock, atomically and without
following a link (`files.write_beside`), and the article is handed to the
indexer, whose stamp of the article lists its pictures. Pictures have no
versions of their own: the article's history records where they are shown.
Until the index keeps a picture, the editor's preview shows it to content
owners of the department alone (`PictureUploads.unpublished`); whether the
file is a picture is checked once while it is unchanged (`is_unpublished`),
not at each render of the preview.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from dataclasses import dataclass

from kb.accounts.records import User
from kb.attachments.records import Upload
from kb.authoring import files
from kb.authoring.document_checks import slug_file_name
from kb.authoring.documents import hand_to_indexer
from kb.authoring.errors import ContentReadOnlyError
from kb.authoring.picture_names import IndexedNames, published_naming
from kb.authoring.service import AuthoringService
from kb.content.article_images import (
    DEFAULT_IMAGE_MAX_BYTES,
    is_markup,
    is_picture_file,
    not_a_picture,
    read_image,
    sniff_image,
)
from kb.content.files import department_path
from kb.content.images import IMAGE_SUFFIXES, resolve_image
from kb.content.stat_cache import FileCache
from kb.errors import ConflictError, ContentError, NotFoundError, ValidationError
from kb.extract.base import human_size

logger = logging.getLogger(__name__)

ACCEPTED = "PNG, JPEG, GIF, WebP"
# Characters that would end or break the alt text of `![alt](name)`.
_ALT_SPECIAL = re.compile(r"([\\\[\]])")


@dataclass(frozen=True)
class UploadedPicture:
    """A picture written into an article's folder."""

    article_id: str
    name: str
    media_type: str
    size: int
    sha256: str
    replaced: bool

    def markdown(self, alt: str) -> str:
        """The Markdown that shows it in its article, with `alt` as its alt text
        (the name's words when empty)."""
        text = " ".join(alt.split()) or self.name.rsplit(".", 1)[0].replace("-", " ").capitalize()
        escaped = _ALT_SPECIAL.sub(r"\\\1", text)
        return f"![{escaped}]({self.name})"


def picture_kind(name: str) -> None:
    """ValidationError unless `name` has the extension of a picture that is shown."""
    if not name.lower().endswith(IMAGE_SUFFIXES):
        raise ValidationError(
            f"{name} is not a picture an article shows; upload a {ACCEPTED} file "
            "(SVG can carry script and is never shown: save it as PNG)",
            details={"field": "name", "value": name},
            key="picture_kind",
            values={"name": name, "accepted": ACCEPTED},
        )


def picture_name(given: str, uploaded: str) -> str:
    """The file name of an uploaded picture (see the module)."""
    return slug_file_name(given, uploaded, picture_kind)


def picture_type(name: str, data: bytes, max_bytes: int) -> str:
    """The media type of the picture `data`, checked as the scanner checks it."""
    if not data:
        raise ValidationError(
            f"{name} is empty",
            details={"field": "file"},
            key="picture_empty",
            values={"name": name},
        )
    if len(data) > max_bytes:
        limit = human_size(max_bytes)
        raise ValidationError(
            f"{name} is over the {limit} limit for pictures (setting image_max_bytes); crop "
            "it, scale it down or save it as JPEG, and upload it again",
            details={"field": "file", "max": max_bytes},
            key="picture_too_large",
            values={"name": name, "limit": limit},
        )
    media_type = sniff_image(data)
    if media_type is None:
        # One text per reason, whole in each language (`error_picture_markup`,
        # `error_picture_content`): no English reason inside a German message.
        markup = is_markup(data)
        raise ValidationError(
            f"{name} is not shown: {not_a_picture(data)}; save the picture as PNG or JPEG "
            "and upload that",
            details={"field": "file", "reason": "markup" if markup else "not_a_picture"},
            key="picture_markup" if markup else "picture_content",
            values={"name": name},
        )
    return media_type


class PictureUploads:
    """Uploads of pictures next to articles, through `authoring` (its edit lock,
    its owners and its indexer), each at most `max_bytes` (`image_max_bytes`).
    `named` keeps what published articles name (`picture_names`) and `checked`
    which files of the folders are pictures (`is_unpublished`), each while the
    file is unchanged: one of each per process keeps them across requests.
    `indexed` answers what the index read of the articles (their pictures, by
    the hash of their bytes), so that a process's first upload renders only
    those changed since the index run; without it every one is rendered."""

    def __init__(
        self,
        authoring: AuthoringService,
        *,
        max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
        named: FileCache[frozenset[str]] | None = None,
        checked: FileCache[bool] | None = None,
        indexed: IndexedNames | None = None,
    ) -> None:
        self.authoring = authoring
        self.max_bytes = max_bytes
        self.indexed = indexed
        self.named: FileCache[frozenset[str]] = named if named is not None else FileCache()
        self.checked: FileCache[bool] = checked if checked is not None else FileCache()

    def upload(
        self,
        actor: User,
        article_id: str,
        upload: Upload,
        *,
        name: str = "",
        replace: bool = False,
    ) -> UploadedPicture:
        """Write `upload` into `article_id`'s folder (see the module for every check)."""
        found = self.authoring.department_of(article_id)
        self.authoring.require_owner(actor, found.slug)
        root = self.authoring.root
        files.article_file(root, article_id, must_exist=True)
        chosen = picture_name(name.strip(), upload.name)
        media_type = picture_type(chosen, upload.data, self.max_bytes)
        if not self.authoring.writable:
            raise ContentReadOnlyError(self.authoring.authoring_url)
        folder = article_id.rsplit("/", 1)[0]
        if found.review_required:
            # Read once before the lock: under it only articles changed since are rendered.
            self._naming(article_id, chosen)
        with files.edit_lock(root):
            there = files.file_beside(root, article_id, chosen)
            if there is not None and not replace:
                raise _exists(f"{folder}/{there}")
            if there is not None and found.review_required:
                raise _not_in_review(f"{folder}/{there}", found.name, found.slug)
            if there is None and found.review_required:
                self._refuse_unreviewed(article_id, chosen, found.name, found.slug)
            target = there or chosen
            try:
                files.write_beside(root, article_id, target, upload.data, exclusive=there is None)
            except FileExistsError:
                raise _exists(f"{folder}/{target}") from None
        logger.info("authoring: %s uploaded the picture %s/%s", actor.username, folder, target)
        hand_to_indexer(self.authoring, article_id)
        digest = hashlib.sha256(upload.data).hexdigest()
        return UploadedPicture(
            article_id, target, media_type, len(upload.data), digest, there is not None
        )

    def unpublished(self, actor: User, article_id: str, source: str) -> tuple[bytes, str]:
        """The picture `source` (as the Markdown of `article_id` writes it) read
        from the content folder now, with its media type: what the editor's
        preview shows a content owner of the department (403 for anyone else)
        before the index keeps it. It is read as the scanner reads it, from the
        department's folder without following a link, at most `max_bytes`, a
        picture by its bytes; NotFoundError for one the page would not show."""
        where = self._in_department(actor, article_id, source)
        data = media_type = None
        if where is not None:
            folder, relative, target = where
            with contextlib.suppress(ContentError):
                data = read_image(folder, relative, self.max_bytes, target)
                media_type = sniff_image(data)
        if data is None or media_type is None:
            raise NotFoundError(
                f"{article_id} shows no picture {source!r} from its folder",
                details={"id": article_id, "image": source},
                key="no_image",
                values={"id": article_id},
            )
        return data, media_type

    def is_unpublished(self, actor: User, article_id: str, source: str) -> bool:
        """Whether `unpublished` answers the picture `source` now, for the
        editor's preview, which asks again at each render: the file is read
        and checked once while it is unchanged (`checked`, by its `lstat`)."""
        where = self._in_department(actor, article_id, source)
        if where is None:
            return False
        folder, relative, target = where
        return is_picture_file(folder, relative, self.max_bytes, target, self.checked)

    def _in_department(
        self, actor: User, article_id: str, source: str
    ) -> tuple[str, str, str] | None:
        """The department's folder on disk, the path below it and the path below
        the content root of the picture `source` names in `article_id`, for a
        content owner of its department (403 for anyone else); None when the
        page would never show it from the department's folder."""
        found = self.authoring.department_of(article_id)
        self.authoring.require_owner(actor, found.slug)
        target = resolve_image(source, article_id)
        if target is None or target.split("/", 1)[0] != found.slug or "/" not in target:
            return None
        folder = department_path(self.authoring.root, found.slug)
        return str(folder), target.split("/", 1)[1], target

    def _naming(self, article_id: str, name: str) -> list[str]:
        """The published articles that name the picture `name` beside `article_id`."""
        return published_naming(
            self.authoring.root,
            article_id,
            name,
            max_bytes=self.authoring.max_bytes,
            render_seconds=self.authoring.render_seconds,
            named=self.named,
            indexed=self.indexed,
        )

    def _refuse_unreviewed(self, article_id: str, name: str, title: str, slug: str) -> None:
        """Refuse a new picture that published articles of a department under the
        four-eyes rule name already (`picture_names`): it would reach their
        pages at the next index run unreviewed."""
        naming = self._naming(article_id, name)
        if not naming:
            return
        path = f"{article_id.rsplit('/', 1)[0]}/{name}"
        raise ConflictError(
            f"{path} is named by the published article {', '.join(naming)}, and {title} "
            "publishes only what another content owner approved: the picture would appear "
            "there unreviewed; upload it under another name and change the article to show "
            "it, which is then reviewed",
            details={
                "id": path,
                "name": name,
                "department": slug,
                "reason": "named_by_published",
                "articles": naming,
            },
            key="picture_named",
            values={"id": path, "department": slug, "articles": naming},
        )


def _exists(path: str) -> ConflictError:
    return ConflictError(
        f"{path} already exists; confirm that the upload replaces it, or choose another name",
        details={"id": path, "name": os.path.basename(path)},
        key="picture_exists",
        values={"id": path},
    )


def _not_in_review(path: str, name: str, department: str) -> ConflictError:
    return ConflictError(
        f"{path} already exists, and {name} publishes only what another content owner "
        "approved: a picture replaced in place would change a published article unseen; "
        "upload it under a new name and change the article to show it",
        details={"id": path, "name": os.path.basename(path), "department": department},
        key="picture_review",
        values={"id": path, "department": department},
    )
