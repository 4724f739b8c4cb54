"""What a request change is called, and who hears about it: one table.

Every change the request service makes is announced under a `Topic`;
`WHO_HEARS` says, per topic, which departments' webhooks are called and who
gets an e-mail. Webhooks and mail read the same table, so adding a topic or
changing who hears it is one line here. Four rules hold for every topic:

* an internal entry (a note not visible to the requester) is mailed to
  nobody but the agent it makes the holder (`Party.ASSIGNEE`) and the
  content owners who are to publish a draft (`Party.CONTENT_OWNERS`), and
  their mail quotes no internal text; webhooks still hear it;
* nobody is mailed about what they did themselves: the agent who takes a
  request or task, or hands it to themselves, hears nothing;
* the requester is not mailed about what they did themselves either, unless the
  topic says so (the confirmation of a new request);
* a change made by a rule rather than a person (`"automatic"` in the entry's
  data) is mailed only where the topic says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum

from kb.requests.records import RequestEntry


class Topic(StrEnum):
    """The name of a request event, as webhooks receive it in `event`."""

    CREATED = "request.created"
    COMMENTED = "request.commented"
    STATUS_CHANGED = "request.status_changed"
    RESOLVED = "request.resolved"
    ASSIGNED = "request.assigned"
    REASSIGNED = "request.reassigned"
    TASK_COMPLETED = "request.task_completed"
    TASK_READY = "request.task_ready"
    TASK_HANDED_OVER = "request.task_handed_over"
    ARTICLE_DRAFTED = "request.article_drafted"
    ARTICLE_PUBLISHED = "request.article_published"
    ATTACHED = "request.attachment_added"
    RATED = "request.rated"
    MERGED = "request.merged"
    WATCHER_ADDED = "request.watcher_added"


class Party(Enum):
    """Who a notification may go to, relative to the change."""

    REQUESTER = "requester"
    QUEUE = "queue"  # the department whose queue the request is in now
    PREVIOUS_QUEUE = "previous_queue"  # before a reassignment (`from_department`)
    TASK_QUEUE = "task_queue"  # the department of the task concerned (`department`)
    WATCHERS = "watchers"  # the request's watchers (never the one who acted)
    # The agent the change makes the holder of the request or task (`holder_of`).
    ASSIGNEE = "assignee"
    # The person someone else made a watcher (`added` of a `watchers` entry).
    ADDED_WATCHER = "added_watcher"
    # The content owners of the request's department who publish a draft written
    # from it (`owners` of the entry: never the one who wrote it).
    CONTENT_OWNERS = "content_owners"


@dataclass(frozen=True)
class Hearers:
    """Who hears one topic: departments by webhook, people and queues by mail."""

    webhooks: tuple[Party, ...] = ()
    mail: tuple[Party, ...] = ()
    own_action_mailed: bool = False  # the requester hears of their own change
    automatic_mailed: bool = True  # a change made by a rule is mailed too


_P = Party
WHO_HEARS: Mapping[Topic, Hearers] = {
    Topic.CREATED: Hearers((_P.QUEUE,), (_P.REQUESTER, _P.QUEUE), own_action_mailed=True),
    Topic.COMMENTED: Hearers((_P.QUEUE,), (_P.REQUESTER, _P.QUEUE, _P.WATCHERS)),
    Topic.STATUS_CHANGED: Hearers(
        (_P.QUEUE,), (_P.REQUESTER, _P.QUEUE, _P.WATCHERS), automatic_mailed=False
    ),
    Topic.RESOLVED: Hearers((_P.QUEUE,), (_P.REQUESTER, _P.QUEUE, _P.WATCHERS)),
    Topic.ASSIGNED: Hearers((_P.QUEUE,), (_P.ASSIGNEE,)),
    Topic.REASSIGNED: Hearers((_P.PREVIOUS_QUEUE, _P.QUEUE), (_P.REQUESTER, _P.QUEUE, _P.WATCHERS)),
    Topic.TASK_COMPLETED: Hearers((_P.QUEUE, _P.TASK_QUEUE)),
    Topic.TASK_READY: Hearers((_P.TASK_QUEUE,), (_P.TASK_QUEUE,)),
    Topic.TASK_HANDED_OVER: Hearers((_P.TASK_QUEUE,), (_P.ASSIGNEE,)),
    Topic.ARTICLE_DRAFTED: Hearers((_P.QUEUE,), (_P.CONTENT_OWNERS,)),
    Topic.ARTICLE_PUBLISHED: Hearers((_P.QUEUE,)),
    Topic.ATTACHED: Hearers((_P.QUEUE,), (_P.REQUESTER, _P.QUEUE, _P.WATCHERS)),
    Topic.RATED: Hearers((_P.QUEUE,), (_P.QUEUE,)),
    Topic.MERGED: Hearers((_P.QUEUE,), (_P.REQUESTER,)),
    # Told once, with the link that ends their mails (`kb.notify.unwatch_links`).
    Topic.WATCHER_ADDED: Hearers((), (_P.ADDED_WATCHER,)),
}


def holder_of(entry: RequestEntry) -> str | None:
    """The agent an entry makes the holder: `to` of an assignment, `handed_to`
    of a task's hand-over (None: nobody, as after unassigning or a release)."""
    if entry.kind == "assigned":
        return str(entry.data.get("to") or "") or None
    if entry.kind == "task":
        return str(entry.data.get("handed_to") or "") or None
    return None
