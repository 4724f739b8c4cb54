"""How departments are shown on every page: their names and badge colours."""

from __future__ import annotations

from kb.content.departments import default_name
from kb.records import Department
from webapp import services
from webapp.i18n import gettext

TONES = 8  # department badge colour classes in kb.css: tone-0 … tone-7


def department_name(slug: str) -> str:
    """The display name of a department (also for folders without a file)."""
    if not slug:
        return ""
    department = services.departments().get(slug)
    if department is not None:
        return department.name
    if slug == services.services().settings.triage_department:
        return gettext("triage_name")
    return default_name(slug)


def department_tone(slug: str) -> int:
    """A stable badge colour per department: its place in the sorted list."""
    slugs = sorted(services.departments())
    return slugs.index(slug) % TONES if slug in slugs else TONES - 1


def department_of(slug: str) -> Department:
    """The department `slug`, or a stand-in with its default name."""
    department = services.departments().get(slug)
    return department or Department(slug=slug, name=department_name(slug))
