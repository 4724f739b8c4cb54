"""The weekly insights digest of a department, for its content owners.

Once a week (the scheduler of `kb serve`, or `kb insights digest`) each
department with something to report gets one message per content owner
with an e-mail address (their username when it is an address, else
`username@mail_domain`; only when e-mail is on) and one to its webhook, if
it has one, all through the outbox that carries request notifications
(topic `insights.digest`). The digest names the department's open
knowledge gaps (assigned to it or routed to it; labels only under the
minimum-people rule, as on the pages), its content-health findings, and its
requests of the week.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kb.insights.content import Finding
from kb.insights.requests import DepartmentRequests
from kb.insights.service import TopicView
from kb.notify.config import NotifyConfig
from kb.notify.outbox import OutboxMessage

TOPIC = "insights.digest"
MAX_GAPS = 5

_TEXTS = {
    "subject": "Weekly insights for {department}: {gaps} open gaps, {findings} articles to check",
    "gaps": "Knowledge gaps people searched for in vain this week:",
    "no_gaps": "No open knowledge gaps this week.",
    "unnamed": "(a topic too few people asked to show)",
    "findings": "Articles that need a look:",
    "requests": "Requests this week: {n}; resolved within target: {share}; open now: {open}.",
    "link": "Details: {url}",
}


@dataclass(frozen=True)
class DepartmentDigest:
    """What one department's digest says."""

    department: str
    name: str
    gaps: list[TopicView]
    findings: list[Finding]
    requests: DepartmentRequests | None

    @property
    def empty(self) -> bool:
        return (
            not self.gaps and not self.findings and not (self.requests and self.requests.requests)
        )

    def payload(self, url: str) -> dict[str, Any]:
        gaps = [
            {"id": v.topic.id, "label": v.topic.label, "searches": v.searches, "people": v.people}
            for v in self.gaps[:MAX_GAPS]
        ]
        lines = [_TEXTS["gaps"] if gaps else _TEXTS["no_gaps"]]
        lines += [
            f"  - {g['label'] or _TEXTS['unnamed']}: {g['searches']} searches, {g['people']} people"
            for g in gaps
        ]
        if self.findings:
            lines += ["", _TEXTS["findings"]]
            lines += [f"  - {f.article}: {f.kind.replace('_', ' ')}" for f in self.findings[:20]]
        r = self.requests
        if r is not None:
            share = (
                "–" if r.resolution_within_target is None else f"{r.resolution_within_target:.0%}"
            )
            lines += ["", _TEXTS["requests"].format(n=r.requests, share=share, open=r.backlog)]
        if url:
            lines += ["", _TEXTS["link"].format(url=url)]
        return {
            "subject": _TEXTS["subject"].format(
                department=self.name, gaps=len(self.gaps), findings=len(self.findings)
            ),
            "text": "\n".join(lines),
            "lang": "en",
            "department": self.department,
            "gaps": gaps,
            "findings": [f.as_dict() for f in self.findings],
            "requests": r.as_dict() if r else None,
            "event": TOPIC,
        }


def digest_messages(
    digests: Sequence[DepartmentDigest],
    owners: Mapping[str, Sequence[str]],
    config: NotifyConfig,
    now: datetime,
    url: str = "",
) -> list[OutboxMessage]:
    """Outbox messages for every department with something to report."""
    out = []
    for digest in digests:
        if digest.empty:
            continue
        payload = digest.payload(url)
        targets = []
        if config.mail_enabled:
            for username in owners.get(digest.department, ()):
                address = config.requester_address(username)
                if address:
                    targets.append(f"email:{address}")
        hook = config.webhooks.get(digest.department)
        if hook is not None:
            targets.append(hook.url)
        for target in dict.fromkeys(targets):
            out.append(
                OutboxMessage(
                    topic=TOPIC, target=target, payload=payload, created=now, next_attempt_at=now
                )
            )
    return out
