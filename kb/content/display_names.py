"""A department's name in other languages: the `display_names` of its file.

`name` is the department's configured name, shown in every language; a
department file may add the name in the languages the product speaks,

    name: Finance
    display_names: {de: Finanzen}

and pages and mails in German then say "Finanzen". A language without one
shows `name`. As with `name`, no two departments are shown under one name in
a language, nor under the triage queue's: a display name that reads like
another department's name in that language is not used (the configured name
is shown instead), and a warning says why.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from kb.content.lookalike_names import reading_key
from kb.content.problem_texts import problem
from kb.i18n.catalog import domain_catalog
from kb.records import CONTROL_CHARACTERS, Department, Problem

FIELD = "display_names"
# The longest name a department is shown by (`name`, each of `display_names`): it
# stands beside every search result and in every queue, and a name of 460 KB made
# each search that listed the department's articles a page of 11 MB. A longer one
# is left out with a warning (`kb.content.departments`).
MAX_NAME_CHARS = 100
EXAMPLE = "{de: Personal}"


def read_display_names(value: Any, path: str) -> tuple[dict[str, str], list[Problem]]:
    """The `display_names` of a department file (language code → name) and the
    warnings about entries left out: a language the product does not speak, a
    name that is not one line of text. The rest of the file is used either way."""
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [_warning("display_names_not_mapping", path, value=repr(value))]
    spoken = set(domain_catalog().messages)
    names: dict[str, str] = {}
    problems: list[Problem] = []
    for lang, name in value.items():
        text = name.strip() if isinstance(name, str) else ""
        if str(lang) not in spoken:
            languages = ", ".join(sorted(spoken))
            problems.append(
                _warning("display_names_language", path, language=repr(lang), languages=languages)
            )
        elif not text or CONTROL_CHARACTERS.search(text):
            problems.append(_warning("display_names_not_line", path, language=lang))
        elif len(text) <= MAX_NAME_CHARS:  # a longer one is left out, and warned of
            names[str(lang)] = text
    return names, problems


def _warning(key: str, path: str, **values: Any) -> Problem:
    """The warning `key` (`kb.content.setup_texts`) about an entry left out."""
    return problem(key, path, kind="department", field=FIELD, example=EXAMPLE, **values)


def triage_keys() -> frozenset[str]:
    """How the triage queue's shown name reads in each language the product speaks."""
    catalog = domain_catalog()
    return frozenset(
        reading_key(catalog.translate(lang, "triage_name")) for lang in catalog.messages
    )


def without_shared_display_names(
    departments: Mapping[str, Department], reserved: Collection[str]
) -> tuple[dict[str, Department], list[Problem]]:
    """`departments`, no two of them shown under one name in any language, none
    under a name that reads like one of `reserved` (reading keys): a display
    name that clashes is left out, so the department's configured name is shown
    in that language, with a warning. Configured names are compared beforehand
    (`kb.content.departments.without_shared_names`)."""
    kept = dict(departments)
    problems: list[Problem] = []
    for lang in sorted({lang for d in kept.values() for lang in d.display_names}):
        clashing = _clashing(kept, lang, reserved)
        while clashing:  # a name left out may clash with another's: check again
            for slug, other in clashing.items():
                department = kept[slug]
                names = {k: v for k, v in department.display_names.items() if k != lang}
                kept[slug] = replace(department, display_names=names)
                problems.append(_clash(department, lang, other))
            clashing = _clashing(kept, lang, reserved)
    return kept, problems


def _clashing(
    kept: Mapping[str, Department], lang: str, reserved: Collection[str]
) -> dict[str, str]:
    """Department id → what its display name in `lang` reads like (another
    department's id, or '' for the triage queue), for each one that clashes."""
    holders: dict[str, list[str]] = {}
    for slug, department in kept.items():
        holders.setdefault(reading_key(department.shown_name(lang)), []).append(slug)
    out: dict[str, str] = {}
    for key, slugs in holders.items():
        for slug in slugs:
            if lang not in kept[slug].display_names:
                continue
            others = [s for s in slugs if s != slug]
            if others or key in reserved:
                out[slug] = ", ".join(sorted(others))
    return out


def _clash(department: Department, lang: str, others: str) -> Problem:
    return problem(
        "display_name_shared" if others else "display_name_of_queue",
        f"{department.slug}/",
        kind="department_name",
        language=lang,
        name=repr(department.display_names[lang]),
        others=others,
        shown=repr(department.name),
        field=FIELD,
    )
