"""The YAML loader for files content owners write: front matter, department
files, sidecars and the value-stream file.

It is PyYAML's safe loader with two refusals, each a `yaml.YAMLError` with the
line, so every reader reports it as it reports any broken YAML and the other
files keep working:

- **aliases** (`*name`): an alias repeats a value without copying it, so nine
  short lines of them ("billion laughs") stand for 9^9 values once a field is
  read; a 500-byte article kept `kb validate` busy for a minute, one level
  more for ten and gigabytes. Content has no need for them.
- **impossible dates** (`2026-02-30`): YAML reads them as dates and fails with
  a bare `ValueError`, which stopped `kb validate` and `kb index` with a
  traceback (an article was told its front matter was not closed).
- **a field given twice** (`title:` on two lines): PyYAML keeps the last one
  without a word, so the owner never learnt which one is shown.
- **values nested deeper than `MAX_DEPTH`** (`x: [[[[…`): PyYAML builds them
  by recursion, and 50,000 `[` in one front matter raised a bare
  `RecursionError` after ten seconds, which stopped `kb validate` and `kb
  index` for every file. No content file nests more than a few levels.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

# Lists and mappings within each other: department files nest about five deep.
MAX_DEPTH = 40


class ContentLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, fields given twice and values nested
    past `MAX_DEPTH`, and reports impossible dates, as YAML errors."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(
                None,
                None,
                f"the alias *{event.anchor} is not accepted; write the value out in full",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise ComposerError(
                None,
                None,
                f"values are nested more than {MAX_DEPTH} deep (lists or mappings within "
                "each other); write them flatter",
                self.peek_event().start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in first:
                raise ConstructorError(
                    None,
                    None,
                    f"the field '{key}' is given twice (lines {first[key]} and {line}); "
                    "keep one of them",
                    key_node.start_mark,
                )
            first.setdefault(key, line)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise ConstructorError(
                None, None, f"{node.value} is not a date (YYYY-MM-DD)", node.start_mark
            ) from None


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", ContentLoader.construct_yaml_timestamp)


def yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """Where a YAML error is (the 0-based line of the text parsed, None when
    unknown) and what it is, in one line.

    A list or mapping opened with `[` or `{` and never closed is noticed only
    where the next field starts, a line or more later (`tags: [a, b` then
    `status: draft`); the error then names the line that opened it."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    opened = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None) or ""
    flow = context.startswith("while parsing a flow")
    if flow and opened is not None and mark is not None and opened.line < mark.line:
        kind, close = ("list", "]") if "sequence" in context else ("mapping", "}")
        return opened.line, f"the {kind} opened on this line is not closed with '{close}'"
    return (mark.line if mark is not None else None), problem


def load_content_yaml(text: str) -> Any:
    """The YAML document in `text` (`yaml.YAMLError` for anything broken)."""
    return yaml.load(text, Loader=ContentLoader)  # safe: a SafeLoader subclass
