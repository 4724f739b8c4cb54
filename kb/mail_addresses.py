"""E-mail addresses and mail domains: what one plain address is, and what is
wrong with a text that is not one.

An address the settings give (`mail_from`, `triage_email`) goes into a
message's `From` or `To` header, and a mail domain (`mail_domain`) into
requesters' addresses. A header is one line: a line break (CR or LF) in the
value would start a header of its own (`Bcc: …`), a comma or a display name
would add recipients. Python's `email` package refuses a line break when the
message is built, but only then, once for every message the outbox holds;
`address_problem` and `domain_problem` say what is wrong when the settings
load, so such a value is refused with the setting, the file and the reason,
and never reaches a message (`kb.setting.TextShape`).

A plain address is `local@domain` and nothing more: no list, display name,
comment, quoted part or `?query`, in ASCII (an internationalised domain in
its `xn--` form). Department files' `contact.email` is held to it too
(`kb.notify.config`).

The site's address (`site_url`) goes into mail bodies as the link to a
request: an http(s) address of a host, with no query, fragment or space,
so that the link a mail client shows is the whole address.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kb.setting import TextShape

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"\A{_LABEL}(?:\.{_LABEL})*\Z")
_LOCAL = re.compile(r"\A[A-Za-z0-9._%+-]{1,64}\Z")
_LINE_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What makes a header value more than one address: a list, a display name
# ("Name <a@b>"), a comment, a quoted local part, a group, a mailto query.
_MORE = re.compile(r"""[,;<>()":\[\]\\?]""")


def plain_address(text: str) -> bool:
    """Whether `text` is one e-mail address, `local@domain`, and nothing more."""
    return not address_problem(text)


def address_problem(text: str) -> str:
    """What keeps `text` from being one plain address ("" when it is one)."""
    if _LINE_BREAK.search(text):
        return "holds a line break (CR or LF), which would start a mail header of its own"
    if _CONTROL.search(text):
        return "holds a control character"
    if _MORE.search(text):
        return (
            "is more than one address, or has a display name, comment or query: write "
            "the address alone, as local@domain"
        )
    if any(c.isspace() for c in text):
        return "holds a space"
    if "@" not in text:
        return "has no @: an address is local@domain"
    local, _, domain = text.rpartition("@")
    if "@" in local:
        return "holds more than one @"
    if not _LOCAL.match(local):
        return (
            f"has the local part {local!r}: 1 to 64 ASCII letters, digits or . _ % + - before the @"
        )
    if not domain:
        return "has no domain after the @"
    problem = domain_problem(domain)
    return f"has the domain {domain!r}, which {problem}" if problem else ""


def domain_problem(text: str) -> str:
    """What keeps `text` from being a domain name, said of it ("" when it is one)."""
    if _LINE_BREAK.search(text):
        return "holds a line break (CR or LF), which would start a mail header of its own"
    if not _DOMAIN.match(text):
        return (
            "is no domain name (dot-separated ASCII letters, digits and hyphens; an "
            "internationalised one in its xn-- form)"
        )
    return ""


def optional_address_problem(text: str) -> str:
    """`address_problem`, where empty means none."""
    return address_problem(text) if text else ""


def mail_domain_problem(text: str) -> str:
    """What keeps `text` from being a mail domain (`example.org` or
    `@example.org`; empty: none)."""
    domain = text.strip().removeprefix("@")
    return domain_problem(domain) if domain else ""


def domain_list_problem(text: str) -> str:
    """What is wrong with a comma-separated list of mail domains, each may be
    `*.example.org` (its sub-domains)."""
    for item in text.split(","):
        domain = item.strip().removeprefix("@").removeprefix("*.")
        if not item.strip():
            continue
        problem = domain_problem(domain)
        if problem:
            return f"names {item.strip()!r}, which {problem}"
    return ""


def site_url_problem(text: str) -> str:
    """What keeps `text` from being the site's address (empty: none)."""
    if not text:
        return ""
    if re.search(r"\s", text):
        return "holds a space or line break"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not http(s)://HOST/…"
    if parts.query or parts.fragment or "?" in text or "#" in text:
        return "has a query or a fragment (? or #); give the address up to its path"
    return ""


# The shapes of the settings that hold addresses and mail domains.
ADDRESS = TextShape(
    "One e-mail address, local@domain (no name, list or line break).", address_problem
)
OPTIONAL_ADDRESS = TextShape(
    "One e-mail address, local@domain (no name, list or line break), or empty.",
    optional_address_problem,
)
MAIL_DOMAIN = TextShape("A domain name (example.org), or empty.", mail_domain_problem)
MAIL_DOMAINS = TextShape(
    "Domain names, comma-separated (each may be *.example.org), or empty.", domain_list_problem
)
SITE_URL = TextShape(
    "An http(s) address without ? or # (https://kb.example.org), or empty.", site_url_problem
)
