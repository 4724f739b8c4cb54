"""What `kb validate` says of a request type's trigger phrases, and the cap on them.

A phrase that carries no weight (`kb.catalogue.triggers.weightless`: fewer
than three letters, only words any question may hold, or only everyday
words, `kb.catalogue.phrase_weight`) is kept in the
file but never offers the form nor routes a question; a warning names the
file, the line of its language's list, the request type and the phrase, so
that its owner writes one that names the service. A request type with more
than `MAX_TRIGGERS` phrases keeps the first ones, in the file's order
(English before German as written), with a warning. The value streams'
phrases (the admins' file) are judged alike and named at their value
stream's line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from kb.catalogue.limits import MAX_TRIGGERS, MIN_TRIGGER_LETTERS
from kb.catalogue.triggers import Weightless, fold, weightless
from kb.catalogue.types import RequestType
from kb.content.located_yaml import line_of
from kb.content.problem_texts import problem
from kb.records import Problem
from kb.requests.workflows import Workflow

_KEYS = {
    Weightless.SHORT: "trigger_too_short",
    Weightless.COMMON: "trigger_common_words",
    Weightless.FREQUENT: "trigger_frequent_words",
}


def checked_triggers(found: RequestType, node: Any, rel: str) -> tuple[RequestType, list[Problem]]:
    """`found` with at most `MAX_TRIGGERS` trigger phrases, and the warnings about
    its phrases; `node` is the request type's mapping in the file at `rel`."""
    listed = node.get("triggers") if isinstance(node, dict) else None
    problems = []
    for lang, phrases in found.triggers.items():
        line = line_of(listed, lang) or line_of(node, "triggers")
        problems += _weightless(phrases, "", rel, "catalogue", line, id=repr(found.id))
    count = sum(len(phrases) for phrases in found.triggers.values())
    if count <= MAX_TRIGGERS:
        return found, problems
    kept: dict[str, tuple[str, ...]] = {}
    room = MAX_TRIGGERS
    for lang, phrases in found.triggers.items():
        kept[lang], room = phrases[:room], max(0, room - len(phrases))
    problems.append(
        problem("triggers_too_many", rel, kind="catalogue", line=line_of(node, "triggers"),
                id=repr(found.id), count=count, limit=MAX_TRIGGERS)
    )  # fmt: skip
    return replace(found, triggers=kept), problems


def stream_warnings(workflows: Iterable[Workflow], rel: str) -> list[Problem]:
    """The warnings about the value streams' phrases that carry no weight."""
    return [
        found
        for stream in workflows
        for phrases in stream.triggers.values()
        for found in _weightless(
            phrases, "stream_", rel, "value_streams", stream.line or None, stream=repr(stream.name)
        )
    ]


def _weightless(
    phrases: Sequence[str], prefix: str, rel: str, kind: str, line: int | None, **entry: Any
) -> list[Problem]:
    return [
        problem(
            prefix + _KEYS[why],
            rel,
            kind=kind,
            line=line,
            phrase=repr(phrase),
            letters=MIN_TRIGGER_LETTERS,
            **entry,
        )  # fmt: skip
        for phrase in phrases
        if (why := weightless(fold(phrase))) is not None
    ]
