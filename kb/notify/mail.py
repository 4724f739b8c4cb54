"""E-mail notifications: their wording (English or German) and sending over SMTP.

`compose` writes the subject and plain-text body when the change happens, in
the reader's language; the outbox keeps them, and `MailSender` sends them
later as they were written. Every subject carries the request number
(`[Request #12]`, `[Anfrage #12]`) so replies and filters can find it.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from kb.notify.outbox import OutboxMessage
from kb.notify.webhooks import DeliveryFailed
from kb.requests.records import Request, RequestEntry

Audience = Literal["requester", "queue"]
MAIL_LANGUAGES = ("en", "de")

_STATUS = {
    "en": {
        "new": "new", "triaged": "triaged", "in_progress": "in progress",
        "waiting_for_requester": "waiting for your reply", "resolved": "resolved",
        "closed": "closed",
    },
    "de": {
        "new": "neu", "triaged": "zugeordnet", "in_progress": "in Bearbeitung",
        "waiting_for_requester": "wartet auf Ihre Antwort", "resolved": "gelöst",
        "closed": "geschlossen",
    },
}  # fmt: skip

# event → audience → language → (subject, opening line); {dept} and {status} are filled in.
_TEXTS: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "request.created": {
        "requester": {
            "en": ("We received your request", "Thank you. Your request is with {dept}."),
            "de": ("Wir haben Ihre Anfrage erhalten", "Danke. Ihre Anfrage liegt bei {dept}."),
        },
        "queue": {"en": ("New request", "A new request is in the {dept} queue.")},
    },
    "request.commented": {
        "requester": {
            "en": ("New reply", "There is a new reply to your request:"),
            "de": ("Neue Antwort", "Es gibt eine neue Antwort zu Ihrer Anfrage:"),
        },
        "queue": {"en": ("New comment", "A request in the {dept} queue has a new comment:")},
    },
    "request.status_changed": {
        "requester": {
            "en": ("Status: {status}", "The status of your request is now: {status}."),
            "de": ("Status: {status}", "Der Status Ihrer Anfrage ist jetzt: {status}."),
        },
        "queue": {"en": ("Status: {status}", "A request in the {dept} queue is now {status}.")},
    },
    "request.resolved": {
        "requester": {
            "en": ("Resolved", "Your request has been resolved:"),
            "de": ("Gelöst", "Ihre Anfrage wurde gelöst:"),
        },
        "queue": {"en": ("Resolved", "A request in the {dept} queue was resolved:")},
    },
    "request.reassigned": {
        "requester": {
            "en": ("Passed to {dept}", "Your request has been passed to {dept}."),
            "de": ("Weitergeleitet an {dept}", "Ihre Anfrage wurde an {dept} weitergeleitet."),
        },
        "queue": {"en": ("Passed to {dept}", "A request has been passed to the {dept} queue.")},
    },
    "request.task_ready": {
        "queue": {"en": ("Task ready", "A task for {dept} can start now:")},
    },
}

_LABELS = {
    "en": ("Request", "Question", "Status", "Department", "Reply on the request page; "
           "this address does not read replies."),
    "de": ("Anfrage", "Frage", "Status", "Abteilung", "Antworten Sie bitte auf der Seite der "
           "Anfrage; diese Adresse liest keine Antworten."),
}  # fmt: skip


def compose(
    event: str,
    request: Request,
    entry: RequestEntry,
    *,
    audience: Audience,
    lang: str = "en",
    department_name: str = "",
) -> tuple[str, str] | None:
    """Subject and body for one reader; None when this event sends them no mail."""
    per_audience = _TEXTS.get(event, {}).get(audience)
    if not per_audience:
        return None
    lang = lang if lang in per_audience else "en"
    status_names = _STATUS.get(lang, _STATUS["en"])
    fill = {
        "dept": department_name or request.department,
        "status": status_names.get(request.status.value, request.status.value),
    }
    subject_text, opening = (s.format(**fill) for s in per_audience[lang])
    label, question, status, department, footer = _LABELS.get(lang, _LABELS["en"])
    subject = f"[{label} #{request.id}] {subject_text}: {_short(request.query)}"
    lines = [opening, ""]
    if entry.message.strip() and (audience == "queue" or entry.visible_to_requester):
        lines += [_indent(entry.message), ""]
    lines += [
        f"{label} #{request.id}",
        f"{question}: {request.query}",
        f"{status}: {status_names.get(request.status.value, request.status.value)}",
        f"{department}: {fill['dept']}",
        "",
        footer,
    ]
    return subject, "\n".join(lines) + "\n"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.strip().splitlines())


@dataclass(frozen=True)
class MailSender:
    """Sends e-mail outbox messages (target `email:ADDRESS`) through one SMTP server."""

    host: str
    port: int = 25
    mail_from: str = "spoc-kb@localhost"
    timeout: float = 10.0

    def build(self, message: OutboxMessage) -> EmailMessage:
        payload = message.payload
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = message.target.removeprefix("email:")
        mail["Subject"] = str(payload.get("subject", message.topic))
        # The same id on every retry lets mail clients drop a duplicate.
        domain = self.mail_from.rpartition("@")[2] or "localhost"
        stamp = int(message.created.timestamp())
        mail["Message-ID"] = f"<spoc-kb.{message.id}.{stamp}@{domain}>"
        mail.set_content(str(payload.get("text", "")))
        if payload.get("lang"):  # after set_content, which drops Content-* headers
            mail["Content-Language"] = str(payload["lang"])
        return mail

    def send(self, message: OutboxMessage) -> None:
        """Hand the message to the SMTP server; raises DeliveryFailed when it cannot."""
        mail = self.build(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(
                f"could not send mail to {mail['To']} via {self.host}:{self.port}: {exc}"
            ) from exc
