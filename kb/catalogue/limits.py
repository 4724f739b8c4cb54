"""How much one department file, or the value-stream file, may declare.

The catalogue page lists every request type of every department, and each
form shows every field and every choice: a file that declared thousands
would make those pages (and each search, which looks for the form a
question asks for) as large. These caps are far above what a department
needs (the sample departments declare at most a few types of a few fields);
a file past one gets a problem with its line, as any other mistake of the
file (`kb validate`, the setup panel of /manage), and

* a department's request types past `MAX_REQUEST_TYPES` are left out (the
  first ones, in the file's order, are used);
* a request type with more than `MAX_FIELDS` fields, or a field with more
  than `MAX_CHOICES` choices, is left out, as a broken request type is;
* a value-stream file with more than `MAX_VALUE_STREAMS` value streams does
  not load, as a value-stream file with any other mistake
  (`kb.requests.workflows`).
"""

from __future__ import annotations

from typing import Any

MAX_REQUEST_TYPES = 50
MAX_FIELDS = 30
MAX_CHOICES = 100
MAX_VALUE_STREAMS = 50


def form_past_limits(node: Any) -> tuple[Any, str, str, dict[str, Any]] | None:
    """Where a request form's entry (a mapping with `fields`) passes a cap: the
    node and its key the problem's line is taken from, the problem's text key
    and its values; None within the caps (or not of that shape: parsing says why)."""
    if not isinstance(node, dict) or not isinstance(node.get("fields"), list):
        return None
    fields = node["fields"]
    name = repr(node.get("id") or node.get("name") or "?")
    if len(fields) > MAX_FIELDS:
        values = {"id": name, "count": len(fields), "limit": MAX_FIELDS}
        return node, "fields", "request_type_too_many_fields", values
    for field in fields:
        choices = field.get("choices") if isinstance(field, dict) else None
        if isinstance(choices, list) and len(choices) > MAX_CHOICES:
            values = {
                "id": name,
                "field_name": repr(field.get("name") or "?"),
                "count": len(choices),
                "limit": MAX_CHOICES,
            }
            return field, "choices", "request_type_too_many_choices", values
    return None
