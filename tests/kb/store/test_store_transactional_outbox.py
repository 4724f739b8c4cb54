"""A change and the notifications it announces are stored together or not at
all: a process killed between writing the change and writing its outbox
messages, or just before the commit, leaves neither; killed after the commit,
both. Checked on both stores, for a new request (`create_request`), a change
(`update_request`) and a completed task (`update_task`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from kb.notify.config import NotifyConfig, Webhook
from kb.notify.notifier import Notifier
from kb.requests.service import RequestService
from kb.store.factory import create_store
from kb.store.protocols import Store
from kb.store.schema import outbox, request_tasks, requests
from tests.conftest import ROOT
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT, Clock, guess_language

# Each case starts a child process (about three seconds).
pytestmark = pytest.mark.slow

# Where the child process dies: inside the transaction after the change is
# written (while its notifications are being built), at the commit after the
# notifications are written, or after the commit.
CRASH_POINTS = ("while_announcing", "at_commit", "after_commit")

CHILD = """
import os, signal, sys
from sqlalchemy import event
from kb.store.factory import create_store
from tests.kb.store.test_store_transactional_outbox import service_for, ACTIONS

url, point, action, request_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = create_store(url)
service = service_for(store)

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "while_announcing":
    messages = service.notifier.messages
    def dying(*args, **kwargs):
        messages(*args, **kwargs)
        die()
    service.notifier.messages = dying
elif point == "at_commit":
    event.listen(store.engine, "commit", die)
ACTIONS[action](service, request_id)
if point == "after_commit":
    die()
"""


def service_for(store: Store) -> RequestService:
    """A request service whose changes notify IT's webhook and the queues by mail."""
    config = NotifyConfig(
        webhooks={"it": Webhook("http://127.0.0.1:9/hook", "IT_HOOK_SECRET")},
        queue_addresses={"it": "it@example.org"},
        mail_enabled=True,
        mail_domain="example.org",
    )
    notifier = Notifier(config, language_of=guess_language, clock=Clock())
    return RequestService(
        store, departments=DEPARTMENTS, notifier=notifier, language_of=guess_language
    )


def _submit(service: RequestService, _request_id: int) -> None:
    service.submit(EMPLOYEE, "VPN drops every hour", department="it")


def _resolve(service: RequestService, request_id: int) -> None:
    service.resolve(IT_AGENT, request_id, "Restart the client.")


def _complete_task(service: RequestService, request_id: int) -> None:
    service.complete_task(IT_AGENT, request_id, 1, "Laptop handed over.")


ACTIONS = {"submit": _submit, "resolve": _resolve, "complete_task": _complete_task}
TOPIC = {
    "submit": "request.created",
    "resolve": "request.resolved",
    "complete_task": "request.task_completed",
}


def prepared(store: Store, action: str) -> int:
    """The request the child changes (0 when it files a new one)."""
    store.add_user(IT_AGENT)
    service = service_for(store)
    if action == "submit":
        return 0
    if action == "resolve":
        request = service.submit(EMPLOYEE, "Printer offline", department="it")
    else:
        from kb.requests.workflows import parse_workflows

        workflows = parse_workflows(
            "workflows:\n  - name: laptop\n    owner: it\n    title: {en: New laptop}\n"
            "    triggers: {en: [laptop]}\n    tasks:\n      - key: hand\n"
            "        department: it\n        title: {en: Hand over the laptop}\n",
            departments=["it", "triage"],
        )
        service = RequestService(store, departments=DEPARTMENTS, workflows=workflows)
        request = service.submit(EMPLOYEE, "I need a laptop", workflow="laptop")
    assert request.id is not None
    return request.id


def counts(url: str, action: str) -> tuple[int, int]:
    """(rows the action changes, outbox messages announcing such a change)."""
    changed_rows = {
        "submit": select(func.count()).select_from(requests),
        "resolve": select(func.count()).where(requests.c.status == "resolved"),
        "complete_task": select(func.count()).where(request_tasks.c.status == "done"),
    }[action]
    announced = select(func.count()).where(outbox.c.topic == TOPIC[action])
    store = create_store(url)
    try:
        with store.engine.connect() as conn:
            return conn.execute(changed_rows).scalar_one(), conn.execute(announced).scalar_one()
    finally:
        store.close()


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_change_and_its_notifications_commit_together(
    store: Store, store_url: str, action: str, point: str
) -> None:
    request_id = prepared(store, action)
    before_changed, before_notes = counts(store_url, action)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, store_url, point, action, str(request_id)],
        cwd=ROOT,
        env={**os.environ, "IT_HOOK_SECRET": "s3cret"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr  # killed, as a crash would
    changed, notes = counts(store_url, action)
    expected = point == "after_commit"
    assert (changed > before_changed) == expected, (action, point)
    assert (notes > before_notes) == expected, (action, point)
