"""How pages name people: by the display name of their account.

Every page that names a person (a request's requester, assignee and
watchers, who wrote an entry of its history, who holds a task or was handed
one, the agents an assignee or hand-over list offers, who wrote a version of
an article or waits for its review) names them through one of these,
offered to every template:

- `person(username)`: the display name with the username in its `title`
  (agents and administrators need it: the command line and the API take
  usernames), as the menu names the signed-in person;
- `person_name(username)` (also a filter): the display name as plain text,
  for a sentence ("taken by Carl Kühn") or a list's option, whose value
  stays the username.

An account without a display name, and a name no account has any more (a
person removed, a file's history from disk), are named by the username. Each
name is looked up once a page (`flask.g`).
"""

from __future__ import annotations

import logging

from flask import Flask, g
from markupsafe import Markup, escape

from kb.errors import KbError
from webapp import services

logger = logging.getLogger(__name__)


def person_name(username: str | None) -> str:
    """The display name of `username`'s account; the username where it has
    none, or no account has that name; "" for nobody."""
    if not username:
        return ""
    known: dict[str, str] = g.setdefault("kb_person_names", {})
    if username not in known:
        try:
            account = services.services().store.get_user(username)
        except KbError as exc:  # the page still names them, by username
            logger.warning("the account of %s was not read: %s", username, exc)
            account = None
        known[username] = account.display_name if account is not None else username
    return known[username]


def person(username: str | None) -> Markup:
    """`username`'s display name, the username in its `title` where they differ."""
    name = person_name(username)
    if not username or name == username:
        return escape(name)
    return Markup('<span class="person" title="{}">{}</span>').format(username, name)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(person=person, person_name=person_name)
    app.jinja_env.filters["person_name"] = person_name
