"""Pictures on article pages: served from the snapshot, to the article's readers only.

The indexer keeps each picture an article may show (`kb.content.images`,
checked by its bytes in `kb.content.article_images`) with the snapshot under
its SHA-256; the page's `<img>` names it by the article and that digest
(`/articles/<id>/image/<sha256>`), and the answer comes from the snapshot,
never from the content folder. Whoever may not read the article gets 404, as
for a picture that does not exist. The editor's preview and a section in the
search page's answer card show the pictures the index already keeps for the
article (`kept_images`); the preview also shows the department's content
owners one not indexed yet (`webapp.manage.pictures.preview_images`), never
readers. A picture on another host is never
loaded: the page shows a link to it with its alt text, and a picture that is
not shown (missing, too large, not a picture) its alt text alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from flask import url_for
from markupsafe import Markup
from werkzeug.routing import BaseConverter

from kb.content.images import is_remote, resolve_image
from kb.content.sanitize import ImageBuilder
from kb.errors import KbError, NotFoundError
from kb.records import Article, ArticleImage
from webapp import services

# A day: the address changes with the picture's bytes, so a kept copy is never stale;
# only the reader's browser may keep it (`private`), as its audience may be restricted.
MAX_AGE_SECONDS = 86_400


class Sha256Converter(BaseConverter):
    """A SHA-256 in hex in a URL (so no article id is ever read as one)."""

    regex = "[0-9a-f]{64}"


def shown_images(article: Article) -> ImageBuilder:
    """The `src` of the article's pictures on its page: a picture the snapshot
    keeps for it by its URL here, one on another host as its address (made a
    link by `pictures_as_shown`), anything else dropped (its alt text shows)."""
    kept = {image.path: image for image in article.images}

    def src(url: str) -> str | None:
        if url.startswith("/") and not url.startswith("//"):
            image = kept.get(unquote(url[1:]))
            if image is None:
                return None
            return url_for("articles.image", article_id=article.id, digest=image.digest)
        return remote_only(url)

    return src


def indexed_images(article_id: str, groups: frozenset[str] | None) -> ImageBuilder:
    """The `src` of pictures in a preview of the article `article_id` (Markdown
    not yet indexed, as written): those the index already keeps for the article,
    when a reader of `groups` (None: anyone) may read it, by their URL here; one
    on another host as its address; others dropped. A preview may name any
    article id: kept pictures of an article the reader may not read would tell
    that it exists, and the names and digests of its pictures."""
    try:
        article = services.engine().article(article_id)
    except KbError:  # no index yet: nothing kept
        article = None
    if article is None or not article.visible_to(groups):
        return kept_images(article_id, ())
    return kept_images(article_id, article.images)


def kept_images(article_id: str, images: Sequence[ArticleImage]) -> ImageBuilder:
    """The `src` of pictures in Markdown of the article `article_id` as written
    (a preview, a section in an answer card): those of `images`, which the index
    keeps for it, by their URL here (served to its readers only); one on another
    host as its address; any other dropped (its alt text shows)."""
    kept = {image.path: image for image in images}

    def src(url: str) -> str | None:
        image = kept.get(resolve_image(url, article_id) or "")
        if image is None:
            return remote_only(url)
        return url_for("articles.image", article_id=article_id, digest=image.digest)

    return src


def remote_only(url: str) -> str | None:
    """The `src` of a picture in a preview: only its address on another host."""
    return url if is_remote(url) and not url.startswith("//") else None


# Pictures in HTML as the sanitiser writes it: every attribute value quoted with
# `"`, which never occurs inside one (a `>` may).
_IMG = re.compile(r'<img((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


def _as_shown(match: re.Match[str]) -> str:
    attrs = {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(1))}
    src, alt = attrs.get("src", ""), attrs.get("alt", "").strip()
    if src.startswith("/") and not src.startswith("//"):
        return match.group(0)
    if src:
        return str(
            Markup('<a class="remote-image" href="{}" rel="noopener noreferrer">{}</a>').format(
                src, alt or src
            )
        )
    return str(Markup('<span class="image-alt">{}</span>').format(alt)) if alt else ""


def pictures_as_shown(sanitised: str) -> str:
    """Sanitised article HTML with each picture as the page shows it: one of
    this site as it is, one on another host as a link to it (its alt text, or
    its address, as the link's text), one without an address as its alt text."""
    return _IMG.sub(_as_shown, sanitised)


@dataclass(frozen=True)
class ImageFile:
    """A picture of an article, as its URL answers it."""

    path: Path
    image: ArticleImage


def image_file(article: Article, digest: str) -> ImageFile:
    """The picture `digest` of the visible article `article`; NotFoundError when
    the article shows no such picture or the snapshot does not keep it."""
    image = next((i for i in article.images if i.digest == digest), None)
    path = services.engine().kept_file(digest) if image is not None else None
    if image is None or path is None:
        raise NotFoundError(
            f"article {article.id!r} shows no picture {digest!r}",
            details={"id": article.id, "image": digest},
            key="no_image",
            values={"id": article.id},
        )
    return ImageFile(path, image)
