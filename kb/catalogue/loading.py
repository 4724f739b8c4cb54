"""The catalogue of a content root: each department file's request types, top
requests and canned replies (`kb.catalogue.replies`), and the value streams of
`_workflows.yml`.

A department file (`_department.yml`) may add:

```yaml
top_requests: [laptop, software, shared-drive]   # ids, shown in this order
request_types:
  - id: laptop
    title: {en: New or replacement laptop, de: Neuer Laptop oder Ersatzgerät}
    summary: {en: "Laptop for {for_whom}", de: "Laptop für {for_whom}"}
    fields: [...]                                  # see kb.catalogue.parsing
```

Department files come from many hands, so one broken request type never
stops the others: it is left out and reported as a `Problem` (a warning of
`kb validate`, logged by the service), with the file, the line and what to
fix. Top requests may name the department's own types and value streams
(`onboarding`); an id nobody defines is reported too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kb.catalogue.form_texts import department_form_error
from kb.catalogue.limits import MAX_REQUEST_TYPES
from kb.catalogue.parsing import TYPE_ID, parse_reply, parse_request_type
from kb.catalogue.replies import CannedReply
from kb.catalogue.trigger_checks import checked_triggers, stream_warnings
from kb.catalogue.types import Catalogue, RequestType
from kb.content.departments import department_text
from kb.content.files import department_path
from kb.content.located_yaml import line_of, load_located
from kb.content.problem_texts import content_error, detail_of, problem
from kb.errors import ConfigError, ContentError
from kb.records import Problem, Severity
from kb.requests.workflows import (
    WORKFLOWS_FILE,
    Workflow,
    WorkflowCatalog,
    load_workflows,
    workflows_path,
)

logger = logging.getLogger(__name__)


def value_stream_type(workflow: Workflow) -> RequestType:
    """The catalogue entry of a value stream: its form, owned by its owner."""
    return RequestType(
        id=workflow.name,
        department=workflow.owner,
        title=workflow.title,
        description=workflow.description,
        summary=workflow.summary,
        fields=workflow.fields,
        triggers=workflow.triggers,
        workflow=workflow.name,
    )


def catalogue_source(
    catalogue: Catalogue | Callable[[], Catalogue] | None,
    workflows: Callable[[], WorkflowCatalog],
) -> Callable[[], Catalogue]:
    """The catalogue as a source asked at each use (the web app's follows the
    department files); without one of its own, the value streams are the catalogue."""
    if callable(catalogue):
        return catalogue
    fixed = catalogue or Catalogue(
        {w.name: value_stream_type(w) for w in workflows().workflows.values()}
    )
    return lambda: fixed


def _warning(exc: ContentError) -> Problem:
    """A catalogue entry left out: its text (`kb.content.setup_texts`), or the
    message of a request form's part framed as `catalogue_entry`."""
    if exc.text_key or exc.hint:
        return Problem(
            exc.path, exc.reason, exc.hint, exc.line, Severity.WARNING, "catalogue",
            exc.text_key, exc.text_values,
        )  # fmt: skip
    return problem(
        "catalogue_entry", exc.path, kind="catalogue", line=exc.line, detail=exc.reason,
        **detail_of(exc),
    )  # fmt: skip


class _DepartmentFile:
    """One department file's catalogue entries, collected with their problems."""

    def __init__(self, slug: str, rel: str, data: Any) -> None:
        self.slug = slug
        self.rel = rel
        self.data = data if isinstance(data, dict) else {}
        self.types: list[RequestType] = []
        self.replies: list[CannedReply] = []
        self.problems: list[Problem] = []

    def fail(self, node: Any, at: str | None, key: str, /, **values: Any) -> ContentError:
        """The error of a request form's text `key` (`kb.catalogue.form_texts`) at
        the line of `at` in `node`, carrying the key for a page to say it."""
        return department_form_error(self.rel, line_of(node, at), key, **values)

    def left_out(self, node: Any, field: str | None, text: str, **values: Any) -> None:
        """Note the problem of text `text` (`kb.content.setup_texts`) at `field` of `node`."""
        line = line_of(node, field)
        found = content_error(text, self.rel, kind="catalogue", line=line, **values)
        self.problems.append(_warning(found))

    def read_types(self) -> None:
        items = self.data.get("request_types")
        if items is None:
            return
        if not isinstance(items, list):
            self.left_out(self.data, "request_types", "request_types_not_list")
            return
        if len(items) > MAX_REQUEST_TYPES:
            count, limit = len(items), MAX_REQUEST_TYPES
            self.left_out(
                self.data, "request_types", "request_types_too_many", count=count, limit=limit
            )
            items = items[:MAX_REQUEST_TYPES]
        for item in items:
            try:
                parsed = parse_request_type(item, self.slug, self.fail)
            except ContentError as exc:
                self.problems.append(_warning(exc))
                continue
            checked, warnings = checked_triggers(parsed, item, self.rel)
            self.types.append(checked)
            self.problems.extend(warnings)

    def read_replies(self) -> None:
        items = self.data.get("canned_replies")
        if items is None:
            return
        if not isinstance(items, list):
            self.left_out(self.data, "canned_replies", "canned_replies_not_list")
            return
        for item in items:
            try:
                reply = parse_reply(item, self.slug, self.fail)
            except ContentError as exc:
                self.problems.append(_warning(exc))
                continue
            if any(r.id == reply.id for r in self.replies):
                self.left_out(item, "id", "canned_reply_twice", id=repr(reply.id))
                continue
            self.replies.append(reply)

    def top_ids(self) -> list[str]:
        ids = self.data.get("top_requests") or []
        if not isinstance(ids, list) or not all(
            isinstance(i, str) and TYPE_ID.match(i) for i in ids
        ):
            self.left_out(self.data, "top_requests", "top_requests_not_list")
            return []
        return list(dict.fromkeys(ids))


