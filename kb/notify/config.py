"""Where notifications go: department webhooks and queue and requester addresses.

* A department's webhook is the operator's: the setting `webhooks` pairs
  departments with URLs (`it=https://tickets.example.org/hooks/it`), every
  URL's host must be in the setting `webhook_hosts`, and each is signed with
  the secret in the variable `KB_WEBHOOK_SECRET_<DEPARTMENT>`. Department
  files cannot name either: a content owner could otherwise send request
  records to any address, internal ones included, signed with any variable
  of the server (whose value could then be guessed from the signatures).
  The secret is read when a message is sent, never stored in the outbox.
* A department's queue address is `contact.email` in its `_department.yml`,
  used only when it is one plain address (`kb.mail_addresses.plain_address`:
  no list, display name, comment or query: the To header takes a list, and
  the mail goes to every address in it) at a domain the operator allows (the setting
  `queue_mail_domains`, default the domain of `mail_domain`): queue mail
  carries every question and the queue's internal notes, and content owners,
  who write the department file, may read neither the notes nor send them
  elsewhere. The triage queue's address is the setting `triage_email`.
* A requester's address is their username when that is an e-mail address,
  else `username@<mail_domain>` when the setting `mail_domain` is set.
* A mail links to the request's page when the setting `site_url` says where
  readers open the knowledge base (`request_link`); the weekly digest links
  to its department's insights pages and articles there (`site_link`).
* A mail to an address without an account (a queue's) is written in the
  setting `default_language`, the site's language.
* E-mail is off when the setting `smtp_host` is empty: no e-mail messages
  are queued at all then.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

from kb.accounts.records import USERNAME_PATTERN
from kb.errors import ConfigError
from kb.i18n.languages import DEFAULT_LANGUAGE
from kb.mail_addresses import plain_address
from kb.notify.unwatch_links import unwatch_link
from kb.records import Department
from kb.requests.records import Request
from kb.settings import Settings

logger = logging.getLogger(__name__)

SECRET_PREFIX = "KB_WEBHOOK_SECRET_"
_DEPARTMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def secret_variable(department: str) -> str:
    """The environment variable holding a department's webhook secret: a fixed
    prefix and the department's own name, so no other variable can be named."""
    return SECRET_PREFIX + re.sub(r"[^A-Z0-9]", "_", department.upper())


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """True when `host` is one of `allowed` (`*.example.org`: its sub-domains)."""
    host = host.lower().rstrip(".")
    for pattern in allowed:
        pattern = pattern.strip().lower().rstrip(".")
        if not pattern:
            continue
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and host != pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False


def parse_webhooks(setting: str, hosts: str) -> dict[str, str]:
    """Department → URL from the setting `webhooks`, each checked against the
    setting `webhook_hosts`; a `ConfigError` naming what is wrong otherwise."""
    allowed = [h for h in hosts.split(",") if h.strip()]
    found: dict[str, str] = {}
    by_url: dict[str, str] = {}
    for item in setting.split(","):
        item = item.strip()
        if not item:
            continue
        department, sep, url = (part.strip() for part in item.partition("="))
        if not sep or not _DEPARTMENT.match(department):
            raise ConfigError(
                f"setting webhooks: {item!r} is not department=URL "
                "(e.g. it=https://tickets.example.org/hooks/it)",
                key="webhooks_pair",
                values={"item": repr(item)},
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"setting webhooks: {department}'s URL {url!r} is not http(s)://HOST/…",
                key="webhooks_url",
                values={"department": department, "url": repr(url)},
            )
        if not host_allowed(parts.hostname, allowed):
            raise ConfigError(
                f"setting webhooks: {department}'s URL goes to {parts.hostname}, which is not in "
                f"the setting webhook_hosts ({hosts or 'empty'}); add the host there if it is "
                "meant to receive request records",
                key="webhooks_host",
                values={"department": department, "host": parts.hostname, "hosts": hosts or "–"},
            )
        if department in found:
            raise ConfigError(
                f"setting webhooks names {department} twice",
                key="webhooks_twice",
                values={"department": department},
            )
        if url in by_url:
            raise ConfigError(
                f"setting webhooks: {by_url[url]} and {department} share {url}; give each "
                "department its own URL (each is signed with its own secret)",
                key="webhooks_shared",
                values={"first": by_url[url], "second": department, "url": url},
            )
        found[department] = by_url[url] = url
    return found


def site_link(site_url: str, path: str, query: Mapping[str, str] | None = None) -> str:
    """The address of the web app's page `path` ("/requests/12") under `site_url`,
    with `query` as its parameters; "" when `site_url` is not set. The path is
    quoted (an article id may hold any letter) but keeps its slashes, as the
    web app's `path` routes read them."""
    if not site_url:
        return ""
    link = site_url.rstrip("/") + quote(path, safe="/")
    return f"{link}?{urlencode(query)}" if query else link


