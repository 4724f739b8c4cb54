"""What the search page and API show besides the engine's answer: suggestions,
paging, tag facets and where the answer stands among the results.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

from flask import current_app, url_for
from markupsafe import Markup

from kb.content.images import resolve_image
from kb.content.markdown_text import RenderError
from kb.content.sections import document_markdown, has_structure, section_markdown
from kb.errors import ValidationError
from kb.events import SearchEvent
from kb.insights.privacy import contains_personal_data
from kb.records import Article
from kb.results import SearchResponse
from webapp import services
from webapp.articles.images import kept_images
from webapp.articles.sanitize import article_html
from webapp.auth.identity import search_groups
from webapp.inputs import digits
from webapp.search.event_log import own_search
from webapp.search.picture_sources import picture_sources
from webapp.search.popular import popular_candidates

logger = logging.getLogger(__name__)

SUGGEST_LIMIT = 8


def suggestions(prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Article titles and earlier searches that start like `prefix`."""
    if not prefix:
        return []
    titles = services.engine().suggest(prefix, limit, groups=search_groups())
    try:
        queries = past_queries(prefix, limit)
    except Exception:
        logger.exception("popular queries unavailable; suggesting titles only")
        queries = []
    # Half each when both have enough, the rest filled from whichever has more.
    share = max(limit // 2, limit - len(queries))
    picked = [("title", t) for t in titles[:share]]
    picked += [("query", q) for q in queries[: limit - len(picked)]]
    seen: set[str] = set()
    out = []
    for kind, text in picked:
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            out.append({"text": text, "kind": kind})
    return out


def past_queries(prefix: str, limit: int) -> list[str]:
    """Earlier searches worth offering to this viewer, most people first.

    Anyone can search anything, so a past query is offered only when at least
    `suggest_min_people` distinct people searched it and were answered from an
    article this viewer may read, it names nothing on the blocklist
    (`suggest_blocklist`), and it holds no personal data: one person's
    password or a planted phishing line never reaches another's screen.
    The candidates are read once a minute per process (`webapp.search.popular`)."""
    settings = services.services().settings
    blocked = [w.strip().casefold() for w in settings.suggest_blocklist.split(",") if w.strip()]
    groups = search_groups()
    engine = services.engine()
    found: list[str] = []
    readable: dict[str, bool] = {}
    for candidate in popular_candidates(prefix, limit):
        text = candidate.text
        if text in found or contains_personal_data(text):
            continue
        if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in blocked):
            continue
        if candidate.answer_id not in readable:
            article = engine.article(candidate.answer_id)
            readable[candidate.answer_id] = article is not None and article.visible_to(groups)
        if readable[candidate.answer_id]:
            found.append(text)
            if len(found) >= limit:
                break
    return found


@dataclass(frozen=True)
class Pager:
    """Page links of a result list."""

    page: int
    pages: int

    @classmethod
    def of(cls, response: SearchResponse, k: int, max_page: int) -> Pager:
        pages = min(max_page, max(1, math.ceil(response.total / k))) if response.total else 1
        return cls(page=response.page, pages=pages)

    @property
    def window(self) -> list[int]:
        low = max(1, self.page - 2)
        high = min(self.pages, low + 4)
        low = max(1, high - 4)
        return list(range(low, high + 1))


def tag_facets(response: SearchResponse, selected: tuple[str, ...], limit: int = 12) -> list[str]:
    """Tags to filter by: those chosen, then the most common among the results."""
    counts: dict[str, int] = {}
    for hit in response.results:
        for tag in hit.tags:
            counts[tag] = counts.get(tag, 0) + 1
    common = sorted(counts, key=lambda t: (-counts[t], t.casefold()))
    return list(dict.fromkeys([*selected, *common]))[: max(limit, len(selected))]


ANSWER_SECTION_CHARS = 1500  # longer sections show the passage instead
# Rendering a section takes milliseconds; one that does not is hostile or broken.
ANSWER_SECTION_SECONDS = 0.25
# Rendered sections (or None: too slow) by article and section text, per app: a
# hostile 1,500 characters take 0.2 s, and the same sections answer most searches.
_SECTIONS = "kb_answer_sections"
MAX_CACHED_SECTIONS = 1024