def _read_file(folder: Path, slug: str) -> _DepartmentFile | None:
    found = department_text(folder, slug)
    if found is None:
        return None
    text, rel = found

    def error(message: str, line: int | None) -> ContentError:
        return ContentError(message, path=rel, line=line, kind="catalogue")

    return _DepartmentFile(slug, rel, load_located(text, rel, error))


def _unique_types(
    files: list[_DepartmentFile], streams: dict[str, RequestType], problems: list[Problem]
) -> dict[str, RequestType]:
    """The request types of the department files by id. An id that two
    departments define is nobody's (each file is told): otherwise the first
    file by folder name would take another department's form, its place on
    that department's card and the requests people file through it."""
    definers: dict[str, list[str]] = {}
    for file in files:
        for found in file.types:
            definers.setdefault(found.id, [])
            if file.slug not in definers[found.id]:
                definers[found.id].append(file.slug)
    types: dict[str, RequestType] = {}
    for file in files:
        for found in file.types:
            owners = definers[found.id]
            first = streams.get(found.id) or types.get(found.id)
            if first is not None or len(owners) > 1:
                owner = first.department if first is not None else ""
                problems.append(
                    problem(
                        "request_type_shared" if len(owners) > 1 else "request_type_taken",
                        file.rel,
                        kind="catalogue",
                        id=repr(found.id),
                        owners=" and ".join(owners),
                        owner=owner,
                    )
                )
                continue
            types[found.id] = found
    return types


def load_catalogue(
    root: Path, departments: Iterable[str], workflows: Iterable[Workflow] = ()
) -> tuple[Catalogue, list[Problem]]:
    """The catalogue of the content root and every problem found in it."""
    types: dict[str, RequestType] = {}
    # Who may show a type on their card: its department, and for a value stream
    # every department with a task in it too.
    shown_by: dict[str, set[str]] = {}
    for w in workflows:
        types[w.name] = value_stream_type(w)
        shown_by[w.name] = {types[w.name].department, *w.departments()}
    top: dict[str, tuple[str, ...]] = {}
    replies: dict[str, tuple[CannedReply, ...]] = {}
    problems: list[Problem] = []
    files = []
    for slug in sorted(departments):
        try:
            file = _read_file(department_path(root, slug), slug)
        except ContentError:
            continue  # an unreadable file: its department reader reports it (kb validate)
        if file is None:
            continue
        file.read_types()
        file.read_replies()
        files.append(file)
    types.update(_unique_types(files, types, problems))
    for file in files:
        ids = file.top_ids()
        unknown = [i for i in ids if i not in types]
        if unknown:
            file.left_out(file.data, "top_requests", "top_requests_unknown", ids=", ".join(unknown))
        # Another department's type would stand on this one's card as its service.
        foreign = [
            i for i in ids if i in types and file.slug not in shown_by.get(i, {types[i].department})
        ]
        if foreign:
            owners = ", ".join(sorted({types[i].department for i in foreign}))
            file.left_out(
                file.data,
                "top_requests",
                "top_requests_foreign",
                ids=", ".join(foreign),
                owners=owners,
            )
        top[file.slug] = tuple(i for i in ids if i in types and i not in foreign)
        replies[file.slug] = tuple(file.replies)
        problems.extend(file.problems)
    return Catalogue(types, top, replies), problems


def log_problems(problems: Iterable[Problem]) -> None:
    for found in problems:
        logger.warning("%s", found)


def check_catalogue(
    root: Path, departments: Iterable[str], workflows_file: str = "", triage: str = "triage"
) -> list[Problem]:
    """Every problem of the value-stream file and the catalogue (for `kb validate`):
    a value-stream file that does not load is an error (the request service
    would not start; edited while it runs, the last good value streams stay in
    use until it is fixed), a broken request type a warning."""
    known = [*departments]
    path = workflows_path(root, workflows_file)
    stray = _stray_value_streams(root, known, path)
    workflows: Iterable[Workflow] = ()
    if workflows_file or path.is_file():
        try:
            workflows = load_workflows(path, [*known, triage]).workflows.values()
        except ConfigError as exc:
            return [_value_stream_problem(root, path, exc), *stray]
        stray += stream_warnings(workflows, _shown(root, path))
    return [*stray, *load_catalogue(root, known, workflows)[1]]


def _shown(root: Path, path: Path) -> str:
    """The value-stream file as problems name it: by name in the content root."""
    return path.name if path.parent == root else str(path)


def _stray_value_streams(root: Path, departments: Iterable[str], read: Path) -> list[Problem]:
    """A `_workflows.yml` in a department folder (the sample's copied into a new
    department, say) is never read: said, so that nobody waits for its forms."""
    expected = _shown(root, read)
    found = []
    for slug in sorted(departments):
        stray = department_path(root, slug) / WORKFLOWS_FILE
        if stray != read and stray.is_file() and not stray.is_symlink():
            rel = f"{slug}/{WORKFLOWS_FILE}"
            found.append(problem("value_streams_in_department", rel, kind="value_streams",
                                 expected=expected))  # fmt: skip
    return found


def _value_stream_problem(root: Path, path: Path, exc: ConfigError) -> Problem:
    """A value-stream file that does not load: its name, the line the message names
    ("…/_workflows.yml:12: what"), and what is wrong."""
    rel = _shown(root, path)
    at = re.match(rf"{re.escape(str(path))}:(\d+): (.*)\Z", exc.message, re.DOTALL)
    return problem(
        "value_streams",
        rel,
        kind="value_streams",
        severity=Severity.ERROR,
        line=int(at.group(1)) if at else None,
        detail=at.group(2) if at else exc.message,
        **detail_of(exc),
    )
