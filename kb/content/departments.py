"""Department files (`_department.yml`) and the defaults for folders without one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from kb.content.audience_names import read_audience_names, without_reserved_names
from kb.content.content_yaml import load_content_yaml, yaml_problem
from kb.content.display_names import (
    MAX_NAME_CHARS,
    read_display_names,
    triage_keys,
    without_shared_display_names,
)
from kb.content.field_names import near_miss_warnings
from kb.content.lookalike_names import reading_key
from kb.content.problem_texts import content_error, problem
from kb.content.regular_files import SETTINGS_FILE_MAX_BYTES, read_content_file
from kb.content.reordering_controls import markdown_control_problems
from kb.records import CONTROL_CHARACTERS, Department, Problem, Targets
from kb.validators import normal_name, without_bidi_controls

DEPARTMENT_FILES = ("_department.yml", "_department.yaml")
# The default of the setting triage_department, for callers without settings.
DEFAULT_TRIAGE = "triage"
# A department id is a role's department (`agent:hr`), an entry of the SSO
# groups header (comma-separated) and text on pages and in mails.
_NOT_IN_ID = frozenset(":,<>&\"'\\")


def is_department_id(slug: str) -> bool:
    """Whether `slug` (in composed Unicode form) could be a department folder's
    name: not empty, not hidden, one name of at most 255 bytes, none of the
    characters `check_department_name` refuses. Upper case and letters beyond
    ASCII are as good as `hr` (a folder `Büro` is department `Büro`)."""
    return (
        bool(slug)
        and not slug.startswith(".")
        and "/" not in slug
        and len(slug.encode("utf-8")) <= 255
        and not _NOT_IN_ID & set(slug)
        and not CONTROL_CHARACTERS.search(slug)
    )


def check_department_name(slug: str, triage: str = DEFAULT_TRIAGE) -> None:
    """A `ContentError` of kind department_name when a folder's name cannot be a
    department id: it holds a character from `_NOT_IN_ID` or a control
    character, or it is the triage department's id (the central queue is no
    folder's)."""
    if _NOT_IN_ID & set(slug) or CONTROL_CHARACTERS.search(slug):
        raise content_error(
            "department_folder_name",
            f"{slug}/",
            kind="department_name",
            characters=" ".join(sorted(_NOT_IN_ID)),
        )
    if slug == triage:
        raise content_error(
            "triage_folder", f"{slug}/", kind="department_name", triage=repr(triage)
        )


def _configured_name(data: Mapping[str, Any], slug: str) -> str:
    """A department file's `name`, else its folder's default name; a name of
    controls that reorder text alone names nothing (`kb.records.Department`),
    nor does one longer than `MAX_NAME_CHARS` (`_long_names` warns of it)."""
    name = without_bidi_controls(str(data.get("name") or ""))
    return name if name.strip() and len(name.strip()) <= MAX_NAME_CHARS else default_name(slug)


def _long_names(data: Mapping[str, Any], path: str) -> list[Problem]:
    """A warning for `name` and each of `display_names` longer than `MAX_NAME_CHARS`."""
    named = {"name": data.get("name")}
    shown = data.get("display_names")
    if isinstance(shown, dict):
        named |= {f"display_names.{lang}": name for lang, name in shown.items()}
    return [
        problem("department_name_long", path, kind="department", field=field, limit=MAX_NAME_CHARS)
        for field, name in named.items()
        if isinstance(name, str) and len(name.strip()) > MAX_NAME_CHARS
    ]


def default_name(slug: str) -> str:
    """`hr` → `HR`, `facilities` → `Facilities`, `human-resources` → `Human Resources`."""
    if len(slug) <= 3:
        return slug.upper()
    return slug.replace("-", " ").replace("_", " ").title()


def display_name(slug: str, names: Mapping[str, str]) -> str:
    """How pages, mails and request titles name a department: the `name` of its
    department file (`names`: department id → that name, as read from the content
    root), else its folder's default name. `slug` is looked up in composed form,
    so an id an older version stored decomposed (NFD) still finds its name."""
    slug = normal_name(slug)
    return names.get(slug) or default_name(slug)


def _name_key(name: str) -> str:
    """What two names that read alike share: compatibility form (full-width
    letters as plain ones), nothing invisible, lookalike letters as the Latin
    ones, case folded, runs of spaces as one (`kb.content.lookalike_names`)."""
    return reading_key(name)


def without_shared_names(
    departments: Mapping[str, Department],
) -> tuple[dict[str, Department], list[Problem]]:
    """`departments`, no two of them shown under one name. Employees choose where
    a request goes by the name, so a department file's `name` that reads like
    another department's (in any letter case or spacing) is not used: each such
    department is shown by its folder's default name, and a warning says why.
    A name that is the folder's own default name is kept (IT's folder `it` is
    IT, whatever another file says). Then the same for the names of
    `display_names`, in each language (`kb.content.display_names`), and
    `audience_names` that read like a known group's (`kb.content.audience_names`)."""
    holders: dict[str, list[str]] = {}
    for slug, department in departments.items():
        holders.setdefault(_name_key(department.name), []).append(slug)
    kept = dict(departments)
    problems: list[Problem] = []
    for slugs in holders.values():
        for slug in slugs if len(slugs) > 1 else ():
            department = departments[slug]
            if department.name == default_name(slug):
                continue
            others = ", ".join(sorted(s for s in slugs if s != slug))
            kept[slug] = replace(department, name=default_name(slug))
            problems.append(
                problem(
                    "department_name_shared",
                    f"{slug}/",
                    kind="department_name",
                    name=repr(department.name),
                    others=others,
                    shown=repr(default_name(slug)),
                )
            )
    problems += _without_triage_names(kept)
    kept, translated = without_shared_display_names(kept, triage_keys())
    kept, audiences = without_reserved_names(kept)
    return kept, problems + translated + audiences


