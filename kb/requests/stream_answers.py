"""What a value stream its tasks resolved answers, for an article drafted from it.

The last task of a value stream (one request, a task per department: an
onboarding) resolves its request with the product's note ("All 4 tasks are
done."), which answers no question, and the request's title names the
person it was for ("Onboarding Emma Schulz, starts 1 March"). What the
departments did is in the tasks: each one's title, its department and the
note it was completed with. So a draft of such a request answers with those
steps, in the tasks' order ("Laptop (IT Service Desk). Ready at the service
desk on the first day."), under the question its requester wrote, else the
value stream's own title ("Onboarding a new hire"). The names the request's
title holds stay people of the request, whom the draft never names. Its
summary says what the request was about, not its first step: the topic and
the departments whose steps it holds ("Onboarding a new hire: what Human
Resources and IT Service Desk do, step by step.", `steps_summary`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from kb.authoring.from_request import shortened
from kb.i18n.catalog import domain_catalog, format_list
from kb.requests import entry_notes
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request, RequestEntry, RequestTask, TaskStatus

if TYPE_CHECKING:  # the permissions ask `resolved_by_tasks`; templates are not theirs
    from kb.requests.workflows import WorkflowCatalog

_TASKS_DONE = "entry_note_tasks_done"


def resolved_by_tasks(request: Request) -> bool:
    """Whether `request` is a value stream its last task resolved: answered by
    its tasks, not by a text a person wrote."""
    wording = entry_notes.NOTES.wording((request.resolution or "").strip())
    return (
        bool(request.workflow)
        and request.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
        and wording is not None
        and wording[0] == _TASKS_DONE
    )


def steps_answer(
    tasks: Sequence[RequestTask], entries: Sequence[RequestEntry], department: Callable[[str], str]
) -> str:
    """The done tasks as the answer's paragraphs, in order: "Title (Department).",
    then the note it was completed with."""
    notes = {
        e.data.get("task"): e.message.strip()
        for e in entries
        if e.kind == "task" and e.data.get("status") == TaskStatus.DONE.value
    }
    paragraphs = []
    for task in sorted(tasks, key=lambda t: t.id or 0):
        if task.status is not TaskStatus.DONE:
            continue
        # The step its own sentence: a note's sentence about the person it was
        # for is left out of the draft, the step stays.
        step = f"{task.title} ({department(task.department)})."
        note = " ".join(str(notes.get(task.id) or "").split())
        paragraphs.append(f"{step} {note}" if note else step)
    return "\n\n".join(paragraphs)


def steps_summary(
    topic: str, tasks: Sequence[RequestTask], department: Callable[[str], str], lang: str
) -> str:
    """The summary of a draft answered by the done `tasks`' steps, in `lang`:
    its `topic` (the draft's title) and the departments that took the steps,
    in their order."""
    done = sorted((t for t in tasks if t.status is TaskStatus.DONE), key=lambda t: t.id or 0)
    names = list(dict.fromkeys(department(t.department) for t in done))
    said = domain_catalog().plural(
        lang, "draft_steps_summary", len(names), topic=topic, departments=format_list(lang, names)
    )
    return shortened(said)


def as_answered(
    request: Request,
    tasks: Sequence[RequestTask],
    entries: Sequence[RequestEntry],
    workflows: WorkflowCatalog,
    department: Callable[[str], str],
    lang: Callable[[str], str],
) -> Request:
    """`request` as a draft reads it: a value stream its tasks resolved with the
    steps as its answer and, unless its requester wrote a question, the value
    stream's title (in the language of the request) as its question; any
    other request as it is."""
    if not resolved_by_tasks(request) or request.workflow is None:
        return request
    question = request.query
    if "?" not in request.description and request.workflow in workflows.workflows:
        stream = workflows.workflows[request.workflow]
        question = stream.title_in(lang(f"{request.query}\n{request.description}"))
    elif "?" in request.description:
        question = request.description
    answer = steps_answer(tasks, entries, department)
    return replace(request, query=question, resolution=answer)
