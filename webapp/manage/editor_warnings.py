"""What the editor and the authoring API say of an article's text that saves
but that `kb validate` warns of (an audience of everyone and a group, a field
name that is nearly a known one, no text): where (the field, the line), what,
and what to do, in the reader's language. A warning never refuses a save.

The warnings come from the reading `kb validate` does (`check_text`,
`read_text_of`); `kb.authoring.text_warnings` names their fields. The editor
page shows those of the file's text as it opens it, so after every save (the
page it comes back to) and after a change on disk; the preview those of the
fields and text as typed (`webapp.manage.previews`); `PUT /api/articles/<id>` and a restore those the
save answered; a rename and a discard of changes (`POST .../move`,
`.../discard-changes`) those of the file as it now stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kb.accounts.records import User
from kb.authoring.markdown_file import check_text, compose_text
from kb.authoring.records import ArticleFields, Editable
from kb.authoring.text_warnings import warning_field, warning_json
from kb.content.scanner import read_text_of
from kb.errors import KbError
from kb.records import Article, Problem, Status
from webapp import services
from webapp.audiences import typed_audience
from webapp.i18n import gettext, said_problem, said_words
from webapp.manage import forms

# The editor's label of each field it shows; a field it does not show (kept
# from the file) is named as the file writes it.
_LABELS = {
    "title": "field_title",
    "summary": "field_summary",
    "tags": "field_tags",
    "audience": "field_audience",
    "lang": "field_language",
    "review_by": "field_review_by",
    "owner": "field_owner",
    "related": "field_related",
    "body": "field_body",
}


@dataclass(frozen=True)
class SaidWarning:
    """One warning as the editor page shows it: where, what, what to do."""

    where: str
    message: str
    hint: str

    @property
    def text(self) -> str:
        return f"{self.where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


def said_warning(warning: Problem) -> SaidWarning:
    """`warning` in the page's language, with the field's label and the line."""
    field = warning_field(warning)
    parts = []
    if field:
        label = _LABELS.get(field)
        parts.append(gettext(label) if label else gettext("editor_warning_kept_field", name=field))
    if warning.line:
        parts.append(gettext("editor_warning_line", line=warning.line))
    where = ", ".join(parts) or gettext("editor_warning_file")
    message, hint = said_words(warning)
    return SaidWarning(where, message, hint)


def warnings_answer(warnings: tuple[Problem, ...] | list[Problem]) -> list[dict[str, Any]]:
    """The API's `warnings`: each as `kb validate --json` has it, with `field`
    and `said` (the line the editor shows, in the reader's language)."""
    return [{**warning_json(w), "said": said_warning(w).text} for w in warnings]


def _read(opened: Editable) -> tuple[Article | None, list[Problem]]:
    """The article's file as `kb validate` reads it, judged from the text the
    editor opened (no link followed), not read again by path: a link swapped in
    meanwhile would be followed."""
    settings = services.services().settings
    pictures = services.authoring().pictures(opened.article_id)
    return read_text_of(
        opened.text, opened.article_id, settings.max_file_bytes, settings.render_seconds, pictures
    )


def read_back(opened: Editable) -> tuple[str, list[SaidWarning]]:
    """Why the article's file cannot be indexed as it is ("" when it can) and,
    when it can, what `kb validate` warns of in it."""
    article, problems = _read(opened)
    if article is None:
        return (said_problem(problems[0]) if problems else ""), []
    # Controls that reorder text have the page's own paragraph, which counts
    # the text's lines as the editor's field shows them (not the file's).
    return "", [said_warning(w) for w in problems if w.kind != "bidi_control"]


def standing_warnings(opened: Editable) -> list[dict[str, Any]]:
    """The API's `warnings` of the article as it now stands, after a change that
    saves no typed text (a rename, a discard of changes): what `kb validate`
    warns of in its file, as the editor's page lists them; none for a file it
    would refuse (the editor's page says why)."""
    article, problems = _read(opened)
    return warnings_answer(problems) if article is not None else []


# What `POST /api/preview` takes beside body, id and title: the editor's fields.
PREVIEW_FIELDS = ("summary", "tags", "lang", "audience", "review_by", "related", "owner")


def typed_fields(data: Mapping[str, Any]) -> ArticleFields:
    """The fields and body the preview sends in `data`, as a save would read them
    (ValidationError for a field a save would refuse, as it does). The audience
    may name everyone in the page's words, as the form's field does."""
    typed = dict(data)
    if isinstance(typed.get("audience"), str):
        typed["audience"] = typed_audience(typed["audience"])
    typed["title"] = typed.get("title") or "x"  # none typed yet: its warning is a refusal
    return forms.article_fields(typed, Status.DRAFT, services.services().settings.max_file_bytes)


def preview_warnings(
    actor: User, fields: ArticleFields, article_id: str, rendered: str | None = None
) -> list[Problem]:
    """What a save of `fields` would be warned of: the article's text composed as
    a save composes it, with the front-matter fields the editor keeps from its
    file, its pictures read from its folder and those staged for it; none
    where a save would refuse it (the preview says why). Of an article in a
    department the caller does not own, only the pictures' addresses are
    judged: its folder is not theirs to probe. `rendered`: the body's HTML, as
    the preview rendered it (`webapp.manage.previews`), not rendered again."""
    service = services.authoring()
    try:
        kept = service.open(actor, article_id).extra
    except KbError:
        kept = {}  # a new article, or one the caller may not open: nothing kept
    try:
        text = compose_text(fields, kept, service.clock().date(), article_id)
        images = service.pictures(article_id) if _owns(actor, article_id) else None
        return check_text(
            text,
            article_id,
            service.max_bytes,
            service.render_seconds,
            images=images,
            rendered=rendered,
        )[1]
    except KbError:
        return []


def _owns(actor: User, article_id: str) -> bool:
    """Whether `actor` may edit the articles of `article_id`'s department."""
    service = services.authoring()
    try:
        service.require_owner(actor, service.department_of(article_id).slug)
    except KbError:
        return False
    return True
