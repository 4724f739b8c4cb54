"""What the editor form and the article API send, read into `ArticleFields`.

Both go through `article_fields`, so the browser and the API accept and
refuse the same values, each with a `ValidationError` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import request

from kb.authoring.markdown_file import split_text
from kb.authoring.records import ArticleFields
from kb.content.readers import is_document
from kb.errors import KbError, ValidationError
from kb.records import EVERYONE, Status
from webapp.audiences import typed_audience
from webapp.inputs import invalid, too_long
from webapp.preconditions import version_of

MAX_TITLE_CHARS = 200
MAX_SUMMARY_CHARS = 500
MAX_TAGS = 20
MAX_TAG_CHARS = 60
MAX_MESSAGE_CHARS = 500
FORM_ROOM = 64 * 1024  # the fields of a form beside its article or document
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_GROUP = re.compile(r"^[a-z0-9][a-z0-9:_.-]{0,80}$")
FORM_ACTIONS = {
    "save": Status.DRAFT,
    "submit": Status.REVIEW,
    "publish": Status.PUBLISHED,
    "retire": Status.RETIRED,
}


def _text(value: Any, name: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(name, f"must be a string, got {type(value).__name__}", key="not_text")
    value = value.strip()
    if required and not value:
        raise invalid(name, "must not be empty", key="missing")
    if len(value) > limit:
        raise too_long(name, len(value), limit)
    if "\n" in value and name != "body":
        raise invalid(name, "must be one line", key="one_line")
    return value


def _items(value: Any, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,\n]", value) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise invalid(name, "must be a list of strings (or one comma-separated string)", key="not_list")


def _tags(value: Any) -> tuple[str, ...]:
    tags = list(dict.fromkeys(_items(value, "tags")))
    if len(tags) > MAX_TAGS:
        raise invalid(
            "tags",
            f"has {len(tags)} tags; the limit is {MAX_TAGS}",
            key="too_many_tags",
            values={"count": len(tags), "limit": MAX_TAGS},
            max=MAX_TAGS,
        )
    for tag in tags:
        if len(tag) > MAX_TAG_CHARS or any(c in tag for c in "[]{}#:\"'"):
            raise invalid(
                "tags",
                f"tag {tag[:80]!r} is too long or has [ ] {{ }} # : or quotes",
                key="bad_tag",
                values={"tag": tag[:80]},
            )
    return tuple(tags)


def _audience(value: Any) -> tuple[str, ...]:
    groups = [g.lower() for g in _items(value, "audience")] or [EVERYONE]
    for group in groups:
        if not _GROUP.match(group):
            raise invalid(
                "audience",
                f"{group[:80]!r} is not a group; use everyone, a department (hr), a role "
                "(agent) or role:department (content_owner:hr)",
                key="bad_audience",
                values={"group": group[:80]},
            )
    return tuple(dict.fromkeys(groups))


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid(
            "review_by",
            "must be a date YYYY-MM-DD or null",
            key="not_date",
            values={"value": type(value).__name__},
        )
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise invalid(
            "review_by",
            f"{value[:40]!r} is not a date YYYY-MM-DD",
            key="not_date",
            values={"value": value[:40]},
        ) from None


def _status(value: Any) -> Status:
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise invalid(
            "status",
            f"must be one of {allowed}, got {value!r}",
            key="not_one_of",
            values={"known": allowed},
        ) from None


def article_fields(data: Mapping[str, Any], status: Status, max_bytes: int) -> ArticleFields:
    """`ArticleFields` from a form or a JSON object (ValidationError naming the field)."""
    lang = _text(data.get("lang"), "lang", 12)
    if lang and not _LANG.match(lang):
        raise invalid(
            "lang",
            f"{lang!r} is not a language code such as en or de",
            key="bad_lang",
            values={"value": lang},
        )
    body = data.get("body")
    if not isinstance(body, str):
        raise markdown_needed()
    if len(body.encode("utf-8")) > max_bytes:
        raise invalid(
            "body",
            f"is over the {max_bytes:,}-byte limit of an article",
            key="too_many_bytes",
            values={"limit": f"{max_bytes:,}"},
            max=max_bytes,
        )
    related = tuple(dict.fromkeys(_items(data.get("related"), "related")))
    for item in related:
        if len(item) > 300 or not item.endswith(".md"):
            raise invalid(
                "related",
                f"{item[:80]!r} is not an article id such as hr/leave.md",
                key="bad_related",
                values={"value": item[:80]},
            )
    return ArticleFields(
        title=_text(data.get("title"), "title", MAX_TITLE_CHARS, required=True),
        summary=_text(data.get("summary"), "summary", MAX_SUMMARY_CHARS),
        tags=_tags(data.get("tags")),
        lang=lang,
        audience=_audience(data.get("audience")),
        review_by=_date(data.get("review_by")),
        related=related,
        owner=_text(data.get("owner"), "owner", MAX_TITLE_CHARS),
        body=body.replace("\r\n", "\n"),
        status=status,
    )


def markdown_needed() -> ValidationError:
    return invalid("body", "must be the article's Markdown text", key="markdown")


def json_status(data: Mapping[str, Any], default: Status) -> Status:
    value = data.get("status")
    return default if value is None else _status(value)


def form_action(default: str | None = "save") -> Status:
    """The status the editor's button asks for (Save draft, Submit, Publish, Retire);
    `default` when the form names none (the editor's Enter key saves a draft), and
    none where a form only changes the status: there a post without `action` would
    take a published article out of search as a draft."""
    action = request.form.get("action", default)
    if action is None or action not in FORM_ACTIONS:
        raise invalid(
            "action",
            f"must be one of {', '.join(FORM_ACTIONS)}, got {action!r}",
            key="not_one_of",
            values={"known": ", ".join(FORM_ACTIONS)},
        )
    return FORM_ACTIONS[action]


def message_of(data: Mapping[str, Any]) -> str:
    return _text(data.get("message"), "message", MAX_MESSAGE_CHARS)


def form_version(form: Mapping[str, Any]) -> int:
    """The version a browser form was opened at, which every form that writes an
    article must send: without it the stale check has nothing to compare, and the
    post would overwrite whatever changed since (the API asks for If-Match)."""
    base = version_of(form.get("version"))
    if base is None:
        raise invalid(
            "version",
            "the form did not say which version you edited, so nothing was saved; "
            "open the article again and make your change there",
            key="version_needed",
        )
    return base


def text_fields(text: str, article_id: str) -> ArticleFields:
    """The fields of a whole article's text (a refused save's, carried back from
    the conflict page), or all of it as the body where its front matter does
    not read: either way nothing of it is dropped."""
    try:
        return split_text(text, article_id)[0]
    except (KbError, ValueError):
        return ArticleFields(title="", body=text)


def editor_form() -> dict[str, Any]:
    """The editor form's fields as `article_fields` reads them, the audience's
    word for everyone ("alle", as the field shows it) read as `everyone`."""
    form: dict[str, Any] = request.form.to_dict()
    form["audience"] = typed_audience(str(form.get("audience", "")))
    return form


def posted_fields() -> ArticleFields:
    """What was typed, kept as it is for showing the form again."""
    form = request.form
    return ArticleFields(
        title=form.get("title", ""),
        summary=form.get("summary", ""),
        tags=tuple(t.strip() for t in form.get("tags", "").split(",") if t.strip()),
        lang=form.get("lang", ""),
        audience=tuple(a.strip() for a in form.get("audience", "").split(",") if a.strip()),
        related=tuple(r.strip() for r in form.get("related", "").split(",") if r.strip()),
        owner=form.get("owner", ""),
        body=form.get("body", ""),
    )


def body_limit(max_file_bytes: int, document_max_bytes: int, image_max_bytes: int = 0) -> int:
    """What a call of the manage pages or the article API may send: an article
    (`max_file_bytes`), or to the document upload and a document's PUT a document
    (`document_max_bytes`), or to the picture upload a picture (`image_max_bytes`),
    with room for the form's other fields."""
    article_id = str((request.view_args or {}).get("article_id", ""))
    if request.blueprint in ("manage_pictures", "manage_pictures_api"):
        return image_max_bytes + FORM_ROOM
    if request.blueprint == "manage_documents" or (
        request.endpoint == "manage_api.put_article" and is_document(article_id)
    ):
        return document_max_bytes + FORM_ROOM
    return max_file_bytes + FORM_ROOM


def new_article(args: Mapping[str, str]) -> ArticleFields:
    """A new article's fields: empty, but for the title a link may propose (a
    knowledge gap's "write an article" names its question), cut to the limit."""
    title = (args.get("title") or "").replace("\x00", "").strip()[:MAX_TITLE_CHARS]
    return ArticleFields(title=title, body="")
