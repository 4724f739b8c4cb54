"""Rate limits shared by the web app and the domain: a limit setting's value
("10 per 15 minutes") read with the `limits` library, and `RateLimited`, the
refusal past one (429 in the one error shape, with `Retry-After`).

The web app counts calls per client or account (`webapp.throttle`); the
request service counts the notification mails one account's changes send
(`kb.notify.mail_limit`). Both refuse with the same error, so pages keep what
was typed and the API answers alike.
"""

from __future__ import annotations

import math
from typing import Any

from limits import RateLimitItem, parse

from kb.errors import ConfigError, KbError


class RateLimited(KbError):
    """Too many calls of one kind from one client or for one account."""

    status = 429
    code = "rate_limited"

    def __init__(
        self,
        message: str,
        retry_after: float,
        details: dict[str, Any],
        key: str = "",
        values: dict[str, Any] | None = None,
    ) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            message, details=details, key=key, values={**(values or {}), "seconds": seconds}
        )
        self.retry_after = seconds


def parse_limit(name: str, value: str) -> RateLimitItem | None:
    """A limit setting's value ('10 per 15 minutes'); None when empty (off)."""
    if not value.strip():
        return None
    try:
        return parse(value)
    except ValueError:
        raise ConfigError(
            f"setting {name} must be a rate like '10 per 15 minutes' or '120/minute' "
            f"(empty: no limit), got {value!r}"
        ) from None
