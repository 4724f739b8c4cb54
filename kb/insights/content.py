"""Content health: which articles need their owners' attention.

`content_health` checks every published article for:

| finding | rule |
| --- | --- |
| `review_overdue` / `review_due` | its `review_by` date has passed / falls within the setting `review_due_days` (the same window as the content owner's page and `kb reviews`) |
| `low_helpful` | at least `MIN_VOTES` votes on its current text in the period, fewer than half of them "helpful" |
| `not_shown` | published as it is for at least `UNSEEN_DAYS` days, and not among any search's results in those days |
| `answer_then_request` | its current text was the top answer of at least `MIN_ANSWERS` answered searches in the period, and at least `REQUEST_SHARE` of those still ended in a request |
| `broken_link` | a Markdown link (one the page shows as a link, in any form it makes one of, read as a rename reads it, `kb.content.moved_links`; not one written in code, `kb.content.rendered_code`) or a `related:` entry names an article that does not exist or, in another department, is not published (for a reader: that they may not read, unless it is in the linking article's own department); or a relative Markdown link names no article at all (no `.md`: the page drops it) |
| `moved_link` | a link names the old id of an article renamed since (`kb.authoring.moving`) that the reader may read under its new id, `moved_to`: the page leads on to it; its owners change the link (`broken_link` when they may not read where it went) |
| `restricted_link` | a link names an article that exists (or the old id of one renamed since: `moved_to`, the id it has now, whose audience counts) but whose `audience` leaves out some of the linking article's readers (`audience`: who may open it; `missing_audience`: the linking article's groups it leaves out) |
| `near_duplicate` | its text overlaps another article's by `near_duplicates.DUPLICATE_JACCARD` or more (word 5-gram shingles), within or across departments |

Every rule that counts what searches did judges the article as it is now,
over days it has existed in that form: a rule must not blame a new article
for the 90 days before it was written, nor a rewritten one for the votes its
old text earned. The day an article took its present form is the day its
file last changed (`published_on`, from the file's modification time): the
one date every article has, whether it was written in the browser (which
writes the file) or on disk. The others fall short: versions are stored
only for articles edited in the browser (a file written on disk has none
until someone opens it in the editor, and then the version is dated that
day), front-matter dates are typed by hand and optional, and the index
keeps no first-seen time. A modification time can only make an article look
younger than it is (an edit, or a checkout that rewrites the file, starts
the count again), never older (`kb backup` and `kb restore` keep it), so
the rule may speak late but never falsely.

Near-duplicates are found with MinHash signatures and banding, once per set
of texts (`kb.insights.near_duplicates`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.content import dropped_links as body_links
from kb.content.moved_links import linked_articles
from kb.insights.near_duplicates import near_duplicates
from kb.records import EVERYONE, Article

if TYPE_CHECKING:
    from kb.insights.store import InsightsStore

MIN_VOTES = 5
UNSEEN_DAYS = 90
MIN_ANSWERS = 5
REQUEST_SHARE = 0.2


@dataclass(frozen=True)
class Finding:
    """One thing to look at in one article."""

    article: str
    department: str
    kind: str
    detail: dict[str, Any]
    # The article's title, which readers know it by; `article` (its id) stays
    # the key every export and program matches on.
    title: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "title": self.title,
            "department": self.department,
            "kind": self.kind,
            **self.detail,
        }

    def detail_text(self) -> str:
        """The details as one CSV or terminal cell: `target=hr/a.md; audience=managers`."""
        return "; ".join(
            f"{k}={','.join(v) if isinstance(v, list | tuple) else v}"
            for k, v in self.detail.items()
        )


@dataclass(frozen=True)
class ArticleFigures:
    """What searches did with one article over a period."""

    shown: int = 0
    top_answers: int = 0
    answers_then_request: int = 0
    helpful: int = 0
    not_helpful: int = 0


def published_days(modified: Mapping[str, datetime]) -> dict[str, date]:
    """The UTC day each article took its present form, from its file's
    modification time (`kb.content.scanner.ContentScan.modified`)."""
    return {article: when.astimezone(UTC).date() for article, when in modified.items()}


def current_figures(
    store: InsightsStore, since: date, until: date, published_on: Mapping[str, date]
) -> dict[str, ArticleFigures]:
    """Each article's figures with since <= day < until, counted from the day it
    took its present form: the votes and answers an older text earned say
    nothing about this one. One more query per day on which articles changed,
    each for the days up to the next such day (an article changed on one of
    them counts those and all later ones), so that the period's rows are read
    twice at most, not once per day on which an article changed."""
    figures = store.article_figures(since, until)
    changed: dict[date, list[str]] = defaultdict(list)
    for article in figures:
        day = published_on.get(article)
        if day is not None and day > since:
            changed[day].append(article)
    later: dict[str, ArticleFigures] = {}  # since the day at hand, up to `until`
    end = until
    for day in sorted(changed, reverse=True):
        if day < until:
            for article, f in store.article_figures(day, end).items():
                later[article] = _added(later.get(article, ArticleFigures()), f)
            end = day
        for article in changed[day]:
            figures[article] = later.get(article, ArticleFigures())
    return figures


def _added(one: ArticleFigures, other: ArticleFigures) -> ArticleFigures:
    return ArticleFigures(
        *(getattr(one, f.name) + getattr(other, f.name) for f in fields(ArticleFigures))
    )


def link_targets(article: Article, wanted: Callable[[str], bool] | None = None) -> list[str]:
    """Article ids that `article` links to: its `related:` entries and the
    links of its Markdown that the page shows as links, of those only the ids
    `wanted` picks (None: all). The links are read as a rename reads them and
    the editor's warning does (`kb.content.moved_links.linked_articles`): every
    form the page makes a link of (a target in `<>`, brackets in the text, a
    reference, a title), none written in code; the renderer is asked only
    about the ids `wanted` picks, so most bodies are not rendered again."""
    linked = linked_articles(article.body_markdown, article.id, wanted or _every)
    return sorted({*linked, *article.related})


def _every(_: str) -> bool:
    return True


def dropped_links(article: Article) -> list[str]:
    """Relative link targets of `article`, as written, that name no article
    (`kb.content.dropped_links`, which the editor's warning reads too)."""
    return body_links.dropped_links(article.body_markdown, article.id)


def broken_links(article: Article, known: set[str]) -> list[str]:
    """Article ids that `article` links to (Markdown links, `related:`) but do not
    exist, then the links it writes that name no article at all."""
    missing = [t for t in link_targets(article, lambda t: t not in known) if t not in known]
    return missing + dropped_links(article)


def missing_audience(article: Article, target: Article) -> list[str]:
    """The groups of `article`'s audience that `target`'s audience leaves out
    (`everyone` when it is open to all and the target is not): readers who may
    follow the link and not open what it names."""
    if EVERYONE in target.audience:
        return []
    return sorted(group for group in article.audience if group not in target.audience)


def restricted_links(
    article: Article, articles: Mapping[str, Article], moved: Mapping[str, str] | None = None
) -> list[Finding]:
    """A `restricted_link` for each existing article `article` links to that some of
    its readers may not open; a link to the old id of an article renamed since
    (`moved`: old id → its id now) by the renamed article, named in `moved_to`."""

    def leads_to(target: str) -> tuple[str, Article] | None:
        now = target if target in articles else (moved or {}).get(target, "")
        other = articles.get(now)
        return (now, other) if other is not None and missing_audience(article, other) else None

    found = []
    for target in link_targets(article, lambda t: leads_to(t) is not None):
        if (led := leads_to(target)) is not None:  # a `related:` entry may lead elsewhere
            now, other = led
            detail: dict[str, Any] = {"target": target}
            detail |= {"moved_to": now} if now != target else {}
            detail |= {"audience": sorted(other.audience)}
            detail |= {"missing_audience": missing_audience(article, other)}
            found.append(Finding(article.id, article.department, "restricted_link", detail))
    return found


def _article_findings(
    article: Article,
    f: ArticleFigures,
    unseen: bool,
    known: set[str],
    today: date,
    review_due_days: int,
    articles: Mapping[str, Article],
    moved: Mapping[str, str],
) -> list[Finding]:
    """What one published article needs: review, help, visibility, links (one to
    an article renamed since, by `moved`: old id → the id it has now)."""
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
    if unseen:
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
        now = moved.get(target)
        if now is not None and now in known:
            found.append(Finding(aid, dept, "moved_link", {"target": target, "moved_to": now}))
        else:
            found.append(Finding(aid, dept, "broken_link", {"target": target}))
    found += [
        f
        for f in restricted_links(article, articles, moved)
        if f.detail.get("moved_to", f.detail["target"]) in known
    ]
    return found


def content_health(
    articles: Mapping[str, Article],
    figures: Mapping[str, ArticleFigures],
    shown_recently: set[str],
    today: date,
    department: str | None = None,
    *,
    review_due_days: int,
    published_on: Mapping[str, date],
    reader: tuple[frozenset[str] | None, frozenset[str]] | None = None,
    shared: Path | None = None,
    moved: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Findings for the published articles (of `department` if given), by article;
    reviews are due within `review_due_days` (the setting of that name); the
    near-duplicates found once for every process sharing the folder `shared`.

    `figures` are those of each article's current text; `published_on` is the
    day each article took its present form (an article missing there counts
    as new): only one published at least `UNSEEN_DAYS` days before `today`
    can be `not_shown`. For a `reader` (their groups and the departments
    whose content they own) only the findings they may see
    (`readable_findings`), and a link is broken when no article they may
    read has its id (`linkable`: one in another department they may not read
    is never told from one missing). A link to the old id of an article renamed
    since (`moved`: old id → the id it has now) is a `moved_link` naming the
    new id where that one counts as known, else broken as any other."""
    seen_since = today - timedelta(days=UNSEEN_DAYS)
    published = {aid: a for aid, a in articles.items() if a.is_searchable}
    known_to = linkable(articles, readable_by(articles, *reader) if reader else None)
    found: list[Finding] = []
    for aid, article in sorted(published.items()):
        if department is not None and article.department != department:
            continue
        f = figures.get(aid, ArticleFigures())
        day = published_on.get(aid)
        unseen = aid not in shown_recently and day is not None and day <= seen_since
        known = known_to(article)
        found += _article_findings(
            article, f, unseen, known, today, review_due_days, articles, moved or {}
        )
    for left, right, jaccard in near_duplicates(published.values(), shared=shared):
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
    found = [replace(f, title=published[f.article].title) for f in found]
    found.sort(key=lambda f: (f.article, f.kind))
    return found if reader is None else readable_findings(found, articles, *reader)


def linkable(
    articles: Mapping[str, Article], readable: Callable[[str], bool] | None
) -> Callable[[Article], set[str]]:
    """The ids a link of an article may name without being broken, for a reader
    who may read what `readable` allows (None: every article). One they may not
    read counts only in the linking article's own department: that department's
    content owners, who write its links, read every one of its articles, so such
    a link tells nobody anything they could not already know; a link into
    another department's restricted article reads as a missing one, so that
    nobody can learn from a link they wrote which restricted articles exist.
    So does a link into another department's draft (or retired article): its
    readers get "not found" there, and its file's name is that department's."""
    read = {
        aid
        for aid, article in articles.items()
        if article.is_searchable and (readable is None or readable(aid))
    }
    by_department: dict[str, set[str]] = defaultdict(set)
    for aid, other in articles.items():
        by_department[other.department].add(aid)
    known = {dept: read | ids for dept, ids in by_department.items()}
    return lambda article: known.get(article.department, read)


def readable_by(
    articles: Mapping[str, Article], groups: frozenset[str] | None, owned: frozenset[str]
) -> Callable[[str], bool]:
    """Whether a reader of `groups` may read an article, by id: one of `articles`
    that its audience lets them read. Articles of the departments in `owned`
    count as readable whatever their audience: their content owners open every
    one of them in the editor. An id that names none of `articles` is not."""

    def readable(article_id: str) -> bool:
        article = articles.get(article_id)
        return article is not None and (article.department in owned or article.visible_to(groups))

    return readable


def readable_findings(
    findings: Iterable[Finding],
    articles: Mapping[str, Article],
    groups: frozenset[str] | None,
    owned: frozenset[str] = frozenset(),
) -> list[Finding]:
    """The findings a reader of `groups` may see (None: every one): only about
    articles they may read, and a near-duplicate only when they may read both, so
    that an analyst learns nothing of restricted articles, not even their ids."""
    readable = readable_by(articles, groups, owned)
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
