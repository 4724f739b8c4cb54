"""Value-stream templates: requests that need several departments, in order.

`_workflows.yml` in the content root (or the file named by the setting
`workflows_file`) lists templates such as onboarding a new hire. Each has a
name, an owning department, titles in English and German, trigger phrases
that make the request form offer it, and tasks, each for one department,
optionally depending on other tasks of the same template. The format is
described in docs/requests.md.

Loading checks everything and reports the file and line of the first
problem: YAML errors, missing fields, unknown departments, duplicate names,
dependencies on unknown tasks, and dependency cycles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.catalogue.fields import FieldSpec
from kb.catalogue.form_texts import FormPart, stream_form_error
from kb.catalogue.limits import MAX_VALUE_STREAMS
from kb.catalogue.parsing import check_placeholders, parse_fields, parse_triggers, texts
from kb.catalogue.triggers import TriggerIndex
from kb.content.located_yaml import META, line_of, load_located, texts_of
from kb.content.regular_files import SETTINGS_FILE_MAX_BYTES, read_regular_file
from kb.errors import ConfigError, ContentError, ValidationError
from kb.requests.workflow_order import dependency_order
from kb.requests.workflow_texts import StreamPart, stream_error

LANGUAGES = ("en", "de")
WORKFLOWS_FILE = "_workflows.yml"  # the value-stream file's name in the content root
# Matched whole (`fullmatch`): `$` also matches before a final line break,
# which let `name: "onboarding\n"` through as another name.
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Each task becomes a task of every request filed with the value stream, and
# each notifies its department: the shipped ones have four or five.
MAX_TASKS = 50


@dataclass(frozen=True)
class WorkflowTask:
    """One department's part of a template; `depends_on` names other tasks by key."""

    key: str
    department: str
    title: Mapping[str, str]
    depends_on: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]


@dataclass(frozen=True)
class Workflow:
    """A value-stream template; `tasks` are in an order where dependencies come first."""

    name: str
    owner: str
    title: Mapping[str, str]
    triggers: Mapping[str, tuple[str, ...]]
    tasks: tuple[WorkflowTask, ...]
    line: int = 0
    # The form of the value stream (`kb.catalogue`): its fields, the title
    # template of its requests, and a description for the catalogue page.
    fields: tuple[FieldSpec, ...] = ()
    summary: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]

    def task_numbers(self) -> dict[str, int]:
        """Task key → the number its request task gets (1, 2, …)."""
        return {task.key: i for i, task in enumerate(self.tasks, 1)}

    def departments(self) -> list[str]:
        return list(dict.fromkeys(task.department for task in self.tasks))


