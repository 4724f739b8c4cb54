"""The warnings of an article's text, each with the field it is about, for the
editor's page and the authoring API.

The warnings themselves are never written here: `kb validate`, the indexer and
the editor (`kb.authoring.markdown_file.check_text`, the editor page's reading
of the file) all take them from `kb.content.markdown_article.parse_article`,
so what the editor says after a save is what `kb validate` says of the file.
This module only names where each one is: the front-matter field (or `body`
for the text below it) and, where the warning has one, the line.
"""

from __future__ import annotations

from typing import Any

from kb.records import Problem

# The field a warning of each kind is about; a kind that names its field in its
# values (`field`: a date or list that is not one, `name`: a field name that is
# nearly a known one) is looked up there instead.
_FIELD_OF_KIND = {
    "audience": "audience",
    "title": "title",
    "no_text": "body",
    "image": "body",
}
_FIELD_OF_KEY = {"lang_not_code": "lang"}


def warning_field(warning: Problem) -> str:
    """The front-matter field `warning` is about (`body`: the text), "" when it
    is about the file as a whole (blank lines before the front matter)."""
    values = warning.text_values
    if warning.kind == "field_name":
        return str(values.get("name") or "")
    return (
        _FIELD_OF_KEY.get(warning.text_key)
        or str(values.get("field") or "")
        or _FIELD_OF_KIND.get(warning.kind, "")
    )


def warning_json(warning: Problem) -> dict[str, Any]:
    """One warning as the authoring API answers it: `kb validate --json`'s
    problem (path, line, severity, kind, message, hint, in English as scripts
    read them) with `field` (null: the file as a whole)."""
    return {**warning.as_dict(), "field": warning_field(warning) or None}