def answer_section_html(response: SearchResponse) -> Markup | None:
    """The answer's section as the author wrote it, when it holds a table, a
    list or a picture the index keeps (shown from the article page's address)
    and is short enough for the card; None to show the plain passage. A
    document's section is its extracted text, its tables and lists the only
    markup (`kb.content.sections.document_markdown`).

    The index keeps plain text, so a table would otherwise come out as
    pipe-separated text and a list of steps as one run-on paragraph."""
    answer = response.answer
    if answer is None:
        return None
    article = services.engine().article(answer.id)
    if article is None or not article.visible_to(search_groups()):
        return None
    if article.is_document:
        found = next((s.text for s in article.sections if s.headings == answer.headings), None)
        section = document_markdown(found) if found is not None else None
    else:
        section = section_markdown(article.body_markdown, answer.headings)
    if section is None or len(section) > ANSWER_SECTION_CHARS:
        return None
    if not (has_structure(section) or _shows_kept_picture(section, article)):
        return None

    sections = current_app.extensions.setdefault(_SECTIONS, {})
    key = (article.id, section, tuple(image.digest for image in article.images))
    if key in sections:
        return sections.get(key)  # None too if another thread just cleared it
    if len(sections) >= MAX_CACHED_SECTIONS:
        sections.clear()
    found = sections[key] = _section_html(section, article)
    return found


def _shows_kept_picture(section: str, article: Article) -> bool:
    """Whether the section's Markdown names a picture the index keeps for the
    article: the card then shows the section with the picture, not the text alone."""
    if not article.images or "![" not in section and "<img" not in section:
        return False
    kept = {image.path for image in article.images}
    return any(resolve_image(src, article.id) in kept for src in picture_sources(section))


def _section_html(section: str, article: Article) -> Markup | None:
    def link(target: str) -> str:
        return url_for("articles.show", article_id=target)

    article_id = article.id
    try:
        html = article_html(
            section,
            article_id,
            link,
            ANSWER_SECTION_SECONDS,
            image_for=kept_images(article_id, article.images),
        )
    except RenderError:
        # Markdown that renders slowly (see kb.content.markdown_text): the passage
        # is shown instead, and no search waits for it.
        logger.warning("answer section of %s renders too slowly; showing the passage", article_id)
        return None
    return _fragments_to_article(html, link(article_id))


_FRAGMENT_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r' id="([^"]+)"')


def _fragments_to_article(html: Markup, article_url: str) -> Markup:
    """Links to other parts of the article (`#c-deadline`) lead to the article
    page: on the search page the card holds one section, and a fragment it does
    not hold would go nowhere. Fragments within the card (a footnote) stay."""
    shown = set(_ID.findall(html))

    def target(match: re.Match[str]) -> str:
        fragment = match.group(1)
        return match.group(0) if fragment in shown else f'href="{article_url}#{fragment}"'

    return Markup(_FRAGMENT_HREF.sub(target, html))


def answer_lang(response: SearchResponse) -> str:
    """The language of the answer's article ('' when unknown), so that the card
    marks a passage in another language than the page's for screen readers."""
    answer = response.answer
    if answer is None:
        return ""
    for hit in response.results:
        if hit.id == answer.id:
            return hit.lang
    article = services.engine().article(answer.id)
    return article.lang if article is not None else ""


def answer_rank(response: SearchResponse, k: int) -> int:
    """The 1-based rank of the answer's article in the results (1 when absent)."""
    if response.answer is None:
        return 1
    offset = (response.page - 1) * k
    for i, hit in enumerate(response.results, start=1):
        if hit.id == response.answer.id:
            return offset + i
    return 1


def shown_search(search_id: str) -> SearchEvent | None:
    """The search `search_id` (`sid` of an article opened from it) when it is this
    browser's own search of the results page: None when it is another's
    (another's question is never shown), came from the ask form, or cannot be read."""
    try:
        number = digits(search_id, "sid")
    except ValidationError:  # beyond any id
        return None
    try:
        shown = own_search(number)
    except Exception:
        logger.exception("search %s could not be read; no way back to its results", number)
        return None
    if shown is None or shown.filters.get("source"):
        return None
    return shown


def results_url(shown: SearchEvent) -> str:
    """The results page of the search `shown`: the same question, filters and page."""
    page = shown.page if shown.page > 1 else None
    return url_for(
        "search.index",
        q=shown.query,
        department=shown.filters.get("department") or None,
        tag=list(shown.filters.get("tags") or []) or None,
        page=page,
    )
