"""How the engine routes one search: the snapshot's router, the department files
of the content root as they are now, and what reassignments taught.

A snapshot's router (`search.routing.Router`) holds the department keywords
the index run read. A department added, or its `keywords` edited, while the
web app runs would reach routing only with the next index run, while the
request side already takes requests for it (`kb.requests.departments`). Given
a source of the content root's departments (the web app hands in the one
that names departments on every page), `EngineRouting` routes with a router
whose keywords are those departments' (over the snapshot's, for a department
the content root no longer has), built again only when the source answers
another mapping or the snapshot changed. The votes of the articles and the
department classifier come from the snapshot as before, so with no source,
or with the departments the index read, every route is the same.

Given the service catalogue's matcher (the web app hands in the one whose
form the search page offers), the department that owns the entry a question
asks for counts as one of its department keywords found (`Router.route`),
as strong as the question's match of the entry when the matcher says
(`ServiceVote`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from kb.records import Department
from search.grouping import ArticleGroup
from search.prepared import PreparedSnapshot
from search.routing import Route, Router, ServiceVote
from search.understanding import QueryPlan

logger = logging.getLogger(__name__)

ROUTE_ARTICLES = 10  # best articles that vote on the department

RouteHints = Callable[[str], Mapping[str, float]]
DepartmentSource = Callable[[], Mapping[str, Department]]
# The department owning the catalogue entry a question asks for (a bare name
# votes in full), or None.
ServiceOwner = Callable[[str], str | ServiceVote | None]


class EngineRouting:
    """The route of a search, from its best articles, its words and its vector."""

    def __init__(
        self,
        hints: RouteHints | None = None,
        departments: DepartmentSource | None = None,
        services: ServiceOwner | None = None,
    ) -> None:
        # Department shares learned from reassigned requests (see search.routing).
        self.hints = hints
        self.departments = departments
        self.services = services
        self._lock = threading.Lock()
        self._built: tuple[PreparedSnapshot, Mapping[str, Department], Router] | None = None

    def router(self, prepared: PreparedSnapshot) -> Router:
        """The snapshot's router, with the content root's department keywords now."""
        if self.departments is None:
            return prepared.router
        try:
            current = self.departments()
        except Exception:  # routing must never break a search
            logger.exception("the departments could not be read; routing by the index's")
            return prepared.router
        built = self._built
        if built is not None and built[0] is prepared and built[1] is current:
            return built[2]
        router = prepared.router.with_departments({**prepared.snapshot.departments, **current})
        with self._lock:
            self._built = (prepared, current, router)
        return router

    def route(
        self,
        prepared: PreparedSnapshot,
        plan: QueryPlan,
        groups: Sequence[ArticleGroup],
        query_vector: np.ndarray,
        heard: bool,
    ) -> Route:
        """The department of the best `groups` (relevant articles), the query's
        words and vector; `heard` False: unanswered, no word of it known."""
        best = groups[:ROUTE_ARTICLES]
        top = best[0].score if best and best[0].score > 0 else 1.0
        owners = prepared.snapshot.owners
        scored = [(owners[g.best_pid][1], g.score / top) for g in best]
        words = [plan.corrections.get(c.word, c.word) for c in plan.concepts]
        learned: Mapping[str, float] | None = None
        if self.hints is not None:
            try:
                learned = self.hints(" ".join(words))
            except Exception:  # routing must never break a search
                logger.exception("routing hints failed; routing without them")
        service: str | ServiceVote | None = None
        if self.services is not None:
            try:
                service = self.services(plan.text)
            except Exception:  # routing must never break a search
                logger.exception("the service catalogue failed; routing without it")
        router = self.router(prepared)
        return router.route(scored, words, learned, query_vector, heard, service)
