"""The home page before anything is searched: the front door.

Below the search box, the searches many people make (under the privacy
rules of query suggestions), each department with its top requests (the
forms of its `top_requests`, see `kb.catalogue`) and its most read articles,
and the ways to ask without searching first.

"Most read" ranks articles by how many people read them in the last 90 days
(had one as a search's answer or opened it from the results, each person
once however often: the signed-in account or, signed out, the network
address's pseudonym; a search another site made the browser send, which has
neither, counts no reader; `InsightsStore.article_readers`),
then by how often they were the answer, then shown (the insights rollups,
refreshed by the insights scheduler), and shows only what the viewer may
read. The ranking is kept for a minute per
process, and so are the popular searches before each viewer's filter: the
home page is the most visited page, needs no sign-in, and the figures move
slowly. Without the store (the database down) the page still shows the
search box and the departments. The departments are the content root's as
pages name them (`webapp.departments.all_departments`), so a department
added while the app runs has its card before the next index run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from kb.catalogue.types import RequestType
from kb.errors import KbError
from kb.insights.store import insights_store
from kb.records import Article, Department
from kb.validators import utc_now
from webapp import services
from webapp.auth.identity import search_groups
from webapp.departments import all_departments, department_name
from webapp.search.popular import kept
from webapp.search.presenters import past_queries

logger = logging.getLogger(__name__)

ARTICLE_DAYS = 90
TOP_ARTICLES = 3
POPULAR = 8


@dataclass(frozen=True)
class DepartmentCard:
    """One department on the home page."""

    department: Department
    top_requests: list[RequestType] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)


@dataclass(frozen=True)
class FrontDoor:
    departments: list[DepartmentCard]
    popular: list[str]


def _ranked_articles() -> list[str]:
    """Article ids, most used first (cached per process for CACHE_SECONDS)."""
    try:
        return kept("articles", _rank_articles)
    except KbError as exc:
        logger.warning("front door: no article figures: %s", exc.message)
        return []


def _rank_articles() -> list[str]:
    today = utc_now().date()
    store = insights_store(services.store())
    since, until = today - timedelta(days=ARTICLE_DAYS), today + timedelta(days=1)
    figures, readers = store.article_figures(since, until), store.article_readers(since, until)
    return sorted(
        (a for a, f in figures.items() if readers.get(a) or f.top_answers or f.shown),
        key=lambda a: (-readers.get(a, 0), -figures[a].top_answers, -figures[a].shown, a),
    )


def _top_requests() -> dict[str, list[RequestType]]:
    try:
        catalogue = services.request_service().catalogue
    except KbError as exc:
        logger.warning("front door: no catalogue: %s", exc.message)
        return {}
    return {slug: catalogue.top_requests(slug) for slug in catalogue.top}


def _most_read(ranked: list[str], departments: set[str]) -> dict[str, list[Article]]:
    """Up to TOP_ARTICLES readable articles per department, in ranking order."""
    engine = services.engine()
    groups = search_groups()
    found: dict[str, list[Article]] = {slug: [] for slug in departments}
    for article_id in ranked:
        slug = article_id.split("/", 1)[0]
        if slug not in found or len(found[slug]) >= TOP_ARTICLES:
            continue
        article = engine.article(article_id)
        if article is not None and article.visible_to(groups):
            found[slug].append(article)
        if all(len(v) >= TOP_ARTICLES for v in found.values()):
            break
    return found


def _popular() -> list[str]:
    """What many people search, under the rules of query suggestions
    (`webapp.search.presenters.past_queries`): searched by at least
    `suggest_min_people` people, answered from an article this viewer may read,
    no personal data, nothing on the blocklist. The candidates are the same
    for every viewer and kept like the ranking (`webapp.search.popular`);
    only the filtering is done per viewer."""
    try:
        return past_queries("", POPULAR)
    except KbError as exc:
        logger.warning("front door: no popular searches: %s", exc.message)
        return []


def front_door() -> FrontDoor:
    """What the home page shows the current viewer."""
    # The content root's departments: one added while the app runs has its card
    # (and its top requests) at once, as requests already go to it.
    departments = sorted(
        all_departments().values(), key=lambda d: department_name(d.slug).casefold()
    )
    top = _top_requests()
    articles = _most_read(_ranked_articles(), {d.slug for d in departments})
    cards = [DepartmentCard(d, top.get(d.slug, []), articles.get(d.slug, [])) for d in departments]
    return FrontDoor(cards, _popular())
