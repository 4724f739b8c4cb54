"""What the request pages' templates call: moments in the working-hours time
zone (`when`), the time left until a due date (`remaining`) and whether the
reader works a department's queue (`user_works`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint

from kb.requests import permissions
from webapp import services
from webapp.auth.identity import current_user
from webapp.requests import presenters
from webapp.services import request_service


def register(bp: Blueprint) -> None:
    """Offer the helpers to every template of the app, as `bp` is registered."""
    bp.add_app_template_filter(when, "when")
    bp.add_app_template_filter(remaining, "remaining")
    bp.add_app_template_global(user_works, "user_works")


def when(value: datetime) -> str:
    """A moment in the working-hours time zone (setting `sla_timezone`), which it
    names, so that readers elsewhere need not guess: 2026-06-10 14:05 CEST."""
    zone = ZoneInfo(str(services.services().settings.sla_timezone))
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def remaining(value: datetime | None) -> str:
    """The time left until a due date, or past it (see `presenters.time_left`)."""
    return presenters.time_left(value, request_service().clock())


def user_works(department: str) -> bool:
    """Whether the signed-in user works `department`'s queue (its tasks included)."""
    user = current_user()
    return user is not None and permissions.works_queue(user, department)
