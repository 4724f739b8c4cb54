"""The words of a value-stream file's mistakes: each kind's key and its English
message, and the `ConfigError` made from them.

`kb validate`, the log and a server's start say a mistake in English as
written here; the key and its values travel with the error, so that the
admins' list of setup problems (`kb.catalogue.loading`) can say it in its
reader's language from `error_<key>` in kb/i18n/locales/<lang>/errors.po. A
mistake within a task has a text of its own (`<key>_task`) that names the
task too. The request forms' fields and trigger phrases, which the service
catalogue shares, are said as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.errors import ConfigError

_STREAM = "value stream {stream}"
_TASK = "value stream {stream}, task {task}"
# The mistakes of a text or a department, said of a value stream or of one of its tasks.
_PART_TEXTS = {
    "value_stream_text_not_text": "{what}: each '{field}' must be text, in quotes if need be",
    "value_stream_text_control": (
        "{what}: '{field}' holds a control character (a line break, a tab); write it on one line"
    ),
    "value_stream_text_no_en": "{what}: '{field}' needs an 'en' text",
    "value_stream_text_missing": "{what} needs '{field}' with an 'en' text (and optionally 'de')",
    "value_stream_department_missing": "{what} needs '{field}' naming a department",
    "value_stream_department_unknown": (
        "{what}: unknown department {department}; known: {known}; set '{field}' to one of "
        "them or create the department folder {department} (a value-stream file copied from "
        "other content names that content's departments)"
    ),
}
# key -> the English message, `{name}` filled in from the error's values.
STREAM_TEXTS: dict[str, str] = {
    "value_streams_missing": (
        "value-stream file {file} does not exist; create it or fix the setting workflows_file"
    ),
    "value_streams_not_utf8": "value-stream file {file} is not UTF-8; save it as UTF-8",
    "value_streams_no_list": "the file must have a list under 'workflows:'",
    "value_stream_not_mapping": "each value stream must be a mapping, got {got}",
    "value_streams_too_many": (
        "the file lists {count} value streams; it holds at most {limit}: merge or drop some"
    ),
    "value_stream_twice": "a second value stream named {name}; names must be unique",
    "value_stream_name": (
        "value stream name must be lower-case letters, digits, - or _, got {got}"
    ),
    "value_stream_no_tasks": _STREAM + " needs a non-empty list of 'tasks'",
    "value_stream_too_many_tasks": (
        _STREAM + " lists {count} tasks; a value stream has at most {limit} "
        "(each request filed gets one task per entry): split it up"
    ),
    "value_stream_task_not_mapping": _STREAM + ": each task must be a mapping, got {got}",
    "value_stream_task_key": (
        _STREAM + ": task key must be lower-case letters, digits, - or _, got {got}"
    ),
    "value_stream_depends_not_list": _STREAM
    + ": task {task}: depends_on must be a list of task keys",
    "value_stream_task_twice": _STREAM + ": two tasks have the key {task}",
    "value_stream_depends_unknown": (
        _STREAM + ": task {task} depends on unknown tasks {unknown}; known: {known}"
    ),
    "value_stream_cycle": (
        _STREAM + ": tasks depend on each other in a cycle ({cycle}); "
        "remove one of the dependencies"
    ),
    **{key: text.replace("{what}", _STREAM) for key, text in _PART_TEXTS.items()},
    **{f"{key}_task": text.replace("{what}", _TASK) for key, text in _PART_TEXTS.items()},
}


@dataclass(frozen=True)
class StreamPart:
    """A value stream, or one of its tasks, that a mistake is in (by name and key)."""

    stream: str
    task: str = ""

    @property
    def what(self) -> str:
        """The part as an English message names it: "value stream 'onboarding', task 'it'"."""
        return (_TASK if self.task else _STREAM).format(**self.values())

    def key(self, key: str) -> str:
        """The text of `key` said of this part (`<key>_task` within a task)."""
        return f"{key}_task" if self.task else key

    def values(self) -> dict[str, str]:
        return {"stream": repr(self.stream), **({"task": repr(self.task)} if self.task else {})}


def stream_error(where: str, line: int | None, key: str, **values: Any) -> ConfigError:
    """The `ConfigError` of text `key` at `line` of the file `where` ("" where
    the message names the file itself), `values` filled in."""
    shown = {name: str(value) for name, value in values.items()}
    message = STREAM_TEXTS[key].format(**shown)
    at = f"{where}:{line}: " if where and line else f"{where}: " if where else ""
    return ConfigError(at + message, key=key, values=shown)
