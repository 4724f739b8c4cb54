"""Reading request types and form fields from YAML (with lines, see
`kb.content.located_yaml`).

The same field syntax serves request types in department files and value
streams in `_workflows.yml`; `Fail` builds each caller's error at the line
of the node (a `ContentError` for department files, a `ConfigError` for the
value-stream file). The format is described in docs/requests.md.

```yaml
- name: start_date
  type: date                 # text, date, choice, person, department, boolean
  required: true
  not_before_today: true     # dates only
  label: {en: Start date, de: Startdatum}
  help: {en: The first working day, de: Der erste Arbeitstag}
- name: model
  type: choice
  choices:
    - {value: standard, label: {en: Standard laptop, de: Standard-Laptop}}
```
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from kb.catalogue.fields import NAME, Choice, FieldSpec, FieldType
from kb.catalogue.replies import CannedReply
from kb.catalogue.templates import placeholders
from kb.catalogue.types import RequestType
from kb.content.located_yaml import META, texts_of
from kb.errors import KbError

# (node, message, key) → the error to raise, at the line of `key` in `node`.
Fail = Callable[[Any, str, "str | None"], KbError]
TYPE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_FIELD_KEYS = {
    "name", "type", "required", "label", "help", "choices", "max_length", "not_before_today",
}  # fmt: skip
_TYPE_KEYS = {"id", "title", "description", "summary", "fields", "triggers"}


def texts(node: Any, key: str, what: str, fail: Fail, *, required: bool = True) -> dict[str, str]:
    """An `{en, de}` text under `key` (one string is English)."""
    value = node.get(key) if isinstance(node, dict) else None
    if value is None and not required:
        return {}
    found = texts_of(value)
    if found is None:
        raise fail(node, f"{what} needs '{key}' with an 'en' text (and optionally 'de')", key)
    return found


def _unknown_keys(node: dict[str, Any], allowed: set[str], what: str, fail: Fail) -> None:
    unknown = sorted(str(k) for k in node if k not in META and k not in allowed)
    if unknown:
        raise fail(
            node,
            f"{what}: unknown key {unknown[0]!r}; known: {', '.join(sorted(allowed))}",
            unknown[0],
        )


def _choices(node: dict[str, Any], what: str, fail: Fail) -> tuple[Choice, ...]:
    items = node.get("choices")
    if not isinstance(items, list) or not items:
        raise fail(node, f"{what}: a choice field needs a non-empty list of 'choices'", "choices")
    out = []
    for item in items:
        if isinstance(item, str | int) and str(item).strip():
            out.append(Choice(str(item).strip(), {"en": str(item).strip()}))
            continue
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str | int) or not str(value).strip():
            raise fail(item, f"{what}: each choice needs a 'value'", "value")
        label = texts(item, "label", f"{what}, choice {value!r}", fail, required=False)
        out.append(Choice(str(value).strip(), label or {"en": str(value).strip()}))
    if len({c.value for c in out}) != len(out):
        raise fail(node, f"{what}: two choices have the same value", "choices")
    return tuple(out)


def parse_field(node: Any, owner: str, fail: Fail) -> FieldSpec:
    """One field of a form; `owner` names what the form belongs to (for messages)."""
    if not isinstance(node, dict):
        raise fail(node, f"{owner}: each field must be a mapping, got {node!r}", None)
    name = node.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise fail(
            node,
            f"{owner}: field name must be lower-case letters, digits or _, starting with a "
            f"letter, got {name!r}",
            "name",
        )
    what = f"{owner}, field {name!r}"
    _unknown_keys(node, _FIELD_KEYS, what, fail)
    kind = node.get("type")
    if kind not in {t.value for t in FieldType}:
        known = ", ".join(t.value for t in FieldType)
        raise fail(node, f"{what}: type must be one of {known}, got {kind!r}", "type")
    for flag in ("required", "not_before_today"):
        if not isinstance(node.get(flag, False), bool):
            raise fail(node, f"{what}: '{flag}' must be true or false", flag)
    max_length = node.get("max_length", 200)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise fail(node, f"{what}: max_length must be a whole number >= 1", "max_length")
    try:
        return FieldSpec(
            name=name,
            type=FieldType(kind),
            label=texts(node, "label", what, fail),
            required=bool(node.get("required", False)),
            help=texts(node, "help", what, fail, required=False),
            choices=_choices(node, what, fail) if kind == FieldType.CHOICE else (),
            max_length=max_length,
            not_before_today=bool(node.get("not_before_today", False)),
        )
    except ValueError as exc:
        raise fail(node, f"{what}: {exc}", None) from None


def parse_fields(node: dict[str, Any], owner: str, fail: Fail) -> tuple[FieldSpec, ...]:
    """The `fields` list of a request type or value stream (none when absent)."""
    items = node.get("fields")
    if items is None:
        return ()
    if not isinstance(items, list):
        raise fail(node, f"{owner}: 'fields' must be a list of fields", "fields")
    fields = tuple(parse_field(item, owner, fail) for item in items)
    seen: set[str] = set()
    for spec, item in zip(fields, items, strict=True):
        if spec.name in seen:
            raise fail(item, f"{owner}: two fields are named {spec.name!r}", "name")
        seen.add(spec.name)
    return fields


def check_placeholders(
    template: dict[str, str],
    fields: Sequence[FieldSpec],
    node: Any,
    key: str,
    what: str,
    fail: Fail,
) -> None:
    """A template may only name required fields: an optional one could be empty."""
    required = {f.name for f in fields if f.required}
    for text in template.values():
        for name in placeholders(text):
            if name not in required:
                known = ", ".join(sorted(required)) or "none"
                raise fail(
                    node,
                    f"{what}: '{key}' names {{{name}}}, which is not a required field; "
                    f"required fields: {known}",
                    key,
                )


def parse_triggers(node: dict[str, Any], what: str, fail: Fail) -> dict[str, tuple[str, ...]]:
    found = node.get("triggers") or {}
    if not isinstance(found, dict):
        raise fail(node, f"{what}: 'triggers' must map languages to lists of phrases", "triggers")
    out: dict[str, tuple[str, ...]] = {}
    for lang, phrases in found.items():
        if lang in META:
            continue
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise fail(found, f"{what}: triggers.{lang} must be a list of phrases", lang)
        out[str(lang)] = tuple(phrases)
    return out


def parse_request_type(node: Any, department: str, fail: Fail) -> RequestType:
    """One entry of a department file's `request_types`."""
    if not isinstance(node, dict):
        raise fail(node, f"each request type must be a mapping, got {node!r}", None)
    type_id = node.get("id")
    if not isinstance(type_id, str) or not TYPE_ID.match(type_id):
        raise fail(
            node,
            f"request type id must be lower-case letters, digits, - or _, got {type_id!r}",
            "id",
        )
    what = f"request type {type_id!r}"
    _unknown_keys(node, _TYPE_KEYS, what, fail)
    fields = parse_fields(node, what, fail)
    summary = texts(node, "summary", what, fail, required=False)
    check_placeholders(summary, fields, node, "summary", what, fail)
    return RequestType(
        id=type_id,
        department=department,
        title=texts(node, "title", what, fail),
        description=texts(node, "description", what, fail, required=False),
        summary=summary,
        fields=fields,
        triggers=parse_triggers(node, what, fail),
    )


def parse_reply(node: Any, department: str, fail: Fail) -> CannedReply:
    """One entry of a department file's `canned_replies` (`kb.catalogue.replies`)."""
    reply_id = node.get("id") if isinstance(node, dict) else None
    if not isinstance(reply_id, str) or not TYPE_ID.match(reply_id):
        raise fail(
            node,
            f"canned reply id must be lower-case letters, digits, - or _, got {reply_id!r}",
            "id",
        )
    what = f"canned reply {reply_id!r}"
    return CannedReply(
        id=reply_id,
        department=department,
        title=texts(node, "title", what, fail),
        text=texts(node, "text", what, fail),
    )
