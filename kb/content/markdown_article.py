"""Reading one article file: bytes → checked text → front matter → `Article`.

Every way a file can be unusable raises `ContentError` with the path, the line
where one is known, and a hint on what to do; nothing here touches other files.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

import frontmatter
import yaml

from kb.content.article_text import decode_text
from kb.content.article_titles import article_title
from kb.content.content_yaml import load_content_yaml, yaml_problem
from kb.content.field_names import near_miss_warnings, near_misses
from kb.content.images import ImageReader, address_warnings, image_references
from kb.content.markdown_text import (
    RenderError,
    RenderTimeout,
    RenderTooDeep,
    RenderTooLarge,
    html_sections,
    render_html,
)
from kb.content.problem_texts import content_error, problem
from kb.content.reordering_controls import markdown_control_problems
from kb.content.sanitize import sanitize_article_html
from kb.content.template_tags import strip_template_tags
from kb.errors import ContentError
from kb.language import detect_language
from kb.records import EVERYONE, Article, Problem, Section, Severity, Status

# The front-matter fields an article may have, in the order files write them.
KNOWN_FIELDS = (
    "title",
    "summary",
    "owner",
    "tags",
    "status",
    "audience",
    "lang",
    "updated",
    "review_by",
    "related",
)
# The tags an article publishes: its page links to each, and search weighs them
# (a passage's tags field, the tag filter, the answer's evidence). Tags past
# these would be searched, yet never shown on the page: they are left out.
MAX_TAGS = 50
# The defaults of the settings max_file_bytes and render_seconds (for callers without).
DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_RENDER_SECONDS = 2.0
_BLANKS_THEN_DASHES = re.compile(r"\A((?:[ \t]*\r?\n)+)-{3,}[ \t]*\r?(?:\n|\Z)")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


def decode_article(raw: bytes, path: str, max_bytes: int) -> str:
    """Check size, binary content and encoding; return the text."""
    if len(raw) > max_bytes:
        raise content_error(
            "too_large", path, kind="too_large", size=f"{len(raw):,}", limit=f"{max_bytes:,}"
        )
    if not raw.strip():
        raise content_error("empty", path, kind="empty")
    return decode_text(raw, path)


def _front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Split front matter and body; returns metadata, body and the body's first line.

    Front matter below blank lines (pasted with them) is read when it is a
    mapping of fields: read as text, its `status: draft` or `audience` would
    publish the article to everyone, its fields shown as a heading."""
    blank = _blank_lines_before_front_matter(text)
    if blank:
        try:
            meta, body, body_line = _front_matter(text.split("\n", blank)[-1], path)
        except ContentError:
            return {}, text, 1
        return (meta, body, body_line + blank) if meta else ({}, text, 1)
    if not text.startswith("---"):
        return {}, text, 1
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        return {}, text, 1
    try:
        fm, body = handler.split(text)
        meta = load_content_yaml(fm) if fm.strip() else {}
    except ValueError:
        raise content_error("yaml_unclosed", path, line=1, kind="yaml") from None
    except yaml.YAMLError as exc:
        at, problem = yaml_problem(exc)
        line = at + 1 if at is not None else 1  # `fm` starts with the newline after ---
        raise content_error("yaml_invalid", path, line=line, kind="yaml", problem=problem) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise content_error("yaml_not_mapping", path, line=2, kind="yaml")
    body_line = text[: len(text) - len(body)].count("\n") + 1 if body else 1
    return dict(meta), body, body_line


def _blank_lines_before_front_matter(text: str) -> int:
    """How many blank lines stand before a `---` line opening the text (0 if none)."""
    match = _BLANKS_THEN_DASHES.match(text)
    return match.group(1).count("\n") if match else 0


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """The front-matter fields and the body of an article's text (ContentError
    for broken front matter), as the reader splits them."""
    meta, body, _ = _front_matter(text.removeprefix("\ufeff"), path)
    return meta, body


