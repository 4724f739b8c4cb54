"""Reading request types and form fields from YAML (with lines, see
`kb.content.located_yaml`).

The same field syntax serves request types in department files and value
streams in `_workflows.yml`; `Fail` builds each caller's error at the line
of the node (a `ContentError` for department files, a `ConfigError` for the
value-stream file) from a text of `kb.catalogue.form_texts`, so that a page
can say it in its reader's language. The format is described in
docs/requests.md.

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
from collections.abc import Sequence
from typing import Any

from kb.catalogue.fields import FORM_OWN_NAMES, MAX_TEXT, NAME, Choice, FieldSpec, FieldType
from kb.catalogue.form_texts import Fail, FormPart
from kb.catalogue.limits import MAX_CHOICES, MAX_FIELDS
from kb.catalogue.replies import CannedReply
from kb.catalogue.templates import placeholders
from kb.catalogue.types import RequestType
from kb.content.located_yaml import META, texts_of

TYPE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_FIELD_KEYS = {
    "name", "type", "required", "label", "help", "choices", "max_length", "not_before_today",
}  # fmt: skip
_TYPE_KEYS = {"id", "title", "description", "summary", "fields", "triggers"}


def texts(
    node: Any, key: str, part: FormPart, fail: Fail, *, required: bool = True
) -> dict[str, str]:
    """An `{en, de}` text under `key` (one string is English)."""
    value = node.get(key) if isinstance(node, dict) else None
    if value is None and not required:
        return {}
    found = texts_of(value)
    if found is None:
        raise fail(node, key, "form_text_missing", name=key, **part.values())
    return found


def _unknown_keys(node: dict[str, Any], allowed: set[str], part: FormPart, fail: Fail) -> None:
    unknown = sorted(str(k) for k in node if k not in META and k not in allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        name = repr(unknown[0])
        raise fail(node, unknown[0], "form_unknown_key", name=name, known=known, **part.values())


def _choices(node: dict[str, Any], part: FormPart, fail: Fail) -> tuple[Choice, ...]:
    items = node.get("choices")
    if not isinstance(items, list) or not items:
        raise fail(node, "choices", "form_no_choices", **part.values())
    if len(items) > MAX_CHOICES:
        count, limit = len(items), MAX_CHOICES
        raise fail(
            node, "choices", "form_too_many_choices", count=count, limit=limit, **part.values()
        )
    out = []
    for item in items:
        if isinstance(item, str | int) and str(item).strip():
            out.append(Choice(str(item).strip(), {"en": str(item).strip()}))
            continue
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str | int) or not str(value).strip():
            raise fail(item, "value", "form_choice_no_value", **part.values())
        label = texts(item, "label", part.of_choice(str(value)), fail, required=False)
        out.append(Choice(str(value).strip(), label or {"en": str(value).strip()}))
    if len({c.value for c in out}) != len(out):
        raise fail(node, "choices", "form_choices_twice", **part.values())
    return tuple(out)


def parse_field(node: Any, owner: FormPart, fail: Fail) -> FieldSpec:
    """One field of a form; `owner` names what the form belongs to (for messages)."""
    if not isinstance(node, dict):
        raise fail(node, None, "form_field_not_mapping", got=repr(node), **owner.values())
    name = node.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise fail(node, "name", "form_field_name", got=repr(name), **owner.values())
    if name in FORM_OWN_NAMES:
        taken = ", ".join(sorted(FORM_OWN_NAMES))
        raise fail(
            node, "name", "form_field_reserved", got=repr(name), taken=taken, **owner.values()
        )
    part = owner.of_field(name)
    _unknown_keys(node, _FIELD_KEYS, part, fail)
    kind = node.get("type")
    if kind not in {t.value for t in FieldType}:
        known = ", ".join(t.value for t in FieldType)
        raise fail(node, "type", "form_field_type", known=known, got=repr(kind), **part.values())
    for flag in ("required", "not_before_today"):
        if not isinstance(node.get(flag, False), bool):
            raise fail(node, flag, "form_field_flag", name=flag, **part.values())
    max_length = node.get("max_length", 200)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise fail(node, "max_length", "form_field_max_length", **part.values())
    if max_length > MAX_TEXT:
        got = repr(max_length)
        raise fail(
            node, "max_length", "form_field_too_long", limit=MAX_TEXT, got=got, **part.values()
        )
    try:
        return FieldSpec(
            name=name,
            type=FieldType(kind),
            label=texts(node, "label", part, fail),
            required=bool(node.get("required", False)),
            help=texts(node, "help", part, fail, required=False),
            choices=_choices(node, part, fail) if kind == FieldType.CHOICE else (),
            max_length=max_length,
            not_before_today=bool(node.get("not_before_today", False)),
        )
    except ValueError as exc:
        raise fail(node, None, "form_field_invalid", problem=str(exc), **part.values()) from None


def parse_fields(node: dict[str, Any], owner: FormPart, fail: Fail) -> tuple[FieldSpec, ...]:
    """The `fields` list of a request type or value stream (none when absent)."""
    items = node.get("fields")
    if items is None:
        return ()
    if not isinstance(items, list):
        raise fail(node, "fields", "form_fields_not_list", **owner.values())
    if len(items) > MAX_FIELDS:
        count, limit = len(items), MAX_FIELDS
        raise fail(
            node, "fields", "form_too_many_fields", count=count, limit=limit, **owner.values()
        )
    fields = tuple(parse_field(item, owner, fail) for item in items)
    seen: set[str] = set()
    for spec, item in zip(fields, items, strict=True):
        if spec.name in seen:
            raise fail(item, "name", "form_field_twice", name=repr(spec.name), **owner.values())
        seen.add(spec.name)
    return fields


def check_placeholders(
    template: dict[str, str],
    fields: Sequence[FieldSpec],
    node: Any,
    key: str,
    part: FormPart,
    fail: Fail,
) -> None:
    """A template may only name required fields: an optional one could be empty."""
    required = {f.name for f in fields if f.required}
    for text in template.values():
        for name in placeholders(text):
            if name not in required:
                raise fail(
                    node,
                    key,
                    "form_placeholder_optional" if required else "form_placeholder_no_required",
                    name=key,
                    placeholder=f"{{{name}}}",
                    known=", ".join(sorted(required)),
                    **part.values(),
                )


def parse_triggers(node: dict[str, Any], part: FormPart, fail: Fail) -> dict[str, tuple[str, ...]]:
    found = node.get("triggers") or {}
    if not isinstance(found, dict):
        raise fail(node, "triggers", "form_triggers_not_mapping", **part.values())
    out: dict[str, tuple[str, ...]] = {}
    for lang, phrases in found.items():
        if lang in META:
            continue
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise fail(found, lang, "form_triggers_not_list", language=lang, **part.values())
        out[str(lang)] = tuple(phrases)
    return out


def parse_request_type(node: Any, department: str, fail: Fail) -> RequestType:
    """One entry of a department file's `request_types`."""
    if not isinstance(node, dict):
        raise fail(node, None, "form_request_type_not_mapping", got=repr(node))
    type_id = node.get("id")
    if not isinstance(type_id, str) or not TYPE_ID.match(type_id):
        raise fail(node, "id", "form_request_type_id", got=repr(type_id))
    part = FormPart("request_type", type_id)
    _unknown_keys(node, _TYPE_KEYS, part, fail)
    fields = parse_fields(node, part, fail)
    summary = texts(node, "summary", part, fail, required=False)
    check_placeholders(summary, fields, node, "summary", part, fail)
    return RequestType(
        id=type_id,
        department=department,
        title=texts(node, "title", part, fail),
        description=texts(node, "description", part, fail, required=False),
        summary=summary,
        fields=fields,
        triggers=parse_triggers(node, part, fail),
    )


def parse_reply(node: Any, department: str, fail: Fail) -> CannedReply:
    """One entry of a department file's `canned_replies` (`kb.catalogue.replies`)."""
    reply_id = node.get("id") if isinstance(node, dict) else None
    if not isinstance(reply_id, str) or not TYPE_ID.match(reply_id):
        raise fail(node, "id", "form_canned_reply_id", got=repr(reply_id))
    part = FormPart("canned_reply", reply_id)
    return CannedReply(
        id=reply_id,
        department=department,
        title=texts(node, "title", part, fail),
        text=texts(node, "text", part, fail),
    )
