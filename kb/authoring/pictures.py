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

Nothing is written into the content folder by the upload: the picture is
staged (`picture_stage`, outside the content folder) and the editor shows it
to content owners of the department at once (`unpublished`). When the
article is saved, `publish_staged` writes the staged pictures its text names
into its folder, every check above made again under the content root's edit
lock, atomically and without following a link (`files.write_beside`), and
hands the article to the indexer, whose stamp of the article lists its
pictures. A picture the saved text does not name stays staged until it
expires (`picture_staging_hours`): a cancelled edit leaves no file behind.
Under the four-eyes rule it is written at the save too (a draft or an article
in review): readers see it only once a second content owner publishes an
article that names it. Pictures have no versions of their own: the article's
history records where they are shown. Until the index keeps a picture, the
editor's preview shows it to content owners of the department alone; whether
a file of the folder is a picture is checked once while it is unchanged
(`is_unpublished`), not at each render of the preview.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import posixpath
import re
from dataclasses import dataclass

from kb.accounts.records import User
from kb.attachments.records import Upload
from kb.authoring import files
from kb.authoring.errors import ContentReadOnlyError
from kb.authoring.picture_checks import not_in_review, picture_name, picture_type, taken
from kb.authoring.picture_names import IndexedNames, name_key, published_naming
from kb.authoring.picture_stage import PictureStage, StagedPicture
from kb.authoring.recording import hand_to_indexer
from kb.authoring.service import AuthoringService
from kb.content.article_images import (
    DEFAULT_IMAGE_MAX_BYTES,
    is_picture_file,
    local_images,
    read_image,
    sniff_image,
)
from kb.content.files import department_path
from kb.content.images import resolve_image
from kb.content.markdown_article import parse_article
from kb.content.stat_cache import FileCache
from kb.errors import ConflictError, ContentError, KbError, NotFoundError
from kb.records import Department

