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

Its places are few and spread (`kb.insights.listed_findings.spread_findings`):
at most 20 findings, at most 3 of one article, every article its first before
any its second; an article with more says "and N more findings in this
article", and a line counts the findings and articles left out. Past the first
5 knowledge gaps a line counts the rest. The payload's `findings` are the ones
the text names; `totals` gives each named article's true count, and
`findings_total`, `articles_total` and `gaps_total` count everything.

With the setting `site_url` set, the digest links where a content owner acts
on it: after its gaps, the department's knowledge-gaps page; after its
findings, its content-health page; after its requests, its requests page
(each for the department and the week the digest reads); and under each
named article, that article's page, which offers its content owners the
editor. The payload's `links` and each of `totals` carry the same addresses.
Without `site_url` there are no link lines and every link is "".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from kb.i18n.catalog import DEFAULT_LANGUAGE, domain_catalog, format_decimal
from kb.insights.content import Finding
from kb.insights.listed_findings import ArticleFindings, spread_findings
from kb.insights.period import Period
from kb.insights.requests import DepartmentRequests
from kb.insights.service import TopicView
from kb.notify.config import NotifyConfig, site_link
from kb.notify.outbox import OutboxMessage

TOPIC = "insights.digest"
MAX_GAPS = 5

# The web app's pages the digest links to (`webapp.insights.routes`,
# `webapp.articles.routes`). `kb` may not import the web app, so
# tests/webapp/insights/test_digest_links.py checks them against its URL map.
GAPS_PAGE = "/insights/gaps"
CONTENT_PAGE = "/insights/content"
REQUESTS_PAGE = "/insights/requests"
ARTICLE_PAGE = "/articles/"


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
    # The days the digest reads (its week): the insights pages it links to show them.
    period: Period | None = None

    @property
    def empty(self) -> bool:
        return (
            not self.gaps and not self.findings and not (self.requests and self.requests.requests)
        )

    @property
    def articles(self) -> int:
        """How many articles have findings."""
        return len({f.article for f in self.findings})

    @cached_property
    def named_findings(self) -> list[ArticleFindings]:
        """The articles and findings the digest names (`spread_findings`)."""
        return spread_findings(self.findings)

    def links(self, site_url: str) -> dict[str, str]:
        """The insights pages the text points to, for this department and week:
        `gaps`, `content` and `requests`; "" without `site_url` or where the
        digest says nothing of that page's subject."""
        query = {"department": self.department}
        if self.period is not None:
            query |= {
                "since": self.period.since.isoformat(),
                "until": self.period.last_day.isoformat(),
            }

        def link(page: str, said: bool) -> str:
            return site_link(site_url, page, query) if said else ""

        return {
            "gaps": link(GAPS_PAGE, bool(self.gaps)),
            "content": link(CONTENT_PAGE, bool(self.findings)),
            "requests": link(REQUESTS_PAGE, self.requests is not None),
        }

    def payload(self, site_url: str = "", lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The message: its subject and text in `lang` (`digest_*` in mail.po, the
        numbers written as `lang` writes them), and its figures for programs;
        links to the pages under `site_url` where it is set."""
        w = _Wording(lang)
        links = self.links(site_url)
        lines = self._gap_lines(w)
        if links["gaps"]:
            lines.append(w.say("gaps_link", url=links["gaps"]))
        lines += self._finding_lines(w, site_url)
        if links["content"]:
            lines.append(w.say("content_link", url=links["content"]))
        r = self.requests
        if r is not None:
            within = r.resolution_within_target
            share = "–" if within is None else w.say("share", percent=w.number(round(within * 100)))
            lines += [
                "",
                w.say("requests", n=w.number(r.requests), share=share, open=w.number(r.backlog)),
            ]
            if links["requests"]:
                lines.append(w.say("requests_link", url=links["requests"]))
        name = self.display_names.get(lang) or self.name
        named = self.named_findings
        return {
            "subject": w.say(
                "subject",
                department=name,
                gaps=w.number(len(self.gaps)),
                findings=w.number(self.articles),
            ),
            "text": "\n".join(lines),
            "lang": lang,
            "department": self.department,
            "gaps": [
                {
                    "id": v.topic.id,
                    "label": v.topic.label,
                    "searches": v.searches,
                    "people": v.people,
                }
                for v in self.gaps[:MAX_GAPS]
            ],
            "gaps_total": len(self.gaps),
            "findings": [f.as_dict() for a in named for f in a.listed],
            "totals": [{**a.as_dict(), "link": article_link(site_url, a.article)} for a in named],
            "findings_total": len(self.findings),
            "articles_total": self.articles,
            "requests": r.as_dict() if r else None,
            "links": links,
            "event": TOPIC,
        }

    def _gap_lines(self, w: _Wording) -> list[str]:
        """The first `MAX_GAPS` open gaps, and how many more there are."""
        lines = [w.say("gaps") if self.gaps else w.say("no_gaps")]
        lines += [
            "  - "
            + w.say(
                "gap",
                label=v.topic.label or w.say("unnamed"),
                searches=w.number(v.searches),
                people=w.number(v.people),
            )
            for v in self.gaps[:MAX_GAPS]
        ]
        if len(self.gaps) > MAX_GAPS:
            lines.append("    " + w.count("more_gaps", len(self.gaps) - MAX_GAPS))
        return lines

    def _finding_lines(self, w: _Wording, site_url: str) -> list[str]:
        """The findings that got a place, article by article, each article's
        link under it, and what is left out."""
        named = self.named_findings
        if not named:
            return []
        lines = ["", w.say("findings")]
        for article in named:
            lines += [f"  - {f.article}: {_finding_label(f.kind, w.lang)}" for f in article.listed]
            if article.more:
                lines.append("    " + w.count("more_in_article", article.more))
            if link := article_link(site_url, article.article):
                lines.append("    " + link)
        listed = sum(len(a.listed) for a in named)
        if listed < len(self.findings):
            total = w.number(len(self.findings))
            lines.append(w.count("findings_left_out", len(self.findings) - listed, total=total))
        if len(named) < self.articles:
            lines.append(w.count("articles_left_out", self.articles - len(named)))
        return lines


@dataclass(frozen=True)
class _Wording:
    """The digest's texts (`digest_*` in mail.po) in one language, its numbers
    written as that language writes them."""

    lang: str

    def say(self, key: str, **values: Any) -> str:
        return domain_catalog().translate(self.lang, f"digest_{key}", **values)

    def number(self, value: int) -> str:
        return format_decimal(self.lang, value, "#,##0")

    def count(self, key: str, n: int, **values: Any) -> str:
        """`digest_<key>` for `n` things, in the singular where the language says one."""
        return domain_catalog().plural(self.lang, f"digest_{key}", n, n=self.number(n), **values)


def article_link(site_url: str, article: str) -> str:
    """The page of `article` under `site_url` ("" when it is not set): what it
    says, and for its content owners the way to its editor."""
    return site_link(site_url, ARTICLE_PAGE + article)


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
    languages: Mapping[str, str] | None = None,
) -> list[OutboxMessage]:
    """Outbox messages for every department with something to report: to each
    content owner in the language their account picked (`languages`, username
    -> code; the site's, `config.default_language`, where it picked none that
    mails are written in), to the department's webhook in the site's language;
    linking to the pages under `config.site_url` where it is set."""
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
        payloads = {lang: digest.payload(config.site_url, lang) for lang in set(targets.values())}
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
