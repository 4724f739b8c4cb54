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

from kb.setting import ShapeProblem, TextShape

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"\A{_LABEL}(?:\.{_LABEL})*\Z")
_LOCAL = re.compile(r"\A[A-Za-z0-9._%+-]{1,64}\Z")
_LINE_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What makes a header value more than one address: a list, a display name
# ("Name <a@b>"), a comment, a quoted local part, a group, a mailto query.
_MORE = re.compile(r"""[,;<>()":\[\]\\?]""")


_LINE_BREAK_TEXT = "holds a line break (CR or LF), which would start a mail header of its own"
_NOT_DOMAIN_TEXT = (
    "is no domain name (dot-separated ASCII letters, digits and hyphens; an "
    "internationalised one in its xn-- form)"
)
# key -> what is wrong, said of the value in English; `{name}` filled in. A
# page says it from `error_setting_shape_<key>` (kb/i18n/locales/<lang>/errors.po).
REASONS: dict[str, str] = {
    "line_break": _LINE_BREAK_TEXT,
    "control": "holds a control character",
    "more": (
        "is more than one address, or has a display name, comment or query: write "
        "the address alone, as local@domain"
    ),
    "space": "holds a space",
    "no_at": "has no @: an address is local@domain",
    "two_at": "holds more than one @",
    "local": (
        "has the local part {local}: 1 to 64 ASCII letters, digits or . _ % + - before the @"
    ),
    "no_domain": "has no domain after the @",
    "not_domain": _NOT_DOMAIN_TEXT,
    "domain_line_break": "has the domain {domain}, which " + _LINE_BREAK_TEXT,
    "domain_not_domain": "has the domain {domain}, which " + _NOT_DOMAIN_TEXT,
    "item_line_break": "names {item}, which " + _LINE_BREAK_TEXT,
    "item_not_domain": "names {item}, which " + _NOT_DOMAIN_TEXT,
    "url_space": "holds a space or line break",
    "url_not_http": "is not http(s)://HOST/…",
    "url_query": "has a query or a fragment (? or #); give the address up to its path",
}


def _reason(key: str, **values: str) -> ShapeProblem:
    return ShapeProblem(REASONS[key].format(**values), key, **values)


def plain_address(text: str) -> bool:
    """Whether `text` is one e-mail address, `local@domain`, and nothing more."""
    return not address_problem(text)


def address_problem(text: str) -> str:
    """What keeps `text` from being one plain address ("" when it is one)."""
    if _LINE_BREAK.search(text):
        return _reason("line_break")
    if _CONTROL.search(text):
        return _reason("control")
    if _MORE.search(text):
        return _reason("more")
    if any(c.isspace() for c in text):
        return _reason("space")
    if "@" not in text:
        return _reason("no_at")
    local, _, domain = text.rpartition("@")
    if "@" in local:
        return _reason("two_at")
    if not _LOCAL.match(local):
        return _reason("local", local=repr(local))
    if not domain:
        return _reason("no_domain")
    problem = domain_problem(domain)
    return _reason(f"domain_{problem.key}", domain=repr(domain)) if problem else ""


def domain_problem(text: str) -> ShapeProblem:
    """What keeps `text` from being a domain name, said of it ("" when it is one)."""
    if _LINE_BREAK.search(text):
        return _reason("line_break")
    if not _DOMAIN.match(text):
        return _reason("not_domain")
    return ShapeProblem("", "")


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
            return _reason(f"item_{problem.key}", item=repr(item.strip()))
    return ""


def site_url_problem(text: str) -> str:
    """What keeps `text` from being the site's address (empty: none)."""
    if not text:
        return ""
    if re.search(r"\s", text):
        return _reason("url_space")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _reason("url_not_http")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        return _reason("url_query")
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
