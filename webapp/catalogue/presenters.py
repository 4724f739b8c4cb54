"""The catalogue as the API answers it and as the pages show it.

Titles, labels and help texts are given in the reader's language. A choice
field's choices are its options; a department field's are the departments,
so a client can offer them without asking elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for

from kb.catalogue.fields import FieldSpec, FieldType
from kb.catalogue.types import RequestType
from kb.errors import KbError
from kb.requests.service import RequestService
from webapp.departments import department_name
from webapp.services import request_service

logger = logging.getLogger(__name__)


def department_options(service: RequestService) -> list[tuple[str, str]]:
    """(id, name) of every department, by name (what a department field offers)."""
    names = [(slug, department_name(slug)) for slug in service.departments]
    return sorted(names, key=lambda item: item[1].casefold())


def choices_of(spec: FieldSpec, lang: str, departments: list[tuple[str, str]]) -> list[Any]:
    if spec.type is FieldType.CHOICE:
        return [{"value": c.value, "label": c.label_in(lang)} for c in spec.choices]
    if spec.type is FieldType.DEPARTMENT:
        return [{"value": slug, "label": name} for slug, name in departments]
    return []


def field_json(spec: FieldSpec, lang: str, departments: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "name": spec.name,
        "type": spec.type.value,
        "required": spec.required,
        "choices": choices_of(spec, lang, departments),
        "label": spec.label_in(lang),
        "help": spec.help_in(lang),
        "max_length": spec.max_length if spec.type in (FieldType.TEXT, FieldType.PERSON) else None,
        "not_before_today": spec.not_before_today,
    }


def type_json(
    request_type: RequestType, lang: str, departments: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "id": request_type.id,
        "title": request_type.title_in(lang),
        "department": request_type.department,
        "fields": [field_json(f, lang, departments) for f in request_type.fields],
        "description": request_type.description_in(lang),
        "value_stream": request_type.workflow is not None,
        "url": url_for("catalogue.form", type_id=request_type.id),
    }


def catalogue_json(service: RequestService, lang: str) -> dict[str, Any]:
    """`GET /api/catalogue`: the departments with their top requests, and every type."""
    catalogue = service.catalogue
    departments = department_options(service)
    return {
        "departments": [
            {
                "id": slug,
                "name": name,
                "top_requests": [t.id for t in catalogue.top_requests(slug)],
                "description": service.departments[slug].description,
            }
            for slug, name in departments
        ],
        "request_types": [
            type_json(t, lang, departments)
            for slug, _ in departments
            for t in catalogue.of_department(slug)
        ],
    }


def offered_type(text: str) -> RequestType | None:
    """The catalogue entry a search for `text` should offer, or None (also when
    the request side is not available: search goes on without the offer)."""
    if not text.strip():
        return None
    try:
        return request_service().match_request_type(text)
    except KbError as exc:
        logger.warning("catalogue: no offer for a search: %s", exc.message)
        return None


@dataclass(frozen=True)
class FieldView:
    """One field of a form page: what to show and what was sent or is wrong."""

    spec: FieldSpec
    label: str
    help: str
    value: Any
    error: str
    choices: list[Any]

    @property
    def input_id(self) -> str:
        return f"field-{self.spec.name}"


def field_views(
    request_type: RequestType,
    lang: str,
    departments: list[tuple[str, str]],
    sent: Mapping[str, Any],
    errors: Mapping[str, str],
) -> list[FieldView]:
    return [
        FieldView(
            spec=spec,
            label=spec.label_in(lang),
            help=spec.help_in(lang),
            value=sent.get(spec.name, ""),
            error=errors.get(spec.name, ""),
            choices=choices_of(spec, lang, departments),
        )
        for spec in request_type.fields
    ]
