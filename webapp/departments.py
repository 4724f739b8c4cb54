"""How departments are shown on every page: their names and badge colours.

A department's name is its department file's name in the page's language
(`display_names`, `kb.content.display_names`), else the file's `name`, else
its folder's default name (`kb.content.departments.display_name`, which mails and request
titles use too), read from the content root as the request side reads it
(`Services.content_departments`), and only where that has no such department
from the search index's copy, which lags behind a department added or
renamed until the next index run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kb.content.departments import display_name
from kb.errors import KbError
from kb.i18n.catalog import TriageName
from kb.records import Department
from kb.validators import normal_name
from webapp import services
from webapp.i18n import current_language, gettext

logger = logging.getLogger(__name__)

TONES = 8  # department badge colour classes in kb.css: tone-0 … tone-7


def all_departments() -> dict[str, Department]:
    """The departments of the content root, over the index's copy of them (a
    department the worker has not read since it started, or a node without
    the content folder): the departments pages show, the home page's cards too."""
    try:
        found = services.departments()
    except KbError as exc:  # no index yet: the content root alone
        logger.debug("no departments from the index: %s", exc.message)
        found = {}
    return {**found, **services.services().content_departments()}


def department_name(slug: str) -> str:
    """The display name of a department in the reader's language (also for
    folders without a file, and for an id stored in decomposed form); the
    triage queue's too."""
    if not slug:
        return ""
    slug = normal_name(slug)
    known = all_departments()
    if slug not in known and slug == services.services().settings.triage_department:
        return TriageName(gettext("triage_name"))
    lang = current_language()
    return display_name(slug, {s: d.shown_name(lang) for s, d in known.items()})


def in_name_order(slugs: Iterable[str]) -> list[str]:
    """`slugs` in the order of their names in the reader's language, as every
    list of departments is shown (in German, HR's "Personal" after "IT")."""
    return sorted(slugs, key=lambda slug: department_name(slug).casefold())


def department_tone(slug: str) -> int:
    """A stable badge colour per department: its place in the sorted list."""
    slugs = sorted(all_departments())
    return slugs.index(slug) % TONES if slug in slugs else TONES - 1


def department_of(slug: str) -> Department:
    """The department `slug` (its contacts and targets), or a stand-in with its
    display name."""
    department = all_departments().get(normal_name(slug))
    return department or Department(slug=slug, name=department_name(slug))