def _str_list(value: Any, field: str, path: str, warnings: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    warnings.append(problem("field_not_list", path, kind="field", field=field, value=repr(value)))
    return ()


def _tags(value: Any, path: str, warnings: list[Problem]) -> tuple[str, ...]:
    """The article's tags as written, or its first `MAX_TAGS` distinct ones
    (with a warning) when it lists more."""
    tags = _str_list(value, "tags", path, warnings)
    distinct = tuple(dict.fromkeys(tags))
    if len(distinct) <= MAX_TAGS:
        return tags
    warnings.append(
        problem("tags_too_many", path, kind="field", count=f"{len(distinct):,}", limit=MAX_TAGS)
    )
    return distinct[:MAX_TAGS]


def restricted_audience(department: str) -> tuple[str, ...]:
    """Who may read an article whose audience is broken: its department's content
    owners (who can fix it) and admins, nobody else."""
    return (f"content_owner:{department}",)


def _audience(
    meta: dict[str, Any], path: str, department: str, problems: list[Problem]
) -> tuple[str, ...]:
    """The article's readers. No `audience` field means everyone; any mistake in
    one (empty, not a list of names, a misspelled field name) means restricted and
    is an error: a typo must never publish an article to everyone."""
    misspelled = [name for name, meant in near_misses(meta, KNOWN_FIELDS) if meant == "audience"]
    value = meta.get("audience")
    if "audience" not in meta and not misspelled:
        return (EVERYONE,)
    key = ""  # what is wrong: a text of `kb.content.problem_texts`, with its values
    values: dict[str, Any] = {}
    if misspelled:
        key, values = "audience_misspelled", {"name": misspelled[0]}
    elif isinstance(value, str):
        names = [v.strip() for v in value.split(",")]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = [v.strip() for v in value]
    else:
        got = "nothing" if value is None else type(value).__name__
        key, values = "audience_not_list", {"got": got}
    if not key:
        audience = tuple(dict.fromkeys(n.lower() for n in names if n))
        if len(audience) > 1 and EVERYONE in audience:
            # Publishes to everyone as written; the other groups suggest a
            # narrower audience was meant, so say so (a warning: it publishes).
            groups = ", ".join(name for name in audience if name != EVERYONE)
            problems.append(problem("audience_everyone_and", path, kind="audience", groups=groups))
        if audience:
            return audience
        key = "audience_empty"
    problems.append(problem(key, path, kind="audience", severity=Severity.ERROR, **values))
    return restricted_audience(department)


def _date(value: Any, field: str, path: str, warnings: list[Problem]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        warnings.append(
            problem("field_not_date", path, kind="field", field=field, value=repr(value))
        )
        return None


def _status(value: Any, path: str) -> Status:
    if value is None:
        return Status.PUBLISHED
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise content_error(
            "status", path, kind="field", value=repr(value), allowed=allowed
        ) from None


def parse_article(
    raw: bytes,
    article_id: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    default_lang: str = "en",
    render_seconds: float | None = DEFAULT_RENDER_SECONDS,
    images: ImageReader | None = None,
    rendered: str | None = None,
) -> tuple[Article, list[Problem]]:
    """Parse one article; returns it with non-fatal warnings, or raises ContentError.

    The body is rendered once, within `render_seconds`, and kept twice: as
    sanitised HTML (`body_html`, stored in the snapshot and shown on the page)
    and as that HTML's text sections, for the index: a browser reads raw HTML
    otherwise than it looks (`<textarea/>` hides the rest), so only what the
    page shows is searched. Its pictures are
    read by `images` (from the article's folder); without, none is shown.
    `rendered`: the HTML `render_html` made of this body (template tags
    removed) already, for a caller that shows it too (the editor's preview),
    which is not rendered again."""
    text = decode_article(raw, article_id, max_bytes)
    meta, body, body_line = _front_matter(text, article_id)
    warnings: list[Problem] = []
    if meta and (blank := _blank_lines_before_front_matter(text)):
        warnings.append(
            problem(
                "front_matter_late",
                article_id,
                kind="front_matter",
                line=blank + 1,
                start=blank + 1,
            )
        )
    if meta.get("redirect_to") and not body.strip():
        raise content_error(
            "redirect", article_id, kind="redirect", target=repr(meta["redirect_to"])
        )
    try:
        html = (
            render_html(strip_template_tags(body), render_seconds) if rendered is None else rendered
        )
    except RenderError as exc:
        raise render_problem(exc, article_id, body_line) from None
    warnings.extend(markdown_control_problems(text, meta, article_id, body_line))
    references = image_references(html, body, body_line, article_id)
    shown, image_problems = images(article_id, references) if images else ((), [])
    warnings.extend(image_problems if images else address_warnings(article_id, references))
    article = build_article(
        article_id,
        meta,
        html_sections(body_html := sanitize_article_html(html, article_id)),
        warnings,
        body=body,
        content_hash=hashlib.sha256(raw).hexdigest(),
        default_lang=default_lang,
        body_html=body_html,
        images=shown,
    )
    return article, warnings


def render_problem(exc: RenderError, article_id: str, body_line: int | None = None) -> ContentError:
    """What `kb validate`, the indexer and the editor say about a body that
    cannot be rendered (`kb.content.markdown_text.RenderError`); `body_line`:
    the file's line where the body starts, to say the line of a list or quote
    nested too deeply where it is known."""
    if isinstance(exc, RenderTimeout):
        return content_error("render_time", article_id, kind="render_time", detail=exc)
    if isinstance(exc, RenderTooLarge):
        return content_error("render_size", article_id, kind="render_size", detail=exc)
    line = exc.line if isinstance(exc, RenderTooDeep) else None
    at = body_line + line - 1 if body_line is not None and line is not None else None
    return content_error("render_depth", article_id, kind="render_depth", line=at, detail=exc)


def read_status(raw: bytes, article_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Status:
    """An article's `status:` from its front matter alone (nothing rendered)."""
    meta, _, _ = _front_matter(decode_article(raw, article_id, max_bytes), article_id)
    return _status(meta.get("status"), article_id)


def _declared_lang(meta: dict[str, Any], article_id: str, warnings: list[Problem]) -> str:
    """The `lang` field when it is a language code; '' (detect) otherwise."""
    lang = str(meta.get("lang") or "").strip()
    if lang and not _LANG.match(lang):
        warnings.append(problem("lang_not_code", article_id, kind="field", value=repr(lang)))
        return ""
    return lang


def build_article(
    article_id: str,
    meta: dict[str, Any],
    sections: tuple[Section, ...],
    warnings: list[Problem],
    *,
    body: str,
    content_hash: str,
    default_lang: str = "en",
    **document: Any,
) -> Article:
    """An `Article` from front-matter fields and body sections, for Markdown
    articles and documents alike (so both follow the same field rules);
    `document` passes the fields only documents have. Appends warnings."""
    parts = PurePosixPath(article_id).parts
    from_document = document.get("source_format", "markdown") != "markdown"
    title = article_title(meta, sections, article_id, warnings, is_document=from_document)
    if not any(s.text for s in sections):
        warnings.append(problem("no_text", article_id, kind="no_text"))
    lang = _declared_lang(meta, article_id, warnings)
    plain = "\n".join(s.text for s in sections)
    # Near misses of `audience` are errors of their own (`_audience`).
    warnings.extend(near_miss_warnings(meta, KNOWN_FIELDS, article_id, except_for="audience"))
    audience = _audience(meta, article_id, parts[0], warnings)
    return Article(
        id=article_id,
        department=parts[0],
        title=title,
        body_markdown=body,
        sections=sections,
        summary=str(meta.get("summary") or "").strip(),
        owner=str(meta.get("owner") or "").strip(),
        tags=_tags(meta.get("tags"), article_id, warnings),
        status=_status(meta.get("status"), article_id),
        audience=audience,
        lang=lang or detect_language(f"{title}\n{plain}", default_lang),
        updated=_date(meta.get("updated"), "updated", article_id, warnings),
        review_by=_date(meta.get("review_by"), "review_by", article_id, warnings),
        related=_str_list(meta.get("related"), "related", article_id, warnings),
        extra={k: v for k, v in meta.items() if k not in KNOWN_FIELDS},
        content_hash=content_hash,
        **document,
    )
