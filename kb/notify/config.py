"""Where notifications go: department webhooks and queue and requester addresses.

* A department's webhook is `webhook_url` in its `_department.yml`, signed
  with the secret in the environment variable named by `webhook_secret_env`.
  The secret is read when a message is sent, never stored in the outbox.
* A department's queue address is `contact.email` in its `_department.yml`;
  the triage queue's is the setting `triage_email`.
* A requester's address is their username when that is an e-mail address,
  else `username@<mail_domain>` when the setting `mail_domain` is set.
* E-mail is off when the setting `smtp_host` is empty: no e-mail messages
  are queued at all then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kb.records import Department
from kb.settings import Settings


@dataclass(frozen=True)
class Webhook:
    """A department's webhook: its URL and the variable holding its signing secret."""

    url: str
    secret_env: str


@dataclass(frozen=True)
class NotifyConfig:
    """Notification targets, resolved from department files and settings."""

    webhooks: Mapping[str, Webhook] = field(default_factory=dict)
    queue_addresses: Mapping[str, str] = field(default_factory=dict)
    mail_enabled: bool = False
    mail_domain: str = ""

    @classmethod
    def from_settings(
        cls, settings: Settings, departments: Mapping[str, Department]
    ) -> NotifyConfig:
        queues = {
            slug: d.contact["email"] for slug, d in departments.items() if d.contact.get("email")
        }
        if settings.triage_email:
            queues[settings.triage_department] = settings.triage_email
        return cls(
            webhooks={
                slug: Webhook(d.webhook_url, d.webhook_secret_env)
                for slug, d in departments.items()
                if d.webhook_url
            },
            queue_addresses=queues,
            mail_enabled=bool(settings.smtp_host),
            mail_domain=settings.mail_domain.strip().lstrip("@"),
        )

    def requester_address(self, username: str) -> str | None:
        """The requester's e-mail address, or None when it is not known."""
        if "@" in username:
            return username
        return f"{username}@{self.mail_domain}" if self.mail_domain else None

    def secret_envs(self) -> dict[str, str]:
        """Webhook URL → name of the variable holding its secret."""
        return {hook.url: hook.secret_env for hook in self.webhooks.values()}
