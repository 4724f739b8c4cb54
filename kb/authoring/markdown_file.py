"""An article's text and its fields: composed for writing, split for the editor.

What the browser sends becomes a Markdown file with front matter in the
order content owners know from the files on disk (title, summary, owner,
tags, status, audience, lang, updated, review_by, related); fields the
editor does not show (`source_request`, a department's own keys) are kept
as they were. `check_text` reads the result exactly as `kb validate` and the
indexer will (`kb.content.markdown_article.parse_article`), so nothing that
would be refused there is ever written.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from kb.authoring.records import ArticleFields
from kb.content.images import ImageReader
from kb.content.markdown_article import (
    DEFAULT_RENDER_SECONDS,
    KNOWN_FIELDS,
    parse_article,
    split_front_matter,
)
from kb.errors import ContentError
from kb.records import EVERYONE, Article, Problem, Status

FIELD_ORDER = KNOWN_FIELDS
# A heading made from someone's words (a request's question) is text, at most
# this long: Markdown in it would be the article's, and a run of thousands of
# `[` renders for minutes (kb.content.markdown_text).
HEADING_MAX_CHARS = 200
_MARKDOWN_MARKS = re.compile(r"([\\`*_{}\[\]()#!|<>&])")
_AS_TEXT = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def plain_heading(text: str) -> str:
    """`text` as a heading's words that Markdown shows as written: one line of
    at most `HEADING_MAX_CHARS` characters (cut at a space, with "…"), each
    character that could start a link, emphasis, code, an attribute list or
    HTML escaped."""
    line = " ".join(text.split())
    if len(line) > HEADING_MAX_CHARS:
        line = line[: HEADING_MAX_CHARS - 1]
        line = (line.rsplit(" ", 1)[0] if " " in line[HEADING_MAX_CHARS // 2 :] else line) + "…"
    return _MARKDOWN_MARKS.sub(lambda m: _AS_TEXT.get(m.group(1), "\\" + m.group(1)), line)


def _list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return ()


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


class _FrontMatterDumper(yaml.SafeDumper):
    """Front matter as people write it: one field a line (`default_flow_style`
    None put a front matter without lists on one line in braces), lists inline
    (`tags: [vpn, remote]`)."""


_FrontMatterDumper.add_representer(
    list,
    lambda dumper, value: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", value, flow_style=True
    ),
)


def split_text(text: str, article_id: str) -> tuple[ArticleFields, dict[str, Any]]:
    """The editor's fields of an article's text, and the front-matter fields it
    does not edit (kept on save)."""
    meta, body = split_front_matter(text, article_id)
    try:
        status = Status(str(meta.get("status") or "published").strip().lower())
    except ValueError:
        status = Status.DRAFT
    fields = ArticleFields(
        title=str(meta.get("title") or "").strip(),
        body=body.lstrip("\n"),
        summary=str(meta.get("summary") or "").strip(),
        tags=_list(meta.get("tags")),
        lang=str(meta.get("lang") or "").strip(),
        audience=_list(meta.get("audience")) or (EVERYONE,),
        review_by=_date(meta.get("review_by")),
        related=_list(meta.get("related")),
        owner=str(meta.get("owner") or "").strip(),
        status=status,
    )
    extra = {k: v for k, v in meta.items() if k not in KNOWN_FIELDS}
    return fields, extra


def compose_text(
    fields: ArticleFields, extra: dict[str, Any], updated: date, article_id: str
) -> str:
    """The file text for `fields` (front matter, then the body), `updated` set;
    `ContentError` for a body with front matter of its own (`check_body`)."""
    check_body(fields.body, article_id)
    meta: dict[str, Any] = {
        "title": fields.title,
        "summary": fields.summary,
        "owner": fields.owner,
        "tags": list(fields.tags),
        "status": fields.status.value,
        "audience": list(fields.audience) if fields.audience != (EVERYONE,) else EVERYONE,
        "lang": fields.lang,
        "updated": updated,
        "review_by": fields.review_by,
        "related": list(fields.related),
    }
    # Empty fields are left out, as a person writing the file would.
    ordered = {k: meta[k] for k in FIELD_ORDER if meta[k] not in ("", None, [])}
    ordered.update({k: v for k, v in extra.items() if k not in FIELD_ORDER})
    front = yaml.dump(
        ordered,
        Dumper=_FrontMatterDumper,
        sort_keys=False,
        allow_unicode=True,
        width=1000,
        default_flow_style=False,
    )
    return f"---\n{front}---\n{saved_body(fields.body)}\n"


def saved_body(body: str) -> str:
    """The text below the front matter as a save writes it (Unix line ends, no
    blank lines before or after): what the saved article's page renders."""
    return body.replace("\r\n", "\n").strip("\n")


def check_body(body: str, article_id: str) -> None:
    """Refuse a body that starts with front matter of its own (a whole file pasted
    into the text box): saved, its fields would be ignored (a `status: draft`
    published) and shown to readers as a heading made of them."""
    try:
        meta, _ = split_front_matter(body.replace("\r\n", "\n").lstrip("\n"), article_id)
    except ContentError:
        return  # no front matter: a rule and text that YAML cannot read
    pasted = [name for name in meta if name in KNOWN_FIELDS]
    if pasted:
        raise ContentError(
            f"the text starts with front matter ({', '.join(pasted)}) between '---' lines",
            path=article_id,
            line=1,
            kind="front_matter",
            hint="enter those values in the fields above the text and remove the "
            "'---' lines and what is between them from the text",
        )


def check_text(
    text: str,
    article_id: str,
    max_bytes: int,
    render_seconds: float = DEFAULT_RENDER_SECONDS,
    *,
    images: ImageReader | None = None,
    rendered: str | None = None,
) -> tuple[Article, list[Problem]]:
    """The article `kb validate` would read from `text` (rendered within
    `render_seconds`, the setting the indexer reads with) and the warnings it
    would print for it; ContentError when it would refuse it. Its pictures are
    read by `images` (`kb.authoring.text_pictures`); without, only their
    addresses are judged. `rendered`: its body's HTML, rendered already
    (`parse_article`)."""
    raw = text.encode("utf-8")
    article, warnings = parse_article(
        raw,
        article_id,
        max_bytes=max_bytes,
        render_seconds=render_seconds,
        images=images,
        rendered=rendered,
    )
    if not str(split_front_matter(text, article_id)[0].get("title") or "").strip():
        raise ContentError(
            "the article needs a title", path=article_id, kind="title", hint="fill in the title"
        )
    return article, warnings