def check_webhooks(settings: Settings) -> None:
    """A `ConfigError` when the webhook settings do not check (`parse_webhooks`):
    what a settings file read again must pass before it is used."""
    parse_webhooks(settings.webhooks, settings.webhook_hosts)


@dataclass(frozen=True)
class Webhook:
    """A department's webhook: its URL and the variable holding its signing secret
    (`secret_variable(department)` when built from settings)."""

    url: str
    secret_env: str


def queue_mail_domains(settings: Settings) -> list[str]:
    """The domains a department's `contact.email` may be at (`queue_mail_domains`,
    else the domain of `mail_domain`; none when neither is set)."""
    allowed = [d.strip().lstrip("@") for d in settings.queue_mail_domains.split(",")]
    if not any(allowed):
        allowed = [settings.mail_domain.strip().lstrip("@")]
    return [d for d in allowed if d]


def allowed_address(text: str, domains: Iterable[str]) -> bool:
    """Whether `text` is one plain address at one of `domains`."""
    return plain_address(text) and host_allowed(text.rpartition("@")[2], domains)


def queue_addresses(settings: Settings, departments: Mapping[str, Department]) -> dict[str, str]:
    """Department → its `contact.email`, where that is one plain address at a
    domain the operator allows (`queue_mail_domains`); others are logged where
    e-mail is on (`smtp_host`), and with e-mail off nobody needs telling."""
    allowed = queue_mail_domains(settings)
    found: dict[str, str] = {}
    for slug, department in sorted(departments.items()):
        address = str(department.contact.get("email") or "").strip()
        if not address:
            continue
        if allowed_address(address, allowed):
            found[slug] = address
        elif settings.smtp_host:
            logger.warning(
                "department %s: contact.email %r is not one plain address at a domain of "
                "the setting queue_mail_domains (or mail_domain); its queue gets no e-mail",
                slug,
                address,
            )
    return found


@dataclass(frozen=True)
class NotifyConfig:
    """Notification targets, resolved from department files and settings."""

    webhooks: Mapping[str, Webhook] = field(default_factory=dict)
    queue_addresses: Mapping[str, str] = field(default_factory=dict)
    mail_enabled: bool = False
    mail_domain: str = ""
    site_url: str = ""
    # The site's language (`default_language`): mails to no account's address.
    default_language: str = DEFAULT_LANGUAGE
    # The key of watchers' unwatch links (`secret_key`; `kb.notify.unwatch_links`).
    link_key: str = field(default="", repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, departments: Mapping[str, Department]
    ) -> NotifyConfig:
        hooks = parse_webhooks(settings.webhooks, settings.webhook_hosts)
        known = {*departments, settings.triage_department}
        for department in sorted(set(hooks) - known):
            logger.warning("setting webhooks: no department %s in the content root", department)
        queues = queue_addresses(settings, departments)
        if settings.triage_email:
            queues[settings.triage_department] = settings.triage_email
        return cls(
            webhooks={slug: Webhook(url, secret_variable(slug)) for slug, url in hooks.items()},
            queue_addresses=queues,
            mail_enabled=bool(settings.smtp_host),
            mail_domain=settings.mail_domain.strip().lstrip("@"),
            site_url=settings.site_url.strip(),
            default_language=settings.default_language,
            link_key=settings.secret_key,
        )

    def request_link(self, request: Request) -> str:
        """The address of the request's page under `site_url` ("" when it is not set)."""
        if request.id is None:
            return ""
        return site_link(self.site_url, f"/requests/{request.id}")

    def unwatch_link(self, request: Request, username: str) -> str:
        """The page where `username` stops watching `request` with one click ("" when
        `site_url` or `secret_key` is not set)."""
        if request.id is None:
            return ""
        return unwatch_link(self.site_url, self.link_key, request.id, username)

    def requester_address(self, username: str) -> str | None:
        """The requester's e-mail address, or None when it is not known (or the
        account was removed: `removed_label` is no username)."""
        if not USERNAME_PATTERN.match(username):
            return None
        if "@" in username:
            return username
        return f"{username}@{self.mail_domain}" if self.mail_domain else None

    def readdress(self, old: str, new: str | None) -> dict[str, str | None]:
        """Where e-mail queued for the account `old` goes once it is `new` (None:
        removed): {old target: new target, or None when it has no address now};
        {} when the address stays, or is a queue's (that mail is the queue's)."""
        before = self.requester_address(old)
        if not before or before in self.queue_addresses.values():
            return {}
        after = self.requester_address(new) if new is not None else None
        if after == before:
            return {}
        return {f"email:{before}": f"email:{after}" if after else None}

    def secret_envs(self) -> dict[str, str]:
        """Webhook URL → name of the variable holding its secret."""
        return {hook.url: hook.secret_env for hook in self.webhooks.values()}
