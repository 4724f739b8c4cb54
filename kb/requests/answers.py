"""Answers a requester has not seen yet: the notice without e-mail.

Without mail a requester learnt of an answer only by opening My requests and
looking. Now a reply or a resolution they get from someone who works the
request stamps the request (`Request.answered_at`, written with that change:
`answered`); opening the request as its requester marks that answer seen
(`opened`), and a request whose answer is newer than what its requester saw
has a new answer (`Request.has_new_answer`): the menu counts them, My
requests and the API's list of one's own requests mark them. Internal notes,
the requester's own words and what a watcher writes never count; another
person opening the request clears nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kb.accounts.records import User
from kb.errors import StoreUnavailableError
from kb.requests.records import Request
from kb.store.protocols import RequestStore

logger = logging.getLogger(__name__)


def answered(request: Request, actor: User, now: datetime) -> datetime | None:
    """`answered_at` after `actor`, who works `request`, answered it in public
    at `now`: that moment, unless they asked it themselves."""
    return request.answered_at if actor.username == request.requester else now


class AnswerNotices:
    """Counting the requester's new answers, and clearing one when they open it."""

    def __init__(self, store: RequestStore) -> None:
        self.store = store

    def count(self, actor: User) -> int:
        """How many of `actor`'s own requests have an answer they have not seen."""
        return self.store.count_new_answers(actor.username)

    def opened(self, actor: User, request: Request) -> None:
        """`actor` opened `request`: its answers so far are seen, when `actor`
        is its requester. A store too busy to write it now leaves the notice
        for the next opening rather than failing the page."""
        if request.id is None or request.answered_at is None or not request.has_new_answer:
            return
        if actor.username != request.requester:
            return
        try:
            self.store.mark_answer_seen(request.id, actor.username, request.answered_at)
        except StoreUnavailableError as exc:
            logger.warning("requests: request %s not marked seen: %s", request.id, exc.message)
