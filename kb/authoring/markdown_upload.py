"""A Markdown article uploaded as a file (`.md`) into a department's folder.

A content owner who wrote an article elsewhere (in an editor on their own
computer, or exported from a wiki) uploads the file instead of pasting it
into the browser editor. It enters by the editor's door, not the documents':
the file is read exactly as `kb validate` reads one on disk
(`kb.content.markdown_article.parse_article`: at most `max_file_bytes`, UTF-8
with a bad byte named by its line and byte, front matter that is valid YAML
with a known `status`, rendered within `render_seconds` and not nested past
what the sanitiser reads), and its fields are saved through
`AuthoringService.create` or `save` like the editor's, so the article gets
versions, a diff, the stale-edit and link checks, the four-eyes rule and the
index worker as an edit does; its page is rendered and sanitised as every
article's is.

What differs from the editor:

- the name is made like a new document's: the name given (a slug, with or
  without `.md`), else the uploaded file's own name as a slug;
- a file without a `title` in its front matter takes the title `kb validate`
  would show (its first heading, else its file name);
- under the four-eyes rule a file that says `status: published` is saved in
  review, waiting for a second content owner, as an uploaded document waits;
- the version's action is `upload` ("uploaded").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from kb.accounts.records import User
from kb.attachments.records import Upload
from kb.authoring import version_notes
from kb.authoring.document_checks import replaced_name, safe_name
from kb.authoring.files import id_parts, new_article_id
from kb.authoring.markdown_file import split_text
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from kb.content.markdown_article import parse_article
from kb.errors import ValidationError
from kb.records import Status
from kb.requests.drafting import slugify

MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_markdown(name: str) -> bool:
    """Whether a file name (or a replaced article's) names a Markdown article."""
    return PurePosixPath((name or "").strip()).suffix.lower() in MARKDOWN_SUFFIXES


@dataclass(frozen=True)
class UploadedArticle:
    """An article written by an upload, and its version."""

    article_id: str
    replaced: bool
    version: ArticleVersion

    @property
    def pending(self) -> bool:
        """Saved in review: published once another content owner approves it."""
        return self.version.status is Status.REVIEW


def _slug(given: str, uploaded: str) -> str:
    """The slug of a new article: `given` as it is (without `.md`), or the uploaded
    file's name made into one."""
    name = safe_name(given or uploaded)
    stem = name[: -len(PurePosixPath(name).suffix)] if is_markdown(name) else name
    return stem if given else slugify(stem)


def upload_markdown(
    service: AuthoringService,
    actor: User,
    department: str,
    upload: Upload,
    *,
    name: str = "",
    replace_existing: bool = False,
    message: str = "",
    base_version: int | None = None,
) -> UploadedArticle:
    """Write the Markdown file `upload` as a new article of `department`, or over
    the article `name` with `replace_existing` (see the module for every check)."""
    found = service.department_of(f"{department}/x.md")
    service.require_owner(actor, found.slug)
    if replace_existing:
        article_id = f"{found.slug}/{replaced_name(name)}"
        id_parts(article_id)
    else:
        slug = _slug(name, upload.name)
        article_id = new_article_id(found.slug, slug)
    if not upload.data.strip():
        raise ValidationError(
            f"{article_id} is empty",
            details={"field": "file"},
            key="document_empty",
            values={"name": article_id},
        )
    article, _ = parse_article(
        upload.data,
        article_id,
        max_bytes=service.max_bytes,
        render_seconds=service.render_seconds,
    )
    fields, extra = split_text(upload.data.decode("utf-8").removeprefix("\ufeff"), article_id)
    if not fields.title:
        fields = replace(fields, title=article.title)
    if found.review_required and fields.status is Status.PUBLISHED:
        fields = replace(fields, status=Status.REVIEW)
    said = message.strip() or version_notes.note(
        "version_note_replaced_article" if replace_existing else "version_note_uploaded_article"
    )
    if replace_existing:
        version = service.save(
            actor,
            article_id,
            fields,
            base_version=base_version,
            message=said,
            action=Action.UPLOAD,
            extra=extra,
        )
    else:
        version = service.create(
            actor, found.slug, slug, fields, said, action=Action.UPLOAD, extra=extra
        )
    return UploadedArticle(article_id, replace_existing, version)