logger = logging.getLogger(__name__)

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
        stage: PictureStage,
        *,
        max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
        named: FileCache[frozenset[str]] | None = None,
        checked: FileCache[bool] | None = None,
        indexed: IndexedNames | None = None,
    ) -> None:
        self.authoring = authoring
        self.stage = stage
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
        """Check `upload` as a picture of `article_id`'s folder (see the module for
        every check) and stage it until the article is saved (`publish_staged`)."""
        found = self.authoring.department_of(article_id)
        self.authoring.require_owner(actor, found.slug)
        root = self.authoring.root
        files.article_file(root, article_id, must_exist=True)
        chosen = picture_name(name.strip(), upload.name)
        media_type = picture_type(chosen, upload.data, self.max_bytes)
        if not self.authoring.writable:
            raise ContentReadOnlyError(self.authoring.authoring_url)
        if found.review_required:
            # Read once before the lock: under it only articles changed since are rendered.
            self._naming(article_id, chosen)
        with files.edit_lock(root):
            there = self._may_write(article_id, chosen, found, replace=replace)
        staged = next(
            (n for n in self.stage.names(article_id) if name_key(n) == name_key(chosen)), None
        )
        if staged is not None and there is None and not replace:
            raise taken(f"{article_id.rsplit('/', 1)[0]}/{staged}")
        target = there or staged or chosen
        self.stage.put(article_id, target, upload.data, author=actor.username, replace=replace)
        digest = hashlib.sha256(upload.data).hexdigest()
        replaced = there is not None or staged is not None
        return UploadedPicture(article_id, target, media_type, len(upload.data), digest, replaced)

    def publish_staged(self, actor: User, article_id: str) -> tuple[list[str], list[KbError]]:
        """Write into `article_id`'s folder the pictures staged for it that its saved
        text names, each checked again as its upload was (the folder and the
        published articles may have changed since); the names written, and the
        refusals, whose pictures stay staged until they expire."""
        self.stage.sweep()
        staged = self.stage.names(article_id)
        if not staged:
            return [], []
        found = self.authoring.department_of(article_id)
        self.authoring.require_owner(actor, found.slug)
        named = self._named_by(article_id)
        wanted = [n for n in staged if name_key(n) in named]
        for name in wanted if found.review_required else ():
            self._naming(article_id, name)  # rendered before the lock, as for an upload
        written: list[str] = []
        refused: list[KbError] = []
        with files.edit_lock(self.authoring.root):
            for name in wanted:
                try:
                    written.append(self._write_staged(article_id, name, found))
                except KbError as exc:
                    refused.append(exc)
        for name in written:
            logger.info(
                "authoring: %s saved the picture %s beside %s", actor.username, name, article_id
            )
        if written:
            hand_to_indexer(self.authoring, article_id)
        return written, refused

    def _write_staged(self, article_id: str, name: str, found: Department) -> str:
        """Under the edit lock: the staged picture `name` written beside `article_id`."""
        picture = self.stage.get(article_id, name, self.max_bytes)
        if picture is None:
            raise taken(f"{article_id.rsplit('/', 1)[0]}/{name}")
        picture_type(name, picture.data, self.max_bytes)  # its bytes, checked again
        there = self._may_write(article_id, name, found, replace=picture.replace)
        target = there or name
        try:
            files.write_beside(
                self.authoring.root, article_id, target, picture.data, exclusive=there is None
            )
        except FileExistsError:
            raise taken(f"{article_id.rsplit('/', 1)[0]}/{target}") from None
        self.stage.drop(article_id, name)
        return target

    def _may_write(
        self, article_id: str, name: str, found: Department, *, replace: bool
    ) -> str | None:
        """Under the edit lock: the file of the folder that is `name` in any letter
        case (None when the name is free), refused unless it may be written."""
        folder = article_id.rsplit("/", 1)[0]
        there = files.file_beside(self.authoring.root, article_id, name)
        if there is not None and not replace:
            raise taken(f"{folder}/{there}")
        if there is not None and found.review_required:
            raise not_in_review(f"{folder}/{there}", found.name, found.slug)
        if there is None and found.review_required:
            self._refuse_unreviewed(article_id, name, found.name, found.slug)
        return there

    def _named_by(self, article_id: str) -> frozenset[str]:
        """The keys of the names of the pictures in its own folder that the text of
        `article_id` on disk shows, whatever its status (none when it does not read)."""
        try:
            text = files.read_text(self.authoring.root, article_id, self.authoring.max_bytes)
            raw = (text or "").encode("utf-8")
            article, _ = parse_article(
                raw,
                article_id,
                max_bytes=max(len(raw), 1),
                render_seconds=self.authoring.render_seconds,
            )
        except KbError:
            return frozenset()
        return frozenset(name_key(shown) for shown in local_images(article))

    def unpublished(self, actor: User, article_id: str, source: str) -> tuple[bytes, str]:
        """The picture `source` (as the Markdown of `article_id` writes it) read
        from the content folder now, with its media type: what the editor's
        preview shows a content owner of the department (403 for anyone else)
        before the index keeps it. It is read as the scanner reads it, from the
        department's folder without following a link, at most `max_bytes`, a
        picture by its bytes; NotFoundError for one the page would not show."""
        where = self._in_department(actor, article_id, source)
        data = media_type = None
        staged = self._staged(article_id, where[2]) if where is not None else None
        if staged is not None:
            data, media_type = staged.data, sniff_image(staged.data)
        elif where is not None:
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
        if self._staged(article_id, target) is not None:
            return True  # checked as it was staged
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

    def _staged(self, article_id: str, target: str) -> StagedPicture | None:
        """The picture staged for `article_id` that `target` (below the content
        root) names, None when none is."""
        if posixpath.dirname(target) != article_id.rsplit("/", 1)[0]:
            return None
        return self.stage.get(article_id, posixpath.basename(target), self.max_bytes)

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
