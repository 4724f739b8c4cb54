"""The weekly insights digest of a department, for its content owners.

Once a week (the scheduler of `kb serve`, or `kb insights digest`) each
department with something to report gets one message per content owner
with an e-mail address (their username when it is an address, else
`username@mail_domain`; only when e-mail is on) and one to its webhook, if
it has one, all through the outbox that carries request notifications
(topic `insights.digest`). The digest names the department's open
knowledge gaps (assigned to it or routed to it; labels only under the
minimum-people rule, as on the pages), its content-health findings, and its
requests of the week. A content owner's message is in the language their
account picked (the language of the pages they last chose), else in the
site's language (the setting `default_language`), as the webhook's is; its numbers are written as
that language writes them ("1.240 Suchen", "85 %" in German) and its
findings named as the insights' content page names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kb.i18n.catalog import DEFAULT_LANGUAGE, domain_catalog, format_decimal
from kb.insights.content import Finding
from kb.insights.requests import DepartmentRequests
from kb.insights.service import TopicView
from kb.notify.config import NotifyConfig
from kb.notify.outbox import OutboxMessage

TOPIC = "insights.digest"
MAX_GAPS = 5
MAX_FINDINGS = 20


@dataclass(frozen=True)
class DepartmentDigest:
    """What one department's digest says."""

    department: str
    name: str
    gaps: list[TopicView]
    findings: list[Finding]
    requests: DepartmentRequests | None
    # The department's name in other languages (`display_names` of its file).
    display_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return (
            not self.gaps and not self.findings and not (self.requests and self.requests.requests)
        )

    def payload(self, url: str, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The message: its subject and text in `lang` (`digest_*` in mail.po, the
        numbers written as `lang` writes them), and its figures for programs."""
        texts = domain_catalog()

        def say(key: str, **values: Any) -> str:
            return texts.translate(lang, f"digest_{key}", **values)

        def number(value: int) -> str:
            return format_decimal(lang, value, "#,##0")

        gaps = [
            {"id": v.topic.id, "label": v.topic.label, "searches": v.searches, "people": v.people}
            for v in self.gaps[:MAX_GAPS]
        ]
        lines = [say("gaps") if gaps else say("no_gaps")]
        lines += [
            "  - "
            + say(
                "gap",
                label=v.topic.label or say("unnamed"),
                searches=number(v.searches),
                people=number(v.people),
            )
            for v in self.gaps[:MAX_GAPS]
        ]
        if self.findings:
            lines += ["", say("findings")]
            lines += [
                f"  - {f.article}: {_finding_label(f.kind, lang)}"
                for f in self.findings[:MAX_FINDINGS]
            ]
        r = self.requests
        if r is not None:
            within = r.resolution_within_target
            share = "–" if within is None else say("share", percent=number(round(within * 100)))
            lines += [
                "",
                say("requests", n=number(r.requests), share=share, open=number(r.backlog)),
            ]
        if url:
            lines += ["", say("link", url=url)]
        name = self.display_names.get(lang) or self.name
        return {
            "subject": say(
                "subject",
                department=name,
                gaps=number(len(self.gaps)),
                findings=number(len(self.findings)),
            ),
            "text": "\n".join(lines),
            "lang": lang,
            "department": self.department,
            "gaps": gaps,
            "findings": [f.as_dict() for f in self.findings],
            "requests": r.as_dict() if r else None,
            "event": TOPIC,
        }


def _finding_label(kind: str, lang: str) -> str:
    """What a finding is about in `lang`, as the insights' content page names it
    (`finding_<kind>` in labels.po); its kind in words where there is none."""
    texts = domain_catalog()
    key = f"finding_{kind}"
    return texts.translate(lang, key) if texts.has(lang, key) else kind.replace("_", " ")


def digest_messages(
    digests: Sequence[DepartmentDigest],
    owners: Mapping[str, Sequence[str]],
    config: NotifyConfig,
    now: datetime,
    url: str = "",
    languages: Mapping[str, str] | None = None,
) -> list[OutboxMessage]:
    """Outbox messages for every department with something to report: to each
    content owner in the language their account picked (`languages`, username
    -> code; the site's, `config.default_language`, where it picked none that
    mails are written in), to the department's webhook in the site's language."""
    written = set(domain_catalog().languages)
    site = config.default_language
    picked = languages or {}
    out = []
    for digest in digests:
        if digest.empty:
            continue
        targets: dict[str, str] = {}  # target -> the language of its message
        if config.mail_enabled:
            for username in owners.get(digest.department, ()):
                address = config.requester_address(username)
                lang = picked.get(username, "")
                if address:
                    targets.setdefault(f"email:{address}", lang if lang in written else site)
        hook = config.webhooks.get(digest.department)
        if hook is not None:
            targets.setdefault(hook.url, site)
        payloads = {lang: digest.payload(url, lang) for lang in set(targets.values())}
        for target, lang in targets.items():
            out.append(
                OutboxMessage(
                    topic=TOPIC,
                    target=target,
                    payload=payloads[lang],
                    created=now,
                    next_attempt_at=now,
                )
            )
    return out
