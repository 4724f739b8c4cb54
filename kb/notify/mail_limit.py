"""How many notification mails one account's changes may send per hour
(the setting `notify_limit`), counted per recipient.

`reply_limit` counts replies; but a reply is mailed to the requester, the queue
and every watcher, and watchers are added without being asked, so one account
with 50 watchers on a request made the service's sender send 50 mails per
reply. This limit counts the mails themselves: before a change is saved, the
ledger counts the e-mails its notifications would send (`Ledger`), and a change
that would go past what the account has left this window is refused with
`RateLimited`, nothing saved; once saved, its mails are counted. The agents
who work the requests changed (their queue's or a task's) and admins are not
counted: their replies and bulk changes are the service desk's own work. The counters
are the store's (`kb.store.limits`), shared by every process that uses it.

A change alone never is refused in a fresh window, so a request with more
people than the limit can still be answered once per window. What a change
brings about by rule (a request resolved with its last task) counts for the
account whose change it was. When the database cannot count, the change goes through and the failure is logged: the limit protects
the people mailed, it must not stop the service.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from limits import RateLimitItem

from kb.errors import KbError
from kb.rate_limits import RateLimited, parse_limit
from kb.store.limits import RateLimitStore

logger = logging.getLogger(__name__)

SETTING = "notify_limit"
KEY = "rate_limited_mail"


class MailLimit:
    """The notification mails each account's changes may still send in this window."""

    def __init__(
        self, rate: RateLimitItem, counters: RateLimitStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.rate = rate
        self.counters = counters
        self.clock = clock

    @classmethod
    def from_setting(cls, value: str, counters: RateLimitStore) -> MailLimit | None:
        """The limit `notify_limit` sets; None when it is empty (no limit)."""
        rate = parse_limit(SETTING, value)
        return None if rate is None else cls(rate, counters)

    @staticmethod
    def key(username: str) -> str:
        return f"notify-mail/{username}"

    def check(self, username: str, mails: int) -> None:
        """`RateLimited` when `mails` more would take `username` past the limit."""
        if mails <= 0:
            return
        now = self.clock()
        try:
            sent, ends = self.counters.hit_count(self.key(username), now)
        except KbError as exc:
            logger.error("rate limit %s not applied: %s", SETTING, exc.message)
            return
        if sent == 0 or sent + mails <= self.rate.amount:
            return
        seconds = max(1, math.ceil(ends - now))
        logger.warning("rate limit: %s mails past %s for %s", sent + mails, self.rate, username)
        raise RateLimited(
            f"this change would send {mails} notification mails, and your account has sent "
            f"{sent} of the {self.rate} its changes may send (setting {SETTING}); nothing "
            f"was saved. Send it again in {seconds} s, or to fewer people (fewer watchers)",
            seconds,
            details={"limit": SETTING, "rate": str(self.rate), "mails": mails, "sent": sent},
            key=KEY,
            values={
                "mails": mails,
                "sent": sent,
                "limit": self.rate.amount,
                "minutes": max(1, self.rate.get_expiry() // 60),
            },
        )

    def spend(self, username: str, mails: int) -> None:
        """Count `mails` sent on `username`'s behalf (after their change was saved)."""
        if mails <= 0:
            return
        try:
            self.counters.count_hit(self.key(username), float(self.rate.get_expiry()), mails)
        except KbError as exc:
            logger.error("rate limit %s not counted: %s", SETTING, exc.message)
