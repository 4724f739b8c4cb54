"""YAML whose mappings remember their lines, for error messages that say where.

The value-stream file and the request catalogue in department files are
written by hand; a problem in them is reported as `path:line: what to fix`.
`load_located` parses with a safe loader that records, in every mapping, the
line of the mapping (`LINE`) and of each key (`KEY_LINES`); `located_error`
builds the error at the right line; `texts_of` reads an `{en, de}` text.
`plain` strips the line markers again where a plain mapping is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from kb.content.content_yaml import ContentLoader, yaml_problem
from kb.errors import KbError

LINE = "__line__"
KEY_LINES = "__key_lines__"
META = (LINE, KEY_LINES)


class _LineLoader(ContentLoader):
    """The content loader (`kb.content.content_yaml`), remembering the line of every
    mapping (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    mapping[KEY_LINES] = {
        loader.construct_object(key): key.start_mark.line + 1 for key, _ in node.value
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

ErrorFactory = Callable[[str, int | None], KbError]


def load_located(text: str, path: str, error: ErrorFactory) -> Any:
    """The YAML document in `text`; invalid YAML raises `error(message, line)`."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        at, problem = yaml_problem(exc)
        line = at + 1 if at is not None else None
        raise error(f"not valid YAML: {problem}; fix the YAML", line) from None


def line_of(node: Any, key: str | None = None) -> int | None:
    """The line of `key` in `node` (or of the node itself); None when unknown."""
    if not isinstance(node, dict):
        return None
    line = node.get(KEY_LINES, {}).get(key) if key is not None else None
    return line or node.get(LINE) or None


def plain(node: Any) -> Any:
    """`node` without the line markers, recursively."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items() if k not in META}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def texts_of(value: Any) -> dict[str, str] | None:
    """An `{en: …, de: …}` text (or one string, taken as English); None when it
    has no English text."""
    if isinstance(value, str) and value.strip():
        return {"en": value.strip()}
    if not isinstance(value, dict):
        return None
    texts = {str(k): str(v).strip() for k, v in value.items() if k not in META and str(v).strip()}
    return texts if "en" in texts else None
