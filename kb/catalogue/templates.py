"""Texts with the values of a request's fields filled in.

Titles of requests and tasks ("Laptop for {new_hire}, starts {start_date}")
and canned replies name fields in braces. Only `{name}` is recognised, never
attribute or index access (unlike `str.format`), so a template from a
content file can read nothing but the values it is given; an unknown name
is left as written. `placeholders` lists the names a template uses, which
loaders check against the declared fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kb.catalogue.fields import FieldSpec, FieldType
from kb.content.departments import display_name

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_YES_NO = {"en": ("yes", "no"), "de": ("ja", "nein")}


def placeholders(template: str) -> list[str]:
    """The field names a template refers to, in order."""
    return PLACEHOLDER.findall(template)


def fill(template: str, values: Mapping[str, str]) -> str:
    """`template` with each `{name}` of `values` replaced by its value."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def shown_value(
    spec: FieldSpec, value: Any, lang: str, department_names: Mapping[str, str] | None = None
) -> str:
    """A stored value as people read it: a choice's label, a department's name,
    yes or no; dates stay `YYYY-MM-DD`; '' for no value."""
    if value is None or value == "":
        return ""
    if spec.type is FieldType.BOOLEAN:
        yes, no = _YES_NO.get(lang, _YES_NO["en"])
        return yes if value else no
    if spec.type is FieldType.CHOICE:
        choice = spec.choice(str(value))
        return choice.label_in(lang) if choice else str(value)
    if spec.type is FieldType.DEPARTMENT:
        return display_name(str(value), department_names or {})
    return str(value)


def shown_values(
    specs: tuple[FieldSpec, ...],
    values: Mapping[str, Any],
    lang: str,
    department_names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every field's value as people read it (see `shown_value`)."""
    return {s.name: shown_value(s, values.get(s.name), lang, department_names) for s in specs}
