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
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.content.regular_files import SETTINGS_FILE_MAX_BYTES, read_regular_file
from kb.errors import ConfigError, ContentError, ValidationError

LANGUAGES = ("en", "de")
_LINE = "__line__"
_KEY_LINES = "__key_lines__"
_META = (_LINE, _KEY_LINES)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Text as triggers are compared: NFKC, case-folded, umlauts spelled out, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return " ".join(re.findall(r"\w+", text))


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

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]

    def task_numbers(self) -> dict[str, int]:
        """Task key → the number its request task gets (1, 2, …)."""
        return {task.key: i for i, task in enumerate(self.tasks, 1)}

    def departments(self) -> list[str]:
        return list(dict.fromkeys(task.department for task in self.tasks))

    def match_score(self, folded_text: str) -> int:
        """How strongly the text asks for this template: matched trigger words, summed."""
        score = 0
        for phrases in self.triggers.values():
            for phrase in phrases:
                # Start of a word only: "onboarding" also finds "onboardings", and
                # German compounds ("einarbeitungsplan") are found by their first part.
                if re.search(rf"(?<!\w){re.escape(fold(phrase))}", folded_text):
                    score += len(phrase.split())
        return score


@dataclass(frozen=True)
class WorkflowCatalog:
    """All templates of one file, by name."""

    workflows: Mapping[str, Workflow] = field(default_factory=dict)
    path: str = ""

    def get(self, name: str) -> Workflow:
        try:
            return self.workflows[name]
        except KeyError:
            known = ", ".join(sorted(self.workflows)) or "none are configured"
            raise ValidationError(
                f"unknown value stream {name!r}; known: {known}",
                details={"field": "workflow", "value": name},
            ) from None

    def match(self, text: str) -> Workflow | None:
        """The template whose triggers the text matches best; None when none matches."""
        folded = fold(text)
        best: Workflow | None = None
        best_score = 0
        for workflow in self.workflows.values():
            score = workflow.match_score(folded)
            if score > best_score:
                best, best_score = workflow, score
        return best


