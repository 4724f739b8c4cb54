"""The department a question that came without one is routed to, as its search
would route it: for the ask page and for `POST /api/requests`.

A search's "Ask" link carries the department the router chose and its
confidence. A link with the question alone (a bookmark, a link in an
intranet page or an e-mail, a page that could not search), or an API call
that names no department, suggested none, so the request went to the triage
queue even where the search of the same words routes it with confidence
("Wie beantrage ich Urlaub" → Human Resources). Such a question is routed the
way its search is (`search.routing`: the departments of the best articles
the asker may read, the department keywords and the classifier over the
passages), which holds for any content and language without a word written
for it. The search is not logged: the person did not make it.

Asking needs no search: when it cannot run now (no index yet, the engine
busy, the search limit reached) nothing is suggested and the request goes
to the triage queue as before.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kb.errors import KbError
from kb.requests.records import Suggestion
from kb.requests.submission import NewRequest
from kb.results import Query
from webapp import services
from webapp.search.event_log import unlogged_search

logger = logging.getLogger(__name__)


def suggestion_for(question: str) -> Suggestion | None:
    """The department a search of `question` routes it to, as the current user,
    with its confidence (the triage queue when the router was unsure); None
    when no search could be run now."""
    try:
        response = unlogged_search(Query(question, k=1))
    except KbError as exc:
        logger.info("no department suggested for a question: %s", exc)
        return None
    except Exception:  # asking must work whatever the engine does
        logger.exception("routing %r failed; suggesting no department", question)
        return None
    if not response.department:
        return None
    confidence = min(1.0, max(0.0, response.department_confidence))
    return Suggestion(response.department, confidence)


def routed(sent: NewRequest) -> NewRequest:
    """`sent` with the department its question's search suggests, when it names
    no department and carries no suggestion (nor a catalogue type or value
    stream, which name their own). A department the caller gave, or a
    suggestion they sent, is kept as it is."""
    if sent.department or sent.suggested_department or sent.request_type or sent.workflow:
        return sent
    if not sent.query.strip():
        return sent
    found = suggestion_for(sent.query)
    if found is None or not _files_to(found.department):
        return sent
    return replace(
        sent, suggested_department=found.department, department_confidence=found.confidence
    )


def _files_to(department: str) -> bool:
    """Whether a request can go to `department`: the index may still name one
    the content root no longer has (renamed, removed), which is no reason to
    refuse a request that named no department."""
    known = services.services()
    return (
        department in known.content_departments() or department == known.settings.triage_department
    )
