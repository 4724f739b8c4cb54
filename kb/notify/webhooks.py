"""Webhook delivery: a JSON POST signed with HMAC-SHA256.

The body is the outbox message's payload as compact JSON (UTF-8). Headers:

* `X-SpocKB-Event`: the event, e.g. `request.created`;
* `Idempotency-Key`: the delivery's key (`kb.notify.outbox.delivery_key`),
  the same on every retry and never another message's, so a receiver can
  drop a message it has already processed;
* `X-SpocKB-Delivery`: the outbox message id (the same on every retry, but
  numbered again from the same ids by a restored or new database);
* `X-SpocKB-Signature`: `sha256=` and the hex HMAC-SHA256 of the raw body,
  keyed with the department's secret.

Receivers recompute the HMAC over the bytes they received (before parsing
the JSON) and compare in constant time, as `verify_signature` does.

Only the URLs of the setting `webhooks` are ever posted to (each on a host
of `webhook_hosts`, `kb.notify.config`), and redirects are not followed: an
allowed receiver cannot send the request records on to another address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from kb.notify.outbox import OutboxMessage, delivery_key

SIGNATURE_HEADER = "X-SpocKB-Signature"
EVENT_HEADER = "X-SpocKB-Event"
DELIVERY_HEADER = "X-SpocKB-Delivery"
IDEMPOTENCY_HEADER = "Idempotency-Key"
USER_AGENT = "spoc-kb-webhooks/1"


class DeliveryFailed(Exception):
    """One delivery attempt failed; the worker records the message and retries later."""


def body_bytes(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes that are sent and signed."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str | bytes, body: bytes) -> str:
    """The signature header value for `body`: `sha256=<hex>`."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """True when `header` is the signature of `body` under `secret` (constant time)."""
    if header is None:
        return False
    # As bytes: `compare_digest` refuses text outside ASCII with a TypeError.
    sent = header.strip().encode("utf-8", "surrogatepass")
    return hmac.compare_digest(sign(secret, body).encode("ascii"), sent)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answers a redirect as the failure it is here (see the module docstring)."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> None:
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirects to {newurl}, which is not followed", headers, fp
        )


class WebhookSender:
    """Sends webhook messages; secrets are looked up per URL when sending."""

    def __init__(
        self,
        secret_envs: Mapping[str, str],
        *,
        environ: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        opener: urllib.request.OpenerDirector | None = None,
    ) -> None:
        self._secret_envs = dict(secret_envs)
        self._environ = environ
        self._timeout = timeout
        self._opener = opener or urllib.request.build_opener(_NoRedirects)

    @property
    def secret_envs(self) -> dict[str, str]:
        """URL → the variable holding its secret: the URLs this sender posts to."""
        return dict(self._secret_envs)

    def _secret(self, url: str) -> str:
        name = self._secret_envs.get(url)
        if name is None:
            raise DeliveryFailed(
                f"no department's webhook is {url} any more (setting webhooks); restore it "
                "there or let the message expire"
            )
        environ = os.environ if self._environ is None else self._environ
        secret = environ.get(name, "")
        if not secret:
            raise DeliveryFailed(
                f"the webhook secret variable {name} is not set; set it in the "
                "environment of the process that delivers notifications"
            )
        return secret

    def send(self, message: OutboxMessage) -> None:
        """POST the message; raises DeliveryFailed unless the target answers 2xx."""
        body = body_bytes(message.payload)
        request = urllib.request.Request(
            message.target,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                EVENT_HEADER: message.topic,
                DELIVERY_HEADER: str(message.id),
                IDEMPOTENCY_HEADER: delivery_key(message),
                SIGNATURE_HEADER: sign(self._secret(message.target), body),
            },
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DeliveryFailed(f"{message.target} answered HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryFailed(f"could not reach {message.target}: {reason}") from exc
        if not 200 <= status < 300:
            raise DeliveryFailed(f"{message.target} answered HTTP {status}")
