"""The words of a request form's mistakes in a department file or the
value-stream file: each kind's key and its English message.

A request type's, a value stream's or a canned reply's form (fields, choices,
trigger phrases, texts) is read by `kb.catalogue.parsing`. `kb validate`, the
log and the JSON API say a mistake in English as written here; the key and
its values travel with the error, so that the admins' list of setup problems
says it in its reader's language from `error_<key>` in
kb/i18n/locales/<lang>/errors.po. The part of the form a mistake is in
(`{what}`: "request type 'laptop', field 'model'") is a text of its own,
`error_<what_key>`, which `kb.i18n.problems` says in the reader's language
too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from kb.errors import ConfigError, ContentError, KbError

# The part of a form a mistake is in, by its key (`FormPart.key`).
PART_TEXTS: dict[str, str] = {
    "form_part_request_type": "request type {owner}",
    "form_part_request_type_field": "request type {owner}, field {form_field}",
    "form_part_request_type_choice": "request type {owner}, field {form_field}, choice {choice}",
    "form_part_value_stream": "value stream {owner}",
    "form_part_value_stream_field": "value stream {owner}, field {form_field}",
    "form_part_value_stream_choice": "value stream {owner}, field {form_field}, choice {choice}",
    "form_part_canned_reply": "canned reply {owner}",
}
_ID = "lower-case letters, digits, - or _"
# key -> the English message, `{name}` filled in from the error's values.
FORM_TEXTS: dict[str, str] = {
    "form_text_missing": "{what} needs '{name}' with an 'en' text (and optionally 'de')",
    "form_unknown_key": "{what}: unknown key {name}; known: {known}",
    "form_no_choices": "{what}: a choice field needs a non-empty list of 'choices'",
    "form_choice_no_value": "{what}: each choice needs a 'value'",
    "form_choices_twice": "{what}: two choices have the same value",
    "form_field_not_mapping": "{what}: each field must be a mapping, got {got}",
    "form_field_name": (
        "{what}: field name must be lower-case letters, digits or _, starting with a letter, "
        "got {got}"
    ),
    "form_field_reserved": (
        "{what}: field name {got} is one the form sends itself ({taken}); choose another"
    ),
    "form_field_type": "{what}: type must be one of {known}, got {got}",
    "form_field_flag": "{what}: '{name}' must be true or false",
    "form_field_max_length": "{what}: max_length must be a whole number >= 1",
    "form_field_too_long": "{what}: max_length must be 1..{limit}, got {got}",
    "form_field_invalid": "{what}: {problem}",
    "form_fields_not_list": "{what}: 'fields' must be a list of fields",
    "form_too_many_fields": "{what} has {count} fields; a form has at most {limit}",
    "form_too_many_choices": (
        "{what} has {count} choices; a field has at most {limit} (a longer list is better "
        "a text field)"
    ),
    "form_field_twice": "{what}: two fields are named {name}",
    "form_placeholder_optional": (
        "{what}: '{name}' names {placeholder}, which is not a required field; "
        "required fields: {known}"
    ),
    "form_placeholder_no_required": (
        "{what}: '{name}' names {placeholder}, which is not a required field; required fields: none"
    ),
    "form_triggers_not_mapping": "{what}: 'triggers' must map languages to lists of phrases",
    "form_triggers_not_list": "{what}: triggers.{language} must be a list of phrases",
    "form_request_type_not_mapping": "each request type must be a mapping, got {got}",
    "form_request_type_id": f"request type id must be {_ID}, got {{got}}",
    "form_canned_reply_id": f"canned reply id must be {_ID}, got {{got}}",
}


@dataclass(frozen=True)
class FormPart:
    """What a form's mistake is in: a request type, value stream or canned reply
    (`kind`) by its id, and the field and choice within it, if any."""

    kind: str
    owner: str
    field: str = ""
    choice: str = ""

    def of_field(self, name: str) -> FormPart:
        return replace(self, field=name, choice="")

    def of_choice(self, value: str) -> FormPart:
        return replace(self, choice=value)

    @property
    def key(self) -> str:
        """The key of the part's text: `form_part_<kind>[_field|_choice]`."""
        within = "_choice" if self.choice else "_field" if self.field else ""
        return f"form_part_{self.kind}{within}"

    def values(self) -> dict[str, str]:
        """The values a mistake's text names the part by (`what_key` its text's key)."""
        return {
            "what_key": self.key,
            "owner": repr(self.owner),
            **({"form_field": repr(self.field)} if self.field else {}),
            **({"choice": repr(self.choice)} if self.choice else {}),
        }

    @property
    def what(self) -> str:
        """The part as an English message names it: "request type 'laptop', field 'model'"."""
        return PART_TEXTS[self.key].format(**self.values())


def form_message(key: str, values: dict[str, Any]) -> str:
    """The English message of text `key`, `values` (and the part they name) filled in."""
    shown = {name: str(value) for name, value in values.items()}
    if "what_key" in shown:
        shown["what"] = PART_TEXTS[shown["what_key"]].format(**shown)
    return FORM_TEXTS[key].format(**shown)


class Fail(Protocol):
    """Builds a caller's error of text `key` at the line of `at` in `node` (of the
    node itself for None): a `ContentError` for department files, a
    `ConfigError` for the value-stream file, each carrying the key and values."""

    def __call__(self, node: Any, at: str | None, key: str, /, **values: Any) -> KbError: ...


def _shown(values: dict[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in values.items()}


def department_form_error(path: str, line: int | None, key: str, **values: Any) -> ContentError:
    """The `ContentError` of text `key` at `line` of the department file `path`."""
    shown = _shown(values)
    message = form_message(key, shown)
    return ContentError(message, path=path, line=line, kind="catalogue", key=key, values=shown)


def stream_form_error(path: str, line: int | None, key: str, **values: Any) -> ConfigError:
    """The `ConfigError` of text `key` at `line` of the value-stream file `path`."""
    shown = _shown(values)
    at = f"{path}:{line}: " if line else f"{path}: "
    return ConfigError(at + form_message(key, shown), key=key, values=shown)
