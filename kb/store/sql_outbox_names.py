"""Notifications still queued when an account is renamed, merged or removed.

The outbox keeps each message as it was written (`kb.notify.outbox`): an
e-mail's target is the person's address of the time, a webhook's payload
names people by username (and a self-watcher's mail the watcher, whose
roles it is sent by: `kb.notify.worker`). A message that waits in the outbox when the
account changes would otherwise go to the old address, which a later
account given the freed name may own, and tell the department's systems the
old name. `move_queued` rewrites, in the transaction of the change, the
undelivered messages: a mail's target by the addresses the caller worked out
(`kb.notify.config.NotifyConfig.readdress`; None: the account has no address
now, and the message is given up on with the reason), a webhook's request
and entry fields that name people. Delivered messages stay as they were sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, or_, select, update

from kb.notify.outbox import READER
from kb.store.schema import outbox
from kb.store.sql_account_names import PERSON_KEYS, mentions

NAME_FIELDS = ("requester", "assignee")


def move_queued(conn: Connection, old: str, new: str, readdress: Mapping[str, str | None]) -> int:
    """Rewrite the undelivered messages to or about `old`; returns how many."""
    rows = conn.execute(
        select(outbox.c.id, outbox.c.target, outbox.c.payload)
        .where(outbox.c.delivered_at.is_(None))
        .where(or_(outbox.c.target.in_(list(readdress)), mentions(outbox.c.payload, old)))
    ).all()
    moved = 0
    for row in rows:
        values: dict[str, Any] = {}
        if row.target in readdress:
            target = readdress[row.target]
            if target is None:
                values["next_attempt_at"] = None
                values["last_error"] = (
                    f"not sent: the account {old} is {new} now, which has no e-mail address"
                )
            else:
                values["target"] = target
        payload = _renamed(row.payload, old, new)
        if payload != row.payload:
            values["payload"] = payload
        if values:
            conn.execute(update(outbox).where(outbox.c.id == row.id).values(values))
            moved += 1
    return moved


def _renamed(payload: Any, old: str, new: str) -> Any:
    """A payload with `old` as `new` where it names a person (a webhook's request's
    requester, assignee and watchers, the entry's actor and the people its data
    names; a mail's reader); other text is left as written."""
    if not isinstance(payload, dict):
        return payload
    out = dict(payload)
    if out.get(READER) == old:  # a self-watcher's mail, sent while their roles let them read
        out[READER] = new
    request = out.get("request")
    if isinstance(request, dict):
        request = dict(request)
        for key in NAME_FIELDS:
            if request.get(key) == old:
                request[key] = new
        if isinstance(request.get("watchers"), list):
            request["watchers"] = list(
                dict.fromkeys(new if w == old else w for w in request["watchers"])
            )
        out["request"] = request
    entry = out.get("entry")
    if isinstance(entry, dict):
        entry = dict(entry)
        if entry.get("actor") == old:
            entry["actor"] = new
        data = entry.get("data")
        if isinstance(data, dict):
            keys = PERSON_KEYS.get(str(entry.get("kind")), ())
            entry["data"] = {k: new if k in keys and v == old else v for k, v in data.items()}
        out["entry"] = entry
    return out
