"""Notifications about requests: webhooks and e-mail, through the outbox.

Nothing is sent while a request changes. The change writes `OutboxMessage`s
(`kb.outbox`) to the store (`notifier`), and a worker delivers them later
(`worker`): webhooks as signed JSON POSTs (`webhooks`), e-mails over SMTP
(`mail`). A delivery that fails is retried with exponential backoff, so a
target that is down loses nothing. `config` says where notifications go.
"""

from kb.notify.config import NotifyConfig, Webhook
from kb.notify.notifier import Notifier
from kb.notify.webhooks import SIGNATURE_HEADER, sign, verify_signature
from kb.notify.worker import DeliveryReport, OutboxWorker

__all__ = [
    "SIGNATURE_HEADER",
    "DeliveryReport",
    "Notifier",
    "NotifyConfig",
    "OutboxWorker",
    "Webhook",
    "sign",
    "verify_signature",
]
