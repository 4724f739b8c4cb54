"""Department files (`_department.yml`) and the defaults for folders without one."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from kb.content.regular_files import SETTINGS_FILE_MAX_BYTES, read_regular_file
from kb.errors import ContentError
from kb.records import Department, Targets

DEPARTMENT_FILES = ("_department.yml", "_department.yaml")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def default_name(slug: str) -> str:
    """`hr` → `HR`, `facilities` → `Facilities`, `human-resources` → `Human Resources`."""
    if len(slug) <= 3:
        return slug.upper()
    return slug.replace("-", " ").replace("_", " ").title()


def default_department(slug: str) -> Department:
    """The department of a folder without a usable department file."""
    return Department(slug=slug, name=default_name(slug))


def _targets(value: Any, path: str) -> Targets:
    if value is None:
        return Targets()
    if not isinstance(value, dict):
        raise ContentError(
            "'targets' must map first_response_hours and resolution_hours",
            path=path,
            kind="department",
        )
    try:
        return Targets(
            first_response_hours=float(
                value.get("first_response_hours", Targets.first_response_hours)
            ),
            resolution_hours=float(value.get("resolution_hours", Targets.resolution_hours)),
        )
    except (TypeError, ValueError) as exc:
        raise ContentError(
            f"targets are not positive numbers of hours: {exc}", path=path, kind="department"
        ) from None


def load_department(folder: Path, slug: str) -> Department:
    """The department of a folder: its file's contents, or defaults when it has none."""
    for name in DEPARTMENT_FILES:
        file = folder / name
        if os.path.lexists(file):
            break
    else:
        return default_department(slug)
    rel = f"{slug}/{file.name}"
    raw = read_regular_file(file, SETTINGS_FILE_MAX_BYTES, rel)
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except UnicodeDecodeError:
        raise ContentError(
            "department file is not UTF-8", path=rel, kind="department", hint="save it as UTF-8"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(
            f"department file is not valid YAML: {getattr(exc, 'problem', exc)}",
            path=rel,
            line=mark.line + 1 if mark else None,
            kind="department",
            hint="fix the YAML; defaults are used until then",
        ) from None
    if not isinstance(data, dict):
        raise ContentError("department file must be a mapping", path=rel, kind="department")
    contact = data.get("contact") or {}
    keywords = data.get("keywords") or []
    return Department(
        slug=slug,
        name=str(data.get("name") or default_name(slug)),
        description=str(data.get("description") or ""),
        contact={str(k): str(v) for k, v in contact.items()} if isinstance(contact, dict) else {},
        targets=_targets(data.get("targets"), rel),
        keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
        has_file=True,
        **_webhook(data, rel),
    )


def _webhook(data: dict[str, Any], path: str) -> dict[str, str]:
    """`webhook_url` and `webhook_secret_env`, checked (both or neither)."""
    url = str(data.get("webhook_url") or "").strip()
    secret_env = str(data.get("webhook_secret_env") or "").strip()
    if not url and not secret_env:
        return {}
    if not url.startswith(("http://", "https://")):
        raise ContentError(
            f"webhook_url must be an http(s) URL, got {url!r}",
            path=path,
            kind="department",
            hint="set webhook_url: https://host/path",
        )
    if not _ENV_NAME.match(secret_env):
        raise ContentError(
            f"webhook_secret_env must name an environment variable, got {secret_env!r}",
            path=path,
            kind="department",
            hint="set webhook_secret_env: IT_WEBHOOK_SECRET and put the secret in that variable",
        )
    return {"webhook_url": url, "webhook_secret_env": secret_env}
