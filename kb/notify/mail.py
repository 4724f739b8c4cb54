"""E-mail notifications: their wording (in the reader's language) and sending over SMTP.

`compose` writes the subject and plain-text body when the change happens, in
the reader's language, from the catalogues of `kb.i18n`; the outbox keeps them, and `MailSender` sends them
later as they were written. Every subject carries the request number
(`[Request #12]`, `[Anfrage #12]`) so replies and filters can find it, and,
where the setting `site_url` is set, the link to the request's page.

The agent a request or task is given to (audience `assignee`) is told who
gave it, by their display name as the pages name people, and, for a task,
which; their mail never quotes an internal text. So are the content owners
who are to publish a draft written from a request (audience `content_owner`:
the draft's id, who wrote it; the request page links the editor). Every mail to a watcher
ends with how to stop watching: the link for them alone where the site can
sign one (`kb.notify.unwatch_links`), also as the `List-Unsubscribe` header.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from kb.i18n.catalog import DEFAULT_LANGUAGE, domain_catalog
from kb.i18n.labels import label, label_of
from kb.mail_addresses import address_problem
from kb.notify.outbox import UNSUBSCRIBE, OutboxMessage, delivery_key
from kb.notify.webhooks import DeliveryFailed
from kb.requests import entry_notes
from kb.requests.records import Request, RequestEntry
from kb.requests.title_dates import dated_title

Audience = Literal["requester", "queue", "watcher", "assignee", "content_owner"]


def mail_languages() -> tuple[str, ...]:
    """The languages e-mails are written in: those of the catalogues."""
    return tuple(domain_catalog().languages)


def compose(
    topic: str,
    request: Request,
    entry: RequestEntry,
    *,
    audience: Audience,
    lang: str = DEFAULT_LANGUAGE,
    department_name: str = "",
    link: str = "",
    actor_name: str = "",
    unwatch_link: str = "",
) -> tuple[str, str] | None:
    """Subject and body for one reader; None when this topic sends them no mail.

    The texts are the `mail_<event>_<audience>_subject` and `…_opening` messages
    of `kb/i18n/locales/<lang>/mail.po`, which may name the department (`{dept}`),
    the status (`{status}`, its label in `kb.i18n.labels`), who acted (`{actor}`:
    `actor_name`, else their username), a task's number and title (`{task}`,
    `{title}`) and a drafted article's id (`{article}`); titles name their dates as
    the reader's language does (`kb.requests.title_dates`); `link` is the request
    page's address. A watcher's mail says how to stop watching (`unwatch_link`)."""
    texts = domain_catalog()
    key = f"mail_{topic.partition('.')[2]}_{audience}"
    if not texts.has(DEFAULT_LANGUAGE, f"{key}_subject"):
        return None
    lang = lang if lang in texts.languages else DEFAULT_LANGUAGE
    status = _status(request, audience, lang)
    fill = {
        "dept": department_name or request.department,
        "status": status,
        "actor": actor_name or entry.actor,
        "task": entry.data.get("task", ""),
        "title": dated_title(str(entry.data.get("title", "")), lang),
        "article": entry.data.get("article", ""),
    }
    subject_text = texts.translate(lang, f"{key}_subject", **fill)
    opening = texts.translate(lang, f"{key}_opening", **fill)

    def word(name: str) -> str:
        return texts.translate(lang, f"mail_{name}")

    title = dated_title(request.query, lang)
    subject = f"[{word('request')} #{request.id}] {subject_text}: {_short(title)}"
    lines = [opening, ""]
    if entry.message.strip() and (audience == "queue" or entry.visible_to_requester):
        lines += _quoted(entry.message, lang, fill["actor"])
    lines += [
        f"{word('request')} #{request.id}",
        *([link] if link else []),
        # The requester's words and a department file's name each stay on their
        # own line: a line break in them cannot forge the lines the product writes.
        f"{word('question')}: {_one_line(title)}",
        f"{word('status')}: {status}",
        f"{word('department')}: {_one_line(fill['dept'])}",
        "",
        word("footer"),
    ]
    if audience == "watcher":
        lines.append(_leave_line(lang, unwatch_link))
    return subject, "\n".join(lines) + "\n"


def _status(request: Request, audience: Audience, lang: str) -> str:
    """The request's status as `audience` reads it: the requester "Waiting for you";
    a queue or a watcher is not who it waits for."""
    texts = domain_catalog()
    if audience == "requester":
        return label(request.status, lang, texts)
    return label_of("agent_status", request.status.value, lang, texts)


def _leave_line(lang: str, unwatch_link: str) -> str:
    """How a watcher stops watching: their one-click link, else the request page."""
    texts = domain_catalog()
    if unwatch_link:
        return texts.translate(lang, "mail_unwatch_link", link=unwatch_link)
    return texts.translate(lang, "mail_unwatch_page")


def _quoted(message: str, lang: str, actor: str) -> list[str]:
    """A text the product wrote ("The requester replied.") in the reader's language;
    a person's text under their name, so that it never reads as the service's own
    words (a requester's reply reaches every watcher they chose)."""
    texts = domain_catalog()
    said = [_indent(entry_notes.NOTES.say(message, lang, texts)), ""]
    if entry_notes.NOTES.wording(message) is not None:
        return said
    return [texts.translate(lang, "mail_wrote", actor=_one_line(actor)), *said]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, limit: int = 60) -> str:
    text = _one_line(text)
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

    def __post_init__(self) -> None:
        # The settings refuse such a sender when they load (`mail_from`); one
        # built another way must not fail every message of the outbox instead.
        wrong = address_problem(self.mail_from)
        if wrong:
            raise ValueError(f"mail sender {self.mail_from!r} {wrong}")

    def build(self, message: OutboxMessage) -> EmailMessage:
        payload = message.payload
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = message.target.removeprefix("email:")
        # One line: a department's name may span several (`name: |`), and a line
        # break in a header is refused (or would start a new header).
        mail["Subject"] = " ".join(str(payload.get("subject", message.topic)).split())
        # The same id on every retry (and no other message's) lets mail
        # clients and mail systems drop a duplicate.
        domain = self.mail_from.rpartition("@")[2] or "localhost"
        mail["Message-ID"] = f"<spoc-kb.{delivery_key(message)}@{domain}>"
        mail.set_content(str(payload.get("text", "")))
        if payload.get("lang"):  # after set_content, which drops Content-* headers
            mail["Content-Language"] = str(payload["lang"])
        if payload.get(UNSUBSCRIBE):
            # Mail clients offer it as their own "unsubscribe": the watcher's page.
            mail["List-Unsubscribe"] = f"<{payload[UNSUBSCRIBE]}>"
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
