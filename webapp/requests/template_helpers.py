"""What the request pages' templates call: moments in the working-hours time
zone (`when`), the time left until a due date (`remaining`), the texts the
product wrote into a request's history in the page's language (`entry_note`),
whether the reader works a department's queue (`user_works`), the signed-in
person's requests that wait for their answer (`waiting_for_you`, in every
page's menu) and how many of their requests have an answer they have not
seen (`new_answers`, in the menu too; `kb.requests.answers`)."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, g

from kb.errors import KbError
from kb.i18n.catalog import format_moment
from kb.requests import entry_notes, permissions
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Page, Paging
from kb.requests.records import Request
from webapp import services
from webapp.auth.identity import current_user
from webapp.i18n import current_language, note_text
from webapp.requests import presenters
from webapp.services import request_service


def register(bp: Blueprint) -> None:
    """Offer the helpers to every template of the app, as `bp` is registered."""
    bp.add_app_template_filter(when, "when")
    bp.add_app_template_filter(remaining, "remaining")
    bp.add_app_template_filter(entry_note, "entry_note")
    bp.add_app_template_global(user_works, "user_works")
    bp.add_app_template_global(waiting_for_you, "waiting_for_you")
    bp.add_app_template_global(new_answers, "new_answers")


logger = logging.getLogger(__name__)

# The requests waiting for their requester that My requests lists above the rest.
WAITING_SHOWN = 10


def when(value: datetime) -> str:
    """A moment in the working-hours time zone (setting `sla_timezone`) in the
    page's language, the zone named: 10. Juni 2026, 14:05 MESZ (`format_moment`)."""
    zone = ZoneInfo(str(services.services().settings.sla_timezone))
    return format_moment(current_language(), value, zone)


def remaining(value: datetime | None) -> str:
    """The time left until a due date, or past it (see `presenters.time_left`)."""
    return presenters.time_left(value, request_service().clock())


def entry_note(text: str, to_requester: bool = False) -> str:
    """A history entry's text or a request's answer: one the product wrote ("The
    requester replied.") in the page's language, said to the requester where
    they read it ("You replied."); one a person wrote as written."""
    return note_text(entry_notes.NOTES, text, "requester" if to_requester else "")


def user_works(department: str) -> bool:
    """Whether the signed-in user works `department`'s queue (its tasks included)."""
    user = current_user()
    return user is not None and permissions.works_queue(user, department)


def waiting_for_you() -> Page[Request] | None:
    """The signed-in person's own requests that wait for their answer (an agent
    asked something), newest first, the first `WAITING_SHOWN` of them; read once
    a request. None for a visitor, or when the store cannot say now (the page
    is shown without them)."""
    if "kb_waiting" not in g:
        found = None
        try:
            user = current_user()
            if user is not None:
                found = request_service().page_mine(
                    user, Paging(WAITING_SHOWN), RequestStatus.WAITING_FOR_REQUESTER
                )
        except KbError as exc:
            logger.warning("the requests waiting for their requester were not read: %s", exc)
        g.kb_waiting = found
    waiting: Page[Request] | None = g.kb_waiting
    return waiting


def new_answers() -> int:
    """How many of the signed-in person's requests have an answer they have not
    seen; read once a request. 0 for a visitor, or when the store cannot say
    now (the page is shown without the count)."""
    if "kb_new_answers" not in g:
        found = 0
        try:
            user = current_user()
            if user is not None:
                found = request_service().reader.answers.count(user)
        except KbError as exc:
            logger.warning("the requests with a new answer were not counted: %s", exc)
        g.kb_new_answers = found
    return int(g.kb_new_answers)
