"""The department the ask page suggests for a question that came without one.

A search's "Ask" link carries the department the router chose and its
confidence. A link with the question alone (a bookmark, a link in an
intranet page or an e-mail, a page that could not search) opened the form
with no department suggested, so the request went to the triage queue even
where the search of the same words routes it with confidence ("Wie
beantrage ich Urlaub" → Human Resources). Such a question is routed the way
its search is (`search.routing`: the departments of the best articles the
asker may read, the department keywords and the classifier over the
passages), which holds for any content and language without a word written
for it. The search is not logged: the person did not make it.

Asking needs no search: when it cannot run now (no index yet, the engine
busy, the search limit reached) the form is shown without a suggestion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kb.errors import KbError
from kb.results import Query
from webapp.search.event_log import unlogged_search

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    """The department a question's search routed it to, with its confidence (the
    triage queue when the router was unsure)."""

    department: str
    confidence: float


def suggestion_for(question: str) -> Suggestion | None:
    """The department a search of `question` routes it to, or None when no
    search could be run now."""
    try:
        response = unlogged_search(Query(question, k=1))
    except KbError as exc:
        logger.info("no department suggested for the ask form: %s", exc)
        return None
    except Exception:  # the form must open whatever the engine does
        logger.exception("routing %r for the ask form failed; suggesting none", question)
        return None
    if not response.department:
        return None
    return Suggestion(response.department, response.department_confidence)
