"""The catalogue part of the OpenAPI document: `GET /api/catalogue`, and the
request types and fields that `POST /api/requests` takes with `type` and `fields`.

Operations keyed by the endpoints of `webapp.catalogue.api`; their paths come
from the routes (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from kb.catalogue.fields import FieldType
from webapp.openapi.schema import ERROR_REF, json_response, param

_REF = "#/components/schemas/"

SCHEMAS: dict[str, Any] = {
    "Catalogue": {
        "type": "object",
        "required": ["departments", "request_types"],
        "properties": {
            "departments": {
                "type": "array",
                "items": {"$ref": _REF + "CatalogueDepartment"},
            },
            "request_types": {"type": "array", "items": {"$ref": _REF + "RequestType"}},
        },
    },
    "CatalogueDepartment": {
        "type": "object",
        "required": ["id", "name", "top_requests"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "top_requests": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Ids of request types, most frequent first.",
            },
            "description": {"type": "string"},
        },
    },
    "RequestType": {
        "type": "object",
        "required": ["id", "title", "department", "fields"],
        "properties": {
            "id": {"type": "string", "examples": ["onboarding"]},
            "title": {"type": "string", "description": "In the caller's language."},
            "department": {"type": "string", "description": "The department it goes to."},
            "fields": {"type": "array", "items": {"$ref": _REF + "FormField"}},
            "description": {"type": "string"},
            "value_stream": {
                "type": "boolean",
                "description": "Filing it creates a task for each department involved.",
            },
            "url": {"type": "string", "description": "The form in the web app."},
        },
    },
    "FormField": {
        "type": "object",
        "required": ["name", "type", "required", "choices"],
        "properties": {
            "name": {"type": "string", "description": "The key to send under fields."},
            "type": {
                "enum": [t.value for t in FieldType],
                "description": "text and person: a string; date: YYYY-MM-DD; choice and "
                "department: one of the choices' values; boolean: true or false.",
            },
            "required": {"type": "boolean"},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
                },
                "description": "The options of a choice or department field; empty otherwise.",
            },
            "label": {"type": "string"},
            "help": {"type": "string"},
            "max_length": {"type": ["integer", "null"]},
            "not_before_today": {"type": "boolean"},
        },
    },
}

OPERATIONS: dict[str, Any] = {
    "catalogue_api.catalogue": {
        "operationId": "catalogue",
        "summary": "The service catalogue: departments with their top requests, and every "
        "request type with the fields of its form.",
        "parameters": [
            param("hl", "Language of titles and labels (en or de).", {"enum": ["en", "de"]})
        ],
        # Every query parameter is checked (a NUL character is refused with 400).
        "responses": {"200": json_response("Catalogue", "The catalogue."), "400": ERROR_REF},
    },
}
