"""The `search` blueprint: the one search box, the answer and the results.

Before anything is searched the page is the front door (`front_door`):
departments with their top requests and most read articles, popular
searches and the ways to ask without searching. A search whose words match
a catalogue entry offers its form above the results.

The department filter offers the departments of the index: a department of
the content root with no article indexed yet would always find nothing
there. A link that filters by such a department (its folder is new, its
articles not indexed yet) is not refused: the page says that it has no
articles yet and offers to ask it (`_without_articles`), searching nothing.
The ask form offers every department of the content root.

The page works without JavaScript (a plain GET form, links and posts);
`static/kb.js` adds suggestions while typing, click logging and voting on the
answer without leaving the page.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, render_template, request, url_for

from kb.errors import KbError, ValidationError
from kb.results import Query
from webapp import services
from webapp.catalogue.presenters import offered_type
from webapp.departments import department_name
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import digits
from webapp.search import presenters
from webapp.search.event_log import LoggedSearch, run_search, shown_again
from webapp.search.front_door import front_door
from webapp.search.inputs import search_params

bp = Blueprint("search", __name__)


# Refusals that pass (no index published yet, the engine or the database busy,
# too many searches): the page keeps the question and offers to ask instead.
PASSING = frozenset({429, 503})
UNAVAILABLE = "error_unavailable"


def _not_searched(text: str, exc: KbError) -> str:
    """The search box again with the question, why it was not searched now, and
    the way to ask a department meanwhile (asking needs no search)."""
    return render_template(
        "search/index.html",
        params=SimpleNamespace(text=text, department=None, tags=()),
        # An engine's own words may name the index's folder: people read the page's.
        error=message_for(exc, current_language()) if exc.status == 429 else gettext(UNAVAILABLE),
        error_heading="search_unavailable_heading",
        ask_url=url_for("ask.index", q=text or None),
    )


def _searched(query: Query | None, feedback_sent: bool) -> LoggedSearch | None:
    """The search of the page, logged; the page a vote returns to (`feedback=thanks`
    with the voted search's `sid`) shows that search again without counting it
    twice, when it is this browser's search of the same question."""
    if query is None:
        return None
    if feedback_sent:
        again = shown_again(query, digits(request.args.get("sid"), "sid"))
        if again is not None:
            return again
    return run_search(query)


def _without_articles(text: str, department: str) -> str:
    """The page for a filter by a department of the content root that has no
    article in the index yet: nothing to search there, the way to ask it."""
    return render_template(
        "search/index.html",
        params=SimpleNamespace(text=text, department=department, tags=()),
        without_articles=department,
        ask_url=url_for("ask.index", q=text or None, department=department),
    )


@bp.get("/")
def index() -> str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    svc = services.services()
    settings = svc.settings
    departments = services.departments()
    known = {*departments, *svc.content_departments()}
    try:
        params = search_params(request.args, settings, known, required=False)
    except ValidationError as exc:
        # The box again, with what was typed (up to what it takes) and why.
        text = request.args.get("q", "")[: settings.max_query_chars]
        page = render_template(
            "search/index.html",
            params=SimpleNamespace(text=text, department=None, tags=()),
            error=message_for(exc, current_language()),
        )
        return page, exc.status
    if params.department is not None and params.department not in departments:
        return _without_articles(params.text, params.department)
    feedback_sent = request.args.get("feedback") == "thanks"
    try:
        logged = _searched(params.query, feedback_sent)
    except KbError as exc:
        if exc.status not in PASSING:
            raise
        wait = getattr(exc, "retry_after", None)
        return _not_searched(params.text, exc), exc.status, {"Retry-After": str(wait or 10)}
    context: dict[str, object] = {}
    if logged is not None:
        response = logged.response
        context = {
            "response": response,
            "search_id": logged.search_id,
            "search_ref": logged.search_ref,
            "pager": presenters.Pager.of(response, params.k, settings.max_page),
            "facets": presenters.tag_facets(response, params.tags),
            "answer_rank": presenters.answer_rank(response, params.k),
            "answer_lang": presenters.answer_lang(response),
            "answer_section": presenters.answer_section_html(response),
            "ask_department": response.department or settings.triage_department,
            "offer": offered_type(params.text),
        }
    else:
        context = {"front": front_door()}
    return render_template(
        "search/index.html",
        params=params,
        departments=sorted(departments.values(), key=lambda d: department_name(d.slug).casefold()),
        feedback_sent=feedback_sent,
        **context,
    )
