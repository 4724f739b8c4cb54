"""The mail settings: the server notifications are sent through, their sender,
and where requesters' and the triage queue's mail goes.

`MailSettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does. The addresses and
domains have a shape (`kb.mail_addresses`), checked when the settings load:
they reach the headers of every notification. `kb.notify` uses them, and a
running process follows their edits in the settings file (`kb.live_settings`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.mail_addresses import ADDRESS, MAIL_DOMAIN, MAIL_DOMAINS, OPTIONAL_ADDRESS, SITE_URL
from kb.setting import setting


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server, the sender, and the addresses and domains mail goes to."""

    smtp_host: str = setting("", "SMTP server for notifications; empty disables e-mail.")
    smtp_port: int = setting(25, "SMTP port.", minimum=1, maximum=65535)
    mail_from: str = setting("spoc-kb@localhost", "Sender address of notifications.", shape=ADDRESS)
    mail_domain: str = setting(
        "",
        "Domain for requesters' e-mail when usernames are not addresses; empty: no mail then.",
        shape=MAIL_DOMAIN,
    )
    triage_email: str = setting(
        "",
        "Address of the triage queue for request e-mails; empty: none.",
        shape=OPTIONAL_ADDRESS,
    )
    queue_mail_domains: str = setting(
        "",
        "Domains a department's `contact.email` may be at to get its queue's e-mails "
        "(comma-separated; `*.example.org` allows its sub-domains); empty: the domain of "
        "mail_domain, or none.",
        shape=MAIL_DOMAINS,
    )
    site_url: str = setting(
        "",
        "Address readers open the knowledge base at (https://kb.example.org); e-mails link "
        "to the request's page there, the weekly digest to its department's insights pages "
        "and articles. Empty: they give the request's number only, the digest no links.",
        shape=SITE_URL,
    )