@dataclass(frozen=True)
class WorkflowCatalog:
    """All templates of one file, by name."""

    workflows: Mapping[str, Workflow] = field(default_factory=dict)
    path: str = ""
    # The templates' trigger phrases folded once, made at the first `match`.
    _triggers: list[TriggerIndex[Workflow]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def get(self, name: str) -> Workflow:
        try:
            return self.workflows[name]
        except KeyError:
            known = ", ".join(sorted(self.workflows)) or "none are configured"
            raise ValidationError(
                f"unknown value stream {name!r}; known: {known}",
                details={"field": "workflow", "value": name},
                key="unknown_workflow",
                values={"value": name, "known": known},
            ) from None

    def match(self, text: str) -> Workflow | None:
        """The template whose triggers the text matches best; None when none matches."""
        if not self._triggers:
            self._triggers.append(TriggerIndex((w, w.triggers) for w in self.workflows.values()))
        return self._triggers[0].best(text)


def workflows_source(
    workflows: WorkflowCatalog | Callable[[], WorkflowCatalog] | None,
) -> Callable[[], WorkflowCatalog]:
    """The value streams as a source asked at each use (the web app's follow
    `_workflows.yml` with the departments, `kb.requests.configured`); a fixed
    catalogue always answers itself."""
    if callable(workflows):
        return workflows
    fixed = workflows or WorkflowCatalog()
    return lambda: fixed


def load_workflows(path: Path, departments: Collection[str] | None = None) -> WorkflowCatalog:
    """Read and check a templates file; `departments` are the known department ids."""
    try:
        # Only a regular file: by default it lies in the content root (see
        # kb.content.regular_files), where a link or a named pipe must not hang us.
        text = read_regular_file(path, SETTINGS_FILE_MAX_BYTES, str(path)).decode("utf-8")
    except ContentError as exc:
        if exc.kind == "missing":
            raise stream_error("", None, "value_streams_missing", file=path) from None
        raise ConfigError(f"value-stream file {exc.message}") from None
    except UnicodeDecodeError:
        raise stream_error("", None, "value_streams_not_utf8", file=path) from None
    return parse_workflows(text, str(path), departments)


def workflows_path(content_root: Path, configured: str = "") -> Path:
    """The templates file: the configured one, else `_workflows.yml` in the content root."""
    return Path(configured) if configured else content_root / WORKFLOWS_FILE


def parse_workflows(
    text: str, path: str = "_workflows.yml", departments: Collection[str] | None = None
) -> WorkflowCatalog:
    """Parse and check the text of a templates file."""
    data = load_located(text, path, lambda message, line: _at(path, line, message))
    if data is None:
        return WorkflowCatalog({}, path)
    if not isinstance(data, dict) or not isinstance(data.get("workflows"), list):
        raise stream_error(path, 1, "value_streams_no_list")
    known = set(departments) if departments is not None else None
    if len(data["workflows"]) > MAX_VALUE_STREAMS:
        count, limit = len(data["workflows"]), MAX_VALUE_STREAMS
        raise _fail(path, data, "workflows", "value_streams_too_many", count=count, limit=limit)
    workflows: dict[str, Workflow] = {}
    for item in data["workflows"]:
        if not isinstance(item, dict):
            raise _fail(path, data, "workflows", "value_stream_not_mapping", got=_shown(item))
        workflow = _workflow(item, path, known)
        if workflow.name in workflows:
            raise stream_error(path, workflow.line, "value_stream_twice", name=repr(workflow.name))
        workflows[workflow.name] = workflow
    return WorkflowCatalog(workflows, path)


def _at(path: str, line: int | None, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def _shown(value: Any) -> str:
    """A value as an error quotes it: its start only, so a long one stays one line."""
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:57]}..."


def _fail(path: str, node: Any, key: str | None, text: str, **values: Any) -> ConfigError:
    """The ConfigError of text `text` at the line of `key` in `node` (or of the node)."""
    return stream_error(path, line_of(node, key), text, **values)


def _texts(node: dict[str, Any], key: str, path: str, part: StreamPart) -> dict[str, str]:
    value = node.get(key)
    strings = [v for k, v in value.items() if k not in META] if isinstance(value, dict) else [value]

    def fail(text: str) -> ConfigError:
        return _fail(path, node, key, part.key(text), field=key, **part.values())

    if any(not isinstance(text, str) for text in strings if text is not None):
        raise fail("value_stream_text_not_text")
    if any(_has_control(text) for text in strings if isinstance(text, str)):
        raise fail("value_stream_text_control")
    texts = texts_of(value)
    if texts is None and isinstance(value, dict):
        raise fail("value_stream_text_no_en")
    if texts is None:
        raise fail("value_stream_text_missing")
    return texts


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _department(
    node: dict[str, Any], key: str, path: str, known: set[str] | None, part: StreamPart
) -> str:
    department = node.get(key)
    if not isinstance(department, str) or not department.strip():
        text = part.key("value_stream_department_missing")
        raise _fail(path, node, key, text, field=key, **part.values())
    if known is not None and department not in known:
        raise _fail(
            path,
            node,
            key,
            part.key("value_stream_department_unknown"),
            department=repr(department),
            known=", ".join(sorted(known)),
            field=key,
            **part.values(),
        )
    return department


