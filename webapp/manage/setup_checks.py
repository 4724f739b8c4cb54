"""What is wrong with the files the running app reads besides articles, for the
list page (/manage/): the admins' settings, value streams and service
catalogue, and the department files.

A department file edited into a mistake (bad YAML, targets that are no hours,
a name another department already has) is otherwise only logged while its
department runs on the defaults or without the broken field. Admins see every
department's problems; a content owner sees those of the departments whose
articles they manage, since the file sits in that department's folder.
"""

from __future__ import annotations

from kb.accounts.records import Role, User
from kb.content.scanner import scan_departments
from kb.errors import KbError
from kb.records import Problem
from kb.validators import normal_name
from webapp import services


def problems_for(actor: User) -> list[Problem]:
    """The problems `actor` may fix, admins' files first."""
    svc = services.services()
    admin = actor.has_role(Role.ADMIN)
    owned = None if admin else actor.departments(Role.CONTENT_OWNER)
    if owned is not None and not owned:
        return []
    settings = svc.settings
    try:
        _, found = scan_departments(settings.content_path, settings.triage_department)
    except KbError:  # no content root: the index pages say so
        found = []
    departments = [p for p in found if owned is None or _department_of(p) in owned]
    if not admin:
        return departments
    return [*svc.live_settings.problems(), *svc.catalogue_problems(), *departments]


def _department_of(found: Problem) -> str:
    """The department folder a department file's problem is about."""
    return normal_name(found.path.split("/", 1)[0])