def match_workflow(text: str, catalog: WorkflowCatalog) -> Workflow | None:
    """The template to offer for a question, or None."""
    return catalog.match(text)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    mapping[_KEY_LINES] = {
        loader.construct_object(key): key.start_mark.line + 1 for key, _ in node.value
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_workflows(path: Path, departments: Collection[str] | None = None) -> WorkflowCatalog:
    """Read and check a templates file; `departments` are the known department ids."""
    try:
        # Only a regular file: by default it lies in the content root (see
        # kb.content.regular_files), where a link or a named pipe must not hang us.
        text = read_regular_file(path, SETTINGS_FILE_MAX_BYTES, str(path)).decode("utf-8")
    except ContentError as exc:
        if exc.kind == "missing":
            raise ConfigError(
                f"value-stream file {path} does not exist; create it or fix the setting "
                "workflows_file"
            ) from None
        raise ConfigError(f"value-stream file {exc.message}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"value-stream file {path} is not UTF-8; save it as UTF-8") from None
    return parse_workflows(text, str(path), departments)


def workflows_path(content_root: Path, configured: str = "") -> Path:
    """The templates file: the configured one, else `_workflows.yml` in the content root."""
    return Path(configured) if configured else content_root / "_workflows.yml"


def parse_workflows(
    text: str, path: str = "_workflows.yml", departments: Collection[str] | None = None
) -> WorkflowCatalog:
    """Parse and check the text of a templates file."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: not valid YAML: {problem}; fix the YAML") from None
    if data is None:
        return WorkflowCatalog({}, path)
    if not isinstance(data, dict) or not isinstance(data.get("workflows"), list):
        raise ConfigError(f"{path}:1: the file must have a list under 'workflows:'")
    known = set(departments) if departments is not None else None
    workflows: dict[str, Workflow] = {}
    for item in data["workflows"]:
        workflow = _workflow(item, path, known)
        if workflow.name in workflows:
            raise ConfigError(
                f"{path}:{workflow.line}: a second value stream named {workflow.name!r}; "
                "names must be unique"
            )
        workflows[workflow.name] = workflow
    return WorkflowCatalog(workflows, path)


def _fail(path: str, node: Any, message: str, key: str | None = None) -> ConfigError:
    """A ConfigError at the line of `key` in `node` (or of the node itself)."""
    line = 0
    if isinstance(node, dict):
        line = node.get(_KEY_LINES, {}).get(key) or node.get(_LINE, 0)
    return ConfigError(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def _texts(node: dict[str, Any], key: str, path: str, what: str) -> dict[str, str]:
    value = node.get(key)
    if isinstance(value, str) and value.strip():
        return {"en": value.strip()}
    if not isinstance(value, dict):
        raise _fail(
            path, node, f"{what} needs '{key}' with an 'en' text (and optionally 'de')", key
        )
    texts = {k: str(v).strip() for k, v in value.items() if k not in _META and str(v).strip()}
    if "en" not in texts:
        raise _fail(path, node, f"{what}: '{key}' needs an 'en' text", key)
    return texts


def _department(
    node: dict[str, Any], key: str, path: str, known: set[str] | None, what: str
) -> str:
    department = node.get(key)
    if not isinstance(department, str) or not department.strip():
        raise _fail(path, node, f"{what} needs '{key}' naming a department", key)
    if known is not None and department not in known:
        raise _fail(
            path,
            node,
            f"{what}: unknown department {department!r}; known: {', '.join(sorted(known))}",
            key,
        )
    return department


def _workflow(node: Any, path: str, known: set[str] | None) -> Workflow:
    if not isinstance(node, dict):
        raise _fail(path, node, f"each value stream must be a mapping, got {node!r}")
    name = node.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(
            path,
            node,
            f"value stream name must be lower-case letters, digits, - or _, got {name!r}",
            "name",
        )
    what = f"value stream {name!r}"
    triggers_node = node.get("triggers") or {}
    if not isinstance(triggers_node, dict):
        raise _fail(
            path, node, f"{what}: 'triggers' must map languages to lists of phrases", "triggers"
        )
    triggers: dict[str, tuple[str, ...]] = {}
    for lang, phrases in triggers_node.items():
        if lang in _META:
            continue
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise _fail(
                path, triggers_node, f"{what}: triggers.{lang} must be a list of phrases", lang
            )
        triggers[lang] = tuple(phrases)
    tasks_node = node.get("tasks")
    if not isinstance(tasks_node, list) or not tasks_node:
        raise _fail(path, node, f"{what} needs a non-empty list of 'tasks'", "tasks")
    tasks = [_task(t, path, known, what) for t in tasks_node]
    return Workflow(
        name=name,
        owner=_department(node, "owner", path, known, what),
        title=_texts(node, "title", path, what),
        triggers=triggers,
        tasks=_in_dependency_order(tasks, tasks_node, path, what),
        line=node.get(_LINE, 0),
    )


def _task(node: Any, path: str, known: set[str] | None, what: str) -> WorkflowTask:
    if not isinstance(node, dict):
        raise ConfigError(f"{path}: {what}: each task must be a mapping, got {node!r}")
    key = node.get("key")
    if not isinstance(key, str) or not _NAME.match(key):
        raise _fail(
            path,
            node,
            f"{what}: task key must be lower-case letters, digits, - or _, got {key!r}",
            "key",
        )
    depends = node.get("depends_on") or []
    if isinstance(depends, str):
        depends = [depends]
    if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
        raise _fail(
            path,
            node,
            f"{what}: task {key!r}: depends_on must be a list of task keys",
            "depends_on",
        )
    return WorkflowTask(
        key=key,
        department=_department(node, "department", path, known, f"{what}, task {key!r}"),
        title=_texts(node, "title", path, f"{what}, task {key!r}"),
        depends_on=tuple(depends),
    )


def _in_dependency_order(
    tasks: list[WorkflowTask], nodes: list[Any], path: str, what: str
) -> tuple[WorkflowTask, ...]:
    """The tasks, each after everything it depends on; file order otherwise kept."""
    by_key: dict[str, WorkflowTask] = {}
    for task, node in zip(tasks, nodes, strict=True):
        if task.key in by_key:
            raise _fail(path, node, f"{what}: two tasks have the key {task.key!r}", "key")
        by_key[task.key] = task
    for task, node in zip(tasks, nodes, strict=True):
        unknown = [d for d in task.depends_on if d not in by_key]
        if unknown:
            raise _fail(
                path,
                node,
                f"{what}: task {task.key!r} depends on unknown tasks "
                f"{unknown!r}; known: {', '.join(by_key)}",
                "depends_on",
            )
    ordered: list[WorkflowTask] = []
    placed: set[str] = set()
    pending = list(tasks)
    while pending:
        ready = next((t for t in pending if set(t.depends_on) <= placed), None)
        if ready is None:
            cycle = _cycle(pending)
            node = nodes[[t.key for t in tasks].index(cycle[0])]
            raise _fail(
                path,
                node,
                f"{what}: tasks depend on each other in a cycle ({' -> '.join(cycle)}); "
                "remove one of the dependencies",
                "depends_on",
            )
        ordered.append(ready)
        placed.add(ready.key)
        pending.remove(ready)
    return tuple(ordered)


def _cycle(pending: list[WorkflowTask]) -> list[str]:
    """One dependency cycle among tasks that cannot be placed, as keys."""
    by_key = {t.key: t for t in pending}
    path: list[str] = []
    key = pending[0].key
    while key not in path:
        path.append(key)
        key = next(d for d in by_key[key].depends_on if d in by_key)
    return [*path[path.index(key) :], key]