def _without_triage_names(kept: dict[str, Department]) -> list[Problem]:
    """Reset (in `kept`) a department file's `name` that reads like the triage
    queue's shown name in any language ("Central Service Desk"): employees send
    the questions they cannot place there, agents triage them from it, and a
    department posing as it would be sent them. Warnings say why."""
    reserved = triage_keys()
    problems: list[Problem] = []
    for slug, department in list(kept.items()):
        if _name_key(department.name) not in reserved or department.name == default_name(slug):
            continue
        kept[slug] = replace(department, name=default_name(slug))
        problems.append(
            problem(
                "department_name_of_queue",
                f"{slug}/",
                kind="department_name",
                name=repr(department.name),
                shown=repr(default_name(slug)),
            )
        )
    return problems


def default_department(slug: str) -> Department:
    """The department of a folder without a usable department file."""
    return Department(slug=slug, name=default_name(slug))


def _targets(value: Any, path: str) -> Targets:
    if value is None:
        return Targets()
    if not isinstance(value, dict):
        raise content_error("department_targets_not_mapping", path, kind="department")
    try:
        return Targets(
            first_response_hours=float(
                value.get("first_response_hours", Targets.first_response_hours)
            ),
            resolution_hours=float(value.get("resolution_hours", Targets.resolution_hours)),
        )
    except (TypeError, ValueError) as exc:
        raise content_error(
            "department_targets_not_hours", path, kind="department", detail=exc
        ) from None


# The fields a department file may hold (docs/content-format.md); the service
# catalogue's are read by `kb.catalogue.loading` (docs/requests.md).
DEPARTMENT_FIELDS = frozenset(
    {"name", "display_names", "description", "contact", "targets", "keywords", "documents"}
    | {"audience_names"}
    | {"review_required"}
    | {"top_requests", "request_types", "canned_replies"}
)
TARGET_FIELDS = frozenset({"first_response_hours", "resolution_hours"})
# Webhook targets and secrets are the operator's (settings webhooks, webhook_hosts).
OPERATOR_FIELDS = frozenset({"webhook_url", "webhook_secret_env"})


def load_department(folder: Path, slug: str) -> Department:
    """The department of a folder: its file's contents, or defaults when it has none."""
    return read_department(folder, slug)[0]


def department_text(folder: Path, slug: str) -> tuple[str, str] | None:
    """The text of a folder's department file and its path below the content root
    (`hr/_department.yml`); None when the folder has none. Only a regular file
    is read (see `kb.content.regular_files`), and the folder is opened without
    following a link: one swapped for a link after the scan listed it
    (`linked_folder`) leads to no file outside the department."""
    for name in DEPARTMENT_FILES:
        file = folder / name
        if os.path.lexists(file):
            break
    else:
        return None
    rel = f"{slug}/{file.name}"
    # The folder's own name (`slug` is its normal form) and the file's, below the root.
    raw = read_content_file(file, f"{folder.name}/{file.name}", SETTINGS_FILE_MAX_BYTES, rel)
    try:
        return raw.decode("utf-8"), rel
    except UnicodeDecodeError:
        raise content_error("department_not_utf8", rel, kind="department") from None


def read_department(folder: Path, slug: str) -> tuple[Department, list[Problem]]:
    """The department of a folder and the warnings about its file (fields that are
    ignored); `ContentError` when the file cannot be used at all."""
    found = department_text(folder, slug)
    if found is None:
        return default_department(slug), []
    text, rel = found
    try:
        data = load_content_yaml(text) or {}
    except yaml.YAMLError as exc:
        at, said = yaml_problem(exc)
        raise content_error(
            "department_yaml_invalid",
            rel,
            line=at + 1 if at is not None else None,
            kind="department",
            problem=said,
        ) from None
    if not isinstance(data, dict):
        raise content_error("department_not_mapping", rel, kind="department")
    contact = data.get("contact") or {}
    keywords = data.get("keywords") or []
    display_names, name_problems = read_display_names(data.get("display_names"), rel)
    audience_names, group_problems = read_audience_names(data.get("audience_names"), rel)
    department = Department(
        slug=slug,
        name=_configured_name(data, slug),
        description=str(data.get("description") or ""),
        contact={str(k): str(v) for k, v in contact.items()} if isinstance(contact, dict) else {},
        targets=_targets(data.get("targets"), rel),
        keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
        has_file=True,
        review_required=_flag(data.get("review_required"), "review_required", rel),
        display_names=display_names,
        audience_names=audience_names,
    )
    # A control that reorders text is dropped from what readers see (`Department`);
    # the owner is told where it is, as for an article, so that they delete it.
    controls = markdown_control_problems(text, data, rel, body_line=text.count("\n") + 2)
    warned = name_problems + group_problems + _long_names(data, rel) + _field_warnings(data, rel)
    return department, warned + controls


def _flag(value: Any, name: str, path: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise content_error("department_flag", path, kind="department", name=name, value=repr(value))


def _field_warnings(data: dict[Any, Any], path: str) -> list[Problem]:
    problems = [
        problem("operator_field", path, kind="operator_field", name=key)
        for key in sorted(OPERATOR_FIELDS & set(data))
    ]
    problems += near_miss_warnings(data, DEPARTMENT_FIELDS, path)
    targets = data.get("targets")
    if isinstance(targets, dict):  # a misspelt target would leave the default in use, unsaid
        problems += [
            problem("department_target_unknown", path, kind="department", name=repr(key))
            for key in targets
            if key not in TARGET_FIELDS
        ]
    return problems
