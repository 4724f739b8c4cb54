"""Turning one request change into outbox messages.

The request service calls `Notifier.notify` after every change, naming the
event and who should hear of it; the notifier writes one outbox message per
target:

* a webhook message to each named department that has a webhook, with the
  JSON payload `{event, request, entry, ts}`;
* an e-mail to the requester (in the language of their question, English or
  German) and to each named department's queue address, when e-mail is on.

Messages are queued right after the change is saved. Should the process die
between the two, the history still shows the change but that one
notification is missing; everything queued is delivered (see `worker`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from kb.notify.config import NotifyConfig
from kb.notify.mail import MAIL_LANGUAGES, Audience, compose
from kb.notify.outbox import OutboxMessage
from kb.requests.records import Request, RequestEntry
from kb.requests.serialize import entry_dict, request_dict
from kb.store.protocols import Store
from kb.validators import utc_now

logger = logging.getLogger(__name__)


def request_language(text: str) -> str:
    """The language of a question for replies: en or de (en when unsure)."""
    from kb.language import detect_language  # loads a language model: only when needed

    lang = detect_language(text)
    return lang if lang in MAIL_LANGUAGES else "en"


class Notifier:
    """Queues the notifications of request changes."""

    def __init__(
        self,
        store: Store,
        config: NotifyConfig,
        *,
        department_names: Mapping[str, str] | None = None,
        language_of: Callable[[str], str] = request_language,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.config = config
        self._names = dict(department_names or {})
        self._language_of = language_of
        self._clock = clock

    def requester_language(self, request: Request) -> str:
        """The language of the question (en or de; en when unsure)."""
        lang = self._language_of(f"{request.query}\n{request.description}")
        return lang if lang in MAIL_LANGUAGES else "en"

    def notify(
        self,
        event: str,
        request: Request,
        entry: RequestEntry,
        *,
        webhooks: Iterable[str] = (),
        requester: bool = False,
        queues: Iterable[str] = (),
    ) -> list[OutboxMessage]:
        """Queue `event` for the webhooks of `webhooks`, the requester (if asked and
        the entry is visible to them) and the queue addresses of `queues`."""
        now = self._clock()
        messages = self._webhook_messages(event, request, entry, webhooks, now)
        if self.config.mail_enabled:
            messages += self._mail_messages(event, request, entry, requester, queues, now)
        return [self.store.enqueue(m) for m in messages]

    def _webhook_messages(
        self,
        event: str,
        request: Request,
        entry: RequestEntry,
        departments: Iterable[str],
        now: datetime,
    ) -> list[OutboxMessage]:
        payload = {
            "event": event,
            "request": request_dict(request),
            "entry": entry_dict(entry),
            "ts": now.isoformat(),
        }
        out = []
        for department in dict.fromkeys(departments):
            hook = self.config.webhooks.get(department)
            if hook is not None:
                out.append(
                    OutboxMessage(
                        topic=event,
                        target=hook.url,
                        payload=payload,
                        created=now,
                        next_attempt_at=now,
                    )
                )
        return out

    def _mail_messages(
        self,
        event: str,
        request: Request,
        entry: RequestEntry,
        requester: bool,
        queues: Iterable[str],
        now: datetime,
    ) -> list[OutboxMessage]:
        recipients: list[tuple[str, Audience, str]] = []
        if requester and entry.visible_to_requester:
            address = self.config.requester_address(request.requester)
            if address:
                recipients.append((address, "requester", ""))
            else:
                logger.info(
                    "notify: no e-mail address for requester %s (set mail_domain)",
                    request.requester,
                )
        for department in dict.fromkeys(queues):
            address = self.config.queue_addresses.get(department)
            if address:
                recipients.append((address, "queue", department))
        out = []
        seen: set[str] = set()
        for address, audience, department in recipients:
            if address in seen:
                continue
            seen.add(address)
            lang = self.requester_language(request) if audience == "requester" else "en"
            dept = department or request.department
            text = compose(
                event,
                request,
                entry,
                audience=audience,
                lang=lang,
                department_name=self._names.get(dept, dept),
            )
            if text is None:
                continue
            subject, body = text
            out.append(
                OutboxMessage(
                    topic=event,
                    target=f"email:{address}",
                    payload={
                        "subject": subject,
                        "text": body,
                        "lang": lang,
                        "request_id": request.id,
                        "event": event,
                    },
                    created=now,
                    next_attempt_at=now,
                )
            )
        return out
