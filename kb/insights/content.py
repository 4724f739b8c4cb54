"""Content health: which articles need their owners' attention.

`content_health` checks every published article for:

| finding | rule |
| --- | --- |
| `review_overdue` / `review_due` | its `review_by` date has passed / falls within the setting `review_due_days` (the same window as the content owner's page and `kb reviews`) |
| `low_helpful` | at least `MIN_VOTES` votes in the period, fewer than half of them "helpful" |
| `not_shown` | not among any search's results for `UNSEEN_DAYS` days |
| `answer_then_request` | it was the top answer of at least `MIN_ANSWERS` answered searches, and at least `REQUEST_SHARE` of those still ended in a request |
| `broken_link` | a Markdown link or a `related:` entry names an article that does not exist |
| `near_duplicate` | its text overlaps another article's by `DUPLICATE_JACCARD` or more (word 5-gram shingles), within or across departments |

Near-duplicates are found with MinHash signatures and banding, so the
comparison grows with the number of articles, not its square.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from kb.records import Article

MIN_VOTES = 5
UNSEEN_DAYS = 90
MIN_ANSWERS = 5
REQUEST_SHARE = 0.2
DUPLICATE_JACCARD = 0.6
_SHINGLE = 5
_HASHES = 64
_BANDS = 16
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+\.md)(?:#[^)\s>]*)?>?\s*(?:\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Finding:
    """One thing to look at in one article."""

    article: str
    department: str
    kind: str
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "department": self.department,
            "kind": self.kind,
            **self.detail,
        }


@dataclass(frozen=True)
class ArticleFigures:
    """What searches did with one article over a period."""

    shown: int = 0
    top_answers: int = 0
    answers_then_request: int = 0
    helpful: int = 0
    not_helpful: int = 0


def broken_links(article: Article, known: set[str]) -> list[str]:
    """Article ids that `article` links to (Markdown links, `related:`) but do not exist."""
    folder = posixpath.dirname(article.id)
    missing = []
    for target in _LINK.findall(article.body_markdown):
        if "://" in target or target.startswith("/"):
            continue
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved not in known:
            missing.append(resolved)
    missing.extend(rel for rel in article.related if rel not in known)
    return sorted(set(missing))


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    grams = (" ".join(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1)))
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    }


def near_duplicates(
    articles: Iterable[Article], threshold: float = DUPLICATE_JACCARD
) -> list[tuple[str, str, float]]:
    """Pairs of articles whose texts share at least `threshold` of their shingles."""
    items = [(a.id, _shingles(a.plain_text)) for a in articles if a.plain_text.strip()]
    if len(items) < 2:
        return []
    rng = np.random.default_rng(1)
    a = rng.integers(1, 2**61 - 1, size=_HASHES, dtype=np.uint64)
    b = rng.integers(0, 2**61 - 1, size=_HASHES, dtype=np.uint64)
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    rows = _HASHES // _BANDS
    for index, (_, shingles) in enumerate(items):
        values = np.fromiter(shingles, dtype=np.uint64)
        signature = ((values[:, None] * a + b) % np.uint64(2**61 - 1)).min(axis=0)
        for band in range(_BANDS):
            buckets[(band, signature[band * rows : (band + 1) * rows].tobytes())].append(index)
    candidates = {(i, j) for group in buckets.values() for i in group for j in group if i < j}
    pairs = []
    for i, j in sorted(candidates):
        left, right = items[i][1], items[j][1]
        jaccard = len(left & right) / len(left | right)
        if jaccard >= threshold:
            pairs.append((items[i][0], items[j][0], round(jaccard, 3)))
    return pairs


def _article_findings(
    article: Article,
    f: ArticleFigures,
    shown: bool,
    known: set[str],
    today: date,
    review_due_days: int,
) -> list[Finding]:
    """What one published article needs: review, help, visibility, links."""
    aid, dept = article.id, article.department
    found: list[Finding] = []
    if article.review_by is not None:
        if article.review_by < today:
            found.append(
                Finding(aid, dept, "review_overdue", {"review_by": article.review_by.isoformat()})
            )
        elif article.review_by <= today + timedelta(days=review_due_days):
            found.append(
                Finding(aid, dept, "review_due", {"review_by": article.review_by.isoformat()})
            )
    votes = f.helpful + f.not_helpful
    if votes >= MIN_VOTES and f.helpful * 2 < votes:
        found.append(
            Finding(
                aid,
                dept,
                "low_helpful",
                {"helpful_ratio": round(f.helpful / votes, 3), "votes": votes},
            )
        )
    if not shown:
        found.append(Finding(aid, dept, "not_shown", {"days": UNSEEN_DAYS}))
    if f.top_answers >= MIN_ANSWERS and f.answers_then_request >= REQUEST_SHARE * f.top_answers:
        found.append(
            Finding(
                aid,
                dept,
                "answer_then_request",
                {"answers": f.top_answers, "requests": f.answers_then_request},
            )
        )
    for target in broken_links(article, known):
        found.append(Finding(aid, dept, "broken_link", {"target": target}))
    return found


def content_health(
    articles: Mapping[str, Article],
    figures: Mapping[str, ArticleFigures],
    shown_recently: set[str],
    today: date,
    department: str | None = None,
    *,
    review_due_days: int,
) -> list[Finding]:
    """Findings for the published articles (of `department` if given), by article;
    reviews are due within `review_due_days` (the setting of that name)."""
    published = {aid: a for aid, a in articles.items() if a.is_searchable}
    known = set(articles)
    found: list[Finding] = []
    for aid, article in sorted(published.items()):
        if department is not None and article.department != department:
            continue
        f = figures.get(aid, ArticleFigures())
        found += _article_findings(article, f, aid in shown_recently, known, today, review_due_days)
    for left, right, jaccard in near_duplicates(published.values()):
        for one, other in ((left, right), (right, left)):
            dept = published[one].department
            if department is None or dept == department:
                found.append(
                    Finding(
                        one,
                        dept,
                        "near_duplicate",
                        {
                            "other": other,
                            "similarity": jaccard,
                            "across_departments": dept != published[other].department,
                        },
                    )
                )
    found.sort(key=lambda f: (f.article, f.kind))
    return found


def readable_findings(
    findings: Iterable[Finding],
    articles: Mapping[str, Article],
    groups: frozenset[str] | None,
    owned: frozenset[str] = frozenset(),
) -> list[Finding]:
    """The findings a reader of `groups` may see (None: every one): only about
    articles they may read, and a near-duplicate only when they may read both, so
    that an analyst learns nothing of restricted articles, not even their ids.
    Articles of the departments in `owned` count as readable whatever their
    audience: their content owners open every one of them in the editor."""

    def readable(article_id: str) -> bool:
        article = articles.get(article_id)
        return article is not None and (article.department in owned or article.visible_to(groups))

    return [
        f
        for f in findings
        if readable(f.article) and (f.kind != "near_duplicate" or readable(f.detail["other"]))
    ]


def department_findings(
    findings: Iterable[Finding], articles: Mapping[str, Article], department: str
) -> list[Finding]:
    """The findings a department's weekly digest may carry: its content owners
    own its folder, so every finding about its articles, but a near-duplicate
    in another department only when everyone may read that one (the digest
    goes to every owner, whatever their groups)."""

    def nameable(article_id: str) -> bool:
        article = articles.get(article_id)
        return article is not None and (
            article.department == department or article.visible_to(frozenset())
        )

    return [f for f in findings if f.kind != "near_duplicate" or nameable(f.detail["other"])]
