"""The settings that decide who may do what and what reaches the network: sign-in,
sessions, proxies, webhooks, suggestions drawn from other people's searches,
and rate limits. They belong to the operator (never to content files) and are
described together in docs/security.md.

`SecuritySettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.setting import setting


@dataclass(frozen=True)
class SecuritySettings:
    """Sign-in, sessions, proxies, webhooks, suggestions and rate limits."""

    auth_mode: str = setting(
        "local",
        "Sign-in mode: local (accounts in the store) or header (SSO).",
        choices=("local", "header"),
    )
    trusted_proxies: str = setting(
        "",
        "Addresses or networks (comma-separated, e.g. `10.0.0.5,10.1.0.0/16`) of the proxies "
        "in front of the app: the nearest one's X-Forwarded-Proto, -Host and -Port are "
        "believed, the client's address is read from X-Forwarded-For back past every listed "
        "proxy (list a load balancer or an office's proxy too, and the people behind it are "
        "told apart), and in header mode their X-Remote-User. List proxies only: a listed "
        "address may name any client. Empty: nobody's, loopback included.",
    )
    secret_key: str = setting(
        "",
        "Session signing key (sessions, forms, watchers' leave links), and with a shared "
        "snapshot store the key of snapshot manifests' signatures. Empty: the database's own "
        "key, made once and shared by every node and restart on it (not with a shared "
        "snapshot store, which needs this set).",
    )
    session_hours: float = setting(
        12.0,
        "Absolute lifetime of a sign-in: after this many hours the session ends, however "
        "active it was (sign-out, a new password or a changed role end it earlier).",
        minimum=0.01,
    )
    session_cookie_secure: bool = setting(
        False,
        "Send the session and visitor cookies only over HTTPS (their Secure flag). Turn it "
        "on whenever people reach the app through TLS (docs/security.md).",
    )
    webhooks: str = setting(
        "",
        "Department webhooks, set by the operator (never by department files): "
        "`department=URL` pairs separated by commas, e.g. "
        "`it=https://tickets.example.org/hooks/it`. Each is signed with the secret in the "
        "environment variable KB_WEBHOOK_SECRET_<DEPARTMENT> (upper case, `-` as `_`).",
    )
    webhook_hosts: str = setting(
        "",
        "Hosts webhooks may go to (comma-separated; `*.example.org` allows its "
        "sub-domains). A webhook URL on any other host is refused; empty: none allowed.",
    )
    suggest_min_people: int = setting(
        3,
        "A past query is offered while typing only when at least this many distinct people "
        "(signed-in users, or network addresses for visitors) searched it and were answered "
        "from the same article, one the viewer may read.",
        minimum=1,
    )
    suggest_blocklist: str = setting(
        "",
        "Words or phrases (comma-separated, any case) that keep a past query out of the "
        "suggestions while typing, e.g. `password, salary`.",
    )
    signin_limit_account: str = setting(
        "10 per 15 minutes",
        "Failed sign-ins one account may have in this time; past it, sign-in (the right "
        "password too) is refused with 429 until the window ends. Empty: no limit.",
    )
    signin_limit_address: str = setting(
        "100 per 15 minutes",
        "Sign-in attempts from one client address in this time. Empty: no limit.",
    )
    search_limit: str = setting(
        "120 per minute",
        "Searches one client address may make (pages and API). Empty: no limit.",
    )
    ask_limit: str = setting(
        "60 per hour",
        "Requests one client address may file (a retry with the idempotency key of one "
        "filed already is not counted). Empty: no limit.",
    )
    feedback_limit: str = setting(
        "60 per hour",
        'Votes and comments on articles ("was this helpful?", pages and API) one client '
        "address may send. Empty: no limit.",
    )
    reply_limit: str = setting(
        "200 per hour",
        "Replies, internal notes and attachments one account may add to requests (pages "
        "and API), and a requester's own status changes and ratings; each one notifies "
        "the request's people. A retry with the idempotency "
        "key of one posted already is answered and not counted. Empty: no limit.",
    )
    notify_limit: str = setting(
        "500 per hour",
        "Notification e-mails the changes of one account may send (pages, API and "
        "commands), counted per recipient: a reply mailed to the requester, the queue and "
        "20 watchers counts 22. A change that would go past it is refused with 429 and "
        "nothing is saved; a change alone always goes in a fresh window. The agents who "
        "work the request and admins are not counted. Empty: no limit.",
    )
