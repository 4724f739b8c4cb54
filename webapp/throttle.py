"""Rate limits: sign-in per account and per address; searches, asks and votes per
address; replies on requests per account.

Counting is the `limits` library's fixed-window strategy (the engine of
Flask-Limiter, by the same maintainers): it parses the settings' limits
("10 per 15 minutes") and keeps the arithmetic of windows. Its counters are
kept in the store's database (`StoreStorage`, over `Store.count_hit`), so a
limit holds across every worker and node that share it. Flask-Limiter itself
is not used: its decorators bind limits and storage to module-level view
functions once, while this app reads its limits from each app's settings.

A call over a limit raises `RateLimited` (429 in the one error shape, with
`Retry-After`; `kb.rate_limits`, shared with the notification mails' limit,
`notify_limit`, which the request service counts: `kb.notify.mail_limit`). The limits (settings, each empty to turn it off):

* `signin_limit_account`: failed sign-ins per account (the right password
  is refused too while the account is over it);
* `signin_limit_address`: sign-in attempts per client address;
* `search_limit`: searches per client address (the search page, the JSON API,
  the ask page's own search);
* `ask_limit`: requests filed per client address (a retry with the key of a
  request filed already is answered with it, neither counted nor refused:
  `webapp.requests.files.first_filing`);
* `feedback_limit`: votes and comments on articles per client address;
* `reply_limit`: replies, notes and attachments on requests per account (each
  one mails or calls the request's people).

The client address is the connection's, or the one a trusted proxy forwards
(`webapp.proxies`); behind an untrusted proxy every client shares its address.
When the database cannot count, calls are let through and the failure logged:
the limits protect the service, they must not become its outage. For the same
reason a search's count waits only briefly for another writer's lock (SQLite:
0.2 s, `kb.store.factory.SQLITE_BRIEF_BUSY_MS`; `Rule.brief`): a search is
counted on its way to its answer, which must not wait seconds for a long
writer (a rollup, a purge, a backup).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from limits import RateLimitItem
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from kb.errors import KbError
from kb.rate_limits import RateLimited, parse_limit
from kb.store.limits import RateLimitStore
from webapp.proxies import client_network

logger = logging.getLogger(__name__)


class StoreStorage(Storage):
    """`limits` storage on the store's database (opened when first needed)."""

    STORAGE_SCHEME = ["kb-store"]

    def __init__(self, store: Callable[[], RateLimitStore], *, brief: bool = False) -> None:
        super().__init__()
        self._store = store
        self._brief = brief

    @property
    def store(self) -> RateLimitStore:
        return self._store()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return KbError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self.store.count_hit(key, float(expiry), amount, brief=self._brief)[0]

    def get(self, key: str) -> int:
        return self.store.hit_count(key)[0]

    def get_expiry(self, key: str) -> float:
        return self.store.hit_count(key)[1]

    def check(self) -> bool:
        try:
            self.store.hit_count("kb-health")
        except KbError:
            return False
        return True

    def reset(self) -> int | None:
        self.store.clear_hits()
        return None

    def clear(self, key: str) -> None:
        self.store.clear_hits(key)


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, KbError) else str(exc)


@dataclass(frozen=True)
class Rule:
    """One limit: its setting's name, what is counted, and the refusal's wording
    (in English for logs and programs; people read `error_rate_limited_<scope>` of the
    domain's catalogue in their own language)."""

    setting: str
    scope: str
    message: str
    brief: bool = False  # counted on the way to an answer: no long wait for the lock

    @property
    def key(self) -> str:
        return "rate_limited_" + self.scope.replace("-", "_")


SIGN_IN_ACCOUNT = Rule(
    "signin_limit_account",
    "signin-account",
    "too many failed sign-ins for this account; try again in {seconds} seconds",
)
SIGN_IN_ADDRESS = Rule(
    "signin_limit_address",
    "signin-address",
    "too many sign-in attempts from your address; try again in {seconds} seconds",
)
SEARCH = Rule(
    "search_limit", "search", "too many searches from your address; wait {seconds} s", brief=True
)
ASK = Rule("ask_limit", "ask", "too many requests filed from your address; wait {seconds} s")
FEEDBACK = Rule("feedback_limit", "feedback", "too many votes from your address; wait {seconds} s")
REPLY = Rule("reply_limit", "reply", "too many replies from your account; wait {seconds} s")
RULES = (SIGN_IN_ACCOUNT, SIGN_IN_ADDRESS, SEARCH, ASK, FEEDBACK, REPLY)
# The environment of a `kb serve` under a load test, whose many calls all come
# from one address: every limit off.
UNLIMITED_ENV = {f"KB_{rule.setting.upper()}": "" for rule in RULES} | {"KB_NOTIFY_LIMIT": ""}
EXTENSION = "kb-throttle"


def init_app(app: Flask, settings: Any) -> None:
    """The app's limits, checked now (a bad setting stops the app from starting)."""
    from webapp.services import services

    app.extensions[EXTENSION] = Throttle(settings, lambda: services(app).store)


def throttle() -> Throttle:
    """The current app's limits."""
    found: Throttle = current_app.extensions[EXTENSION]
    return found


def limit(rule: Rule) -> None:
    """Count one call of `rule` from the current client (429 past the limit)."""
    throttle().hit(rule, client_network())


def limit_account(rule: Rule, username: str) -> None:
    """Count one call of `rule` by the signed-in account (429 past the limit),
    wherever it calls from."""
    throttle().hit(rule, f"account:{username}")


class Throttle:
    """The rate limits of one app, counted in its store."""

    def __init__(self, settings: Any, store: Callable[[], RateLimitStore]) -> None:
        self.limiter = FixedWindowRateLimiter(StoreStorage(store))
        self.brief_limiter = FixedWindowRateLimiter(StoreStorage(store, brief=True))
        self.items = {
            rule.setting: parse_limit(rule.setting, getattr(settings, rule.setting))
            for rule in RULES
        }

    def hit(self, rule: Rule, who: str, *, refuse: bool = True) -> None:
        """Count one call for `who`; `RateLimited` when that is one too many
        (unless `refuse` is False: counted, the limit applies to the next call)."""
        self._apply(rule, who, count=True, refuse=refuse)

    def check(self, rule: Rule, who: str) -> None:
        """`RateLimited` when `who` has used up the limit; counts nothing."""
        self._apply(rule, who, count=False, refuse=True)

    def _apply(self, rule: Rule, who: str, *, count: bool, refuse: bool) -> None:
        item = self.items[rule.setting]
        if item is None:
            return
        limiter = self.brief_limiter if rule.brief else self.limiter
        ask = limiter.hit if count else limiter.test
        try:
            allowed = ask(item, rule.scope, who)
        except Exception as exc:  # noqa: BLE001 - a failing store lets calls through
            logger.error("rate limit %s not applied: %s", rule.setting, _reason(exc))
            return
        if refuse and not allowed:
            self._refuse(rule, item, who)

    def _refuse(self, rule: Rule, item: RateLimitItem, who: str) -> None:
        reset = self.limiter.get_window_stats(item, rule.scope, who).reset_time
        seconds = max(1, math.ceil(reset - time.time()))
        logger.warning("rate limit: %s over %s for %s", rule.scope, item, who)
        raise RateLimited(
            rule.message.format(seconds=seconds),
            seconds,
            details={"limit": rule.setting, "rate": str(item)},
            key=rule.key,
        )
