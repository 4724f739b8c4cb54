"""What an organisation's own audience groups are called in each language: the
`audience_names` of a department file.

An article's `audience` may name groups the product knows (`everyone`, a
role, a department), which pages name in their own words, and groups of the
organisation's own ("managers"), which they show as written. A department
file may give such a group its name in the languages the product speaks,

    audience_names:
      managers: {de: Führungskräfte, en: Managers}

and a German page then says "Führungskräfte" where it names the group. The
names are one line of text each; a group is spelt as in `audience` (case
aside). When two department files name one group in one language, the first
department in folder order is followed. A language without a name shows the
group as written.

Any department's file may name any such group, so a name is never one that
reads (`kb.content.lookalike_names`) like what pages call a group the product
knows in that language: everyone, a role, a role of a department, a
department or the triage queue (`without_reserved_names`). Else one
department's file could have another's managers-only article read as open to
"everyone" where the insights name its audience.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from kb.content.lookalike_names import reading_key
from kb.content.problem_texts import problem
from kb.i18n.catalog import domain_catalog
from kb.i18n.labels import GROUP_LABELLED, label_key
from kb.i18n.languages import written_languages
from kb.records import CONTROL_CHARACTERS, Department, Problem

FIELD = "audience_names"
EXAMPLE = "{managers: {de: Führungskräfte}}"

# Group (lower case) → language code → its name there.
AudienceNames = dict[str, dict[str, str]]


def read_audience_names(value: Any, path: str) -> tuple[AudienceNames, list[Problem]]:
    """The `audience_names` of a department file and the warnings about entries
    left out: a group without a mapping of languages, a language the product
    does not speak, a name that is not one line of text. The rest of the file
    is used either way."""
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [_warning("audience_names_not_mapping", path, value=repr(value))]
    spoken = written_languages()
    names: AudienceNames = {}
    problems: list[Problem] = []
    for group, by_language in value.items():
        key = str(group).strip().lower()
        if not key or not isinstance(by_language, dict):
            problems.append(_warning("audience_names_not_mapping", path, value=repr(by_language)))
            continue
        for lang, name in by_language.items():
            text = name.strip() if isinstance(name, str) else ""
            if str(lang) not in spoken:
                languages = ", ".join(spoken)
                problems.append(
                    _warning(
                        "audience_name_language",
                        path,
                        group=key,
                        language=repr(lang),
                        languages=languages,
                    )
                )
            elif not text or CONTROL_CHARACTERS.search(text):
                problems.append(_warning("audience_name_not_line", path, group=key, language=lang))
            else:
                names.setdefault(key, {})[str(lang)] = text
    return names, problems


def _warning(key: str, path: str, **values: Any) -> Problem:
    """The warning `key` (`kb.content.setup_texts`) about an entry left out."""
    return problem(key, path, kind="department", field=FIELD, example=EXAMPLE, **values)


def without_reserved_names(
    departments: Mapping[str, Department],
) -> tuple[dict[str, Department], list[Problem]]:
    """`departments` without the audience names that read like what a page calls
    a group the product knows in that language (`_reserved`); a warning names
    each one left out. Departments' shown names are final by now."""
    reserved: dict[str, dict[str, str]] = {}
    kept = dict(departments)
    problems: list[Problem] = []
    for slug, department in departments.items():
        names: AudienceNames = {}
        for group, by_language in department.audience_names.items():
            for lang, name in by_language.items():
                if lang not in reserved:
                    reserved[lang] = _reserved(departments.values(), lang)
                like = reserved[lang].get(reading_key(name))
                if like is None:
                    names.setdefault(group, {})[lang] = name
                    continue
                problems.append(
                    _warning(
                        "audience_name_reserved",
                        f"{slug}/",
                        group=group,
                        language=lang,
                        name=repr(name),
                        reserved=repr(like),
                    )
                )
        if names != department.audience_names:
            kept[slug] = replace(department, audience_names=names)
    return kept, problems


def _reserved(departments: Iterable[Department], lang: str) -> dict[str, str]:
    """Reading key → the name a page gives a group the product knows in `lang`:
    everyone, each role (alone and of each department), each department and
    the triage queue."""
    catalog = domain_catalog()
    roles = [
        catalog.translate(lang, label_key(member, kind))
        for enum, kind in GROUP_LABELLED.items()
        for member in enum
    ]
    shown = [d.shown_name(lang) for d in departments] + [catalog.translate(lang, "triage_name")]
    in_departments = [
        catalog.translate(lang, "audience_role_in_department", role=role, department=department)
        for role in roles
        for department in shown
    ]
    names = [catalog.translate(lang, "audience_everyone"), *roles, *shown, *in_departments]
    return {reading_key(name): name for name in reversed(names)}


def group_label(departments: Iterable[Department], group: str, lang: str) -> str:
    """The name of the organisation's group `group` in `lang` that the first
    department file (in folder order) gives it; "" where none does."""
    key = group.strip().lower()
    for department in sorted(departments, key=lambda d: d.slug):
        name = department.audience_names.get(key, {}).get(lang)
        if name:
            return name
    return ""