def _workflow(node: dict[str, Any], path: str, known: set[str] | None) -> Workflow:
    name = node.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _fail(path, node, "name", "value_stream_name", got=repr(name))
    part = StreamPart(name)
    stream = part.values()
    form = FormPart("value_stream", name)

    def fail(at_node: Any, at: str | None, key: str, /, **values: Any) -> ConfigError:
        return stream_form_error(path, line_of(at_node, at), key, **values)

    tasks_node = node.get("tasks")
    if not isinstance(tasks_node, list) or not tasks_node:
        raise _fail(path, node, "tasks", "value_stream_no_tasks", **stream)
    if len(tasks_node) > MAX_TASKS:
        count = len(tasks_node)
        raise _fail(
            path,
            node,
            "tasks",
            "value_stream_too_many_tasks",
            count=count,
            limit=MAX_TASKS,
            **stream,
        )
    for task_node in tasks_node:
        if not isinstance(task_node, dict):
            got = _shown(task_node)
            raise _fail(path, node, "tasks", "value_stream_task_not_mapping", got=got, **stream)
    fields = parse_fields(node, form, fail)
    tasks = [_task(t, path, known, name) for t in tasks_node]
    for task, task_node in zip(tasks, tasks_node, strict=True):
        check_placeholders(dict(task.title), fields, task_node, "title", form, fail)
    summary = texts(node, "summary", form, fail, required=False)
    check_placeholders(summary, fields, node, "summary", form, fail)
    return Workflow(
        name=name,
        owner=_department(node, "owner", path, known, part),
        title=_texts(node, "title", path, part),
        triggers=parse_triggers(node, form, fail),
        tasks=_in_dependency_order(tasks, tasks_node, path, part),
        line=line_of(node) or 0,
        fields=fields,
        summary=summary,
        description=texts(node, "description", form, fail, required=False),
    )


def _task(node: dict[str, Any], path: str, known: set[str] | None, stream: str) -> WorkflowTask:
    key = node.get("key")
    named = StreamPart(stream).values()
    if not isinstance(key, str) or not _NAME.fullmatch(key):
        raise _fail(path, node, "key", "value_stream_task_key", got=repr(key), **named)
    depends = node.get("depends_on") or []
    if isinstance(depends, str):
        depends = [depends]
    if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
        part = StreamPart(stream, key).values()
        raise _fail(path, node, "depends_on", "value_stream_depends_not_list", **part)
    return WorkflowTask(
        key=key,
        department=_department(node, "department", path, known, StreamPart(stream, key)),
        title=_texts(node, "title", path, StreamPart(stream, key)),
        depends_on=tuple(depends),
    )


def _in_dependency_order(
    tasks: list[WorkflowTask], nodes: list[Any], path: str, part: StreamPart
) -> tuple[WorkflowTask, ...]:
    """The tasks, each after everything it depends on; file order otherwise kept."""
    by_key: dict[str, WorkflowTask] = {}
    for task, node in zip(tasks, nodes, strict=True):
        if task.key in by_key:
            twice = StreamPart(part.stream, task.key).values()
            raise _fail(path, node, "key", "value_stream_task_twice", **twice)
        by_key[task.key] = task
    for task, node in zip(tasks, nodes, strict=True):
        unknown = [d for d in task.depends_on if d not in by_key]
        if unknown:
            raise _fail(
                path,
                node,
                "depends_on",
                "value_stream_depends_unknown",
                unknown=repr(unknown),
                known=", ".join(by_key),
                **StreamPart(part.stream, task.key).values(),
            )
    order, cycle = dependency_order([(t.key, t.depends_on) for t in tasks])
    if cycle:
        node = nodes[next(i for i, t in enumerate(tasks) if t.key == cycle[0])]
        chain = " -> ".join(cycle)
        raise _fail(path, node, "depends_on", "value_stream_cycle", cycle=chain, **part.values())
    return tuple(tasks[i] for i in order)
