"""The fields of a request form: their types, and checking what people fill in.

A `FieldSpec` is one field of a request type (`kb.catalogue.types`): a name
(how the API and templates refer to it), a type, whether it is required,
and its label and help text in English and German. `clean` turns what a form
or a JSON body sent into the value stored with the request, or raises
`FieldProblem` saying what is wrong in words the form can show beside the
field (`kb.catalogue.problems`).

Stored values are JSON-ready: text, person, choice and department as strings
(a choice's value, a department's id), dates as `YYYY-MM-DD`, yes/no as a bool.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kb.catalogue.problems import FieldProblem
from kb.validators import without_bidi_controls

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# What the catalogue's web form sends beside its fields (its token, idempotency
# key, search, free-text box and files): a field of one of these names would be
# read as that value, the first of a name winning, so the person's session token
# or earlier search would be stored with the request for its queue to read.
FORM_OWN_NAMES = frozenset(
    {
        "csrf_token",
        "idempotency_key",
        "search_id",
        "search_ref",
        "search_query",
        "description",
        "files",
    }
)
MAX_TEXT = 2000
_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"", "0", "false", "no", "off", "nein"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class FieldType(StrEnum):
    """What a field holds (the `type` of a field in YAML and in the API)."""

    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    PERSON = "person"
    DEPARTMENT = "department"
    BOOLEAN = "boolean"


def text_in(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, else the English one ('' when there is none)."""
    return texts.get(lang) or texts.get("en", "")


@dataclass(frozen=True)
class Choice:
    """One option of a choice field: the stored value and its label."""

    value: str
    label: Mapping[str, str]

    def label_in(self, lang: str) -> str:
        return text_in(self.label, lang) or self.value


@dataclass(frozen=True)
class FieldContext:
    """What checking a value needs to know: today's date where the organisation
    works, and the departments a department field may name."""

    today: date
    departments: Collection[str] = ()


@dataclass(frozen=True)
class FieldSpec:
    """One field of a request form.

    `max_length` bounds text and person fields; `not_before_today` makes a
    date field refuse past dates (a start date, a moving day).
    """

    name: str
    type: FieldType
    label: Mapping[str, str]
    required: bool = False
    help: Mapping[str, str] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    max_length: int = 200
    not_before_today: bool = False

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(
                f"field name must be lower-case letters, digits or _, starting with a letter "
                f"(at most 40), got {self.name!r}"
            )
        if self.name in FORM_OWN_NAMES:
            raise ValueError(f"field name {self.name!r} is one the form sends itself")
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError(f"choice field {self.name!r} needs choices")
        if not 1 <= self.max_length <= MAX_TEXT:
            raise ValueError(f"max_length must be 1..{MAX_TEXT}, got {self.max_length!r}")

    def label_in(self, lang: str) -> str:
        return text_in(self.label, lang) or self.name

    def help_in(self, lang: str) -> str:
        return text_in(self.help, lang)

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def clean(self, raw: Any, context: FieldContext) -> Any:
        """The value to store for what was sent (None: left empty); FieldProblem otherwise."""
        if self.type is FieldType.BOOLEAN:
            return self._yes_no(raw)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise FieldProblem(self.name, "required")
            return None
        if not isinstance(raw, str):
            raise FieldProblem(self.name, "not_text")
        text = " ".join(raw.split()) if self.type is not FieldType.TEXT else raw.strip()
        # As a request's question: no control that reorders the text after it,
        # which would show "Printer NOTE: …" in the fields, task titles and mails.
        text = without_bidi_controls(text)
        if _CONTROL.search(text.replace("\n", "").replace("\t", "")):
            raise FieldProblem(self.name, "not_text")
        return _CLEANERS[self.type](self, text, context)

    def _yes_no(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            value = raw
        elif raw is None or (isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE):
            value = raw is not None and raw.strip().lower() in _TRUE
        else:
            raise FieldProblem(self.name, "not_boolean")
        if self.required and not value:
            raise FieldProblem(self.name, "must_confirm")
        return value


def _text(spec: FieldSpec, text: str, context: FieldContext) -> str:
    if len(text) > spec.max_length:
        raise FieldProblem(spec.name, "too_long", length=len(text), limit=spec.max_length)
    return text


def _person(spec: FieldSpec, text: str, context: FieldContext) -> str:
    text = _text(spec, text, context)
    if not any(ch.isalpha() for ch in text):
        raise FieldProblem(spec.name, "not_a_name")
    return text


def _date(spec: FieldSpec, text: str, context: FieldContext) -> str:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise FieldProblem(spec.name, "not_a_date") from None
    if spec.not_before_today and day < context.today:
        raise FieldProblem(spec.name, "date_in_past", today=context.today.isoformat())
    return day.isoformat()


def _choice(spec: FieldSpec, text: str, context: FieldContext) -> str:
    if spec.choice(text) is None:
        raise FieldProblem(
            spec.name, "unknown_choice", value=text[:80], known=[c.value for c in spec.choices]
        )
    return text


def _department(spec: FieldSpec, text: str, context: FieldContext) -> str:
    if text not in context.departments:
        raise FieldProblem(
            spec.name, "unknown_department", value=text[:80], known=sorted(context.departments)
        )
    return text


_CLEANERS = {
    FieldType.TEXT: _text,
    FieldType.PERSON: _person,
    FieldType.DATE: _date,
    FieldType.CHOICE: _choice,
    FieldType.DEPARTMENT: _department,
}
