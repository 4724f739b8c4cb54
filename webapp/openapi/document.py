"""The OpenAPI document: the search and article endpoints, and the assembly.

Operations are written as data keyed by the endpoint that serves them; the
paths and methods come from the app's routes (`webapp.openapi.paths`), so a
route without a description, or a description without a route, fails to build
the document, naming it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from flask import Flask

from webapp import services
from webapp.openapi import accounts as openapi_accounts
from webapp.openapi import attachments as openapi_attachments
from webapp.openapi import auth as openapi_auth
from webapp.openapi import authoring as openapi_authoring
from webapp.openapi import catalogue as openapi_catalogue
from webapp.openapi import clicks as openapi_clicks
from webapp.openapi import document_versions as openapi_document_versions
from webapp.openapi import health as openapi_health
from webapp.openapi import insights as openapi_insights
from webapp.openapi import pictures as openapi_pictures
from webapp.openapi import request_tasks as openapi_request_tasks
from webapp.openapi import request_tools as openapi_request_tools
from webapp.openapi import requests as openapi_requests
from webapp.openapi.limits import add_limits
from webapp.openapi.paths import RouteDescriptionError, api_paths
from webapp.openapi.schema import (
    ASK_FORM_HEADER,
    ERROR_REF,
    SEARCH_QUERY,
    SEARCH_REF,
    STRING_OR_NULL,
    json_response,
    param,
)

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string", "examples": ["invalid_request", "not_found"]},
                    "message": {"type": "string", "description": "What was wrong and what to do."},
                    "details": {"type": "object", "description": "e.g. the field that was wrong."},
                },
            }
        },
    },
    "Hit": {
        "type": "object",
        "required": ["id", "department", "title", "score", "snippet"],
        "properties": {
            "id": {"type": "string", "examples": ["hr/sick-leave.md"]},
            "path": {"type": "string"},
            "department": {"type": "string"},
            "title": {"type": "string"},
            "score": {"type": "number"},
            "snippet": {
                "type": "string",
                "description": "HTML-escaped text; query terms wrapped in <mark>.",
            },
            "headings": {"type": "array", "items": {"type": "string"}},
            "locator": {
                "type": "string",
                "description": "Where in the original document the passage is ('page 4', "
                "'Section 3.2'); empty for Markdown articles without numbered sections.",
            },
            "lang": {"type": "string"},
        },
    },
    "Answer": {
        "type": "object",
        "required": ["id", "title", "department", "passage", "highlight"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "department": {"type": "string"},
            "passage": {"type": "string", "description": "Plain text."},
            "highlight": {"type": "string", "description": "Best sentence(s) of the passage."},
            "headings": {"type": "array", "items": {"type": "string"}},
            "locator": {
                "type": "string",
                "description": "Where in the original document the passage is ('page 4', "
                "'Section 3.2'); empty for Markdown articles without numbered sections.",
            },
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": [
            "query",
            "answered",
            "confidence",
            "answer",
            "department",
            "results",
            "total",
            "page",
            "search_id",
        ],
        "properties": {
            "query": {"type": "string"},
            "answered": {
                "type": "boolean",
                "description": "False when no answer reached the confidence threshold.",
            },
            "confidence": {"type": "number"},
            "answer": {"oneOf": [{"$ref": "#/components/schemas/Answer"}, {"type": "null"}]},
            "department": {
                "type": "string",
                "description": "Department the question belongs to (for 'Ask').",
            },
            "department_confidence": {"type": "number"},
            "did_you_mean": STRING_OR_NULL,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "lang": {"type": "string"},
            "expanded_terms": {"type": "array", "items": {"type": "string"}},
            "latency_ms": {"type": "number"},
            "search_id": {
                "type": ["integer", "null"],
                "description": "Event-log id for clicks and feedback; null when "
                "the search could not be logged (yet).",
            },
            "search_ref": {
                "type": ["string", "null"],
                "description": "While search_id is null and the search waits to be "
                "logged: names it for POST /api/click (15 minutes, this browser only).",
            },
            "suggestions_token": {
                "type": "string",
                "description": "Only for the ask form's search (source=ask with its "
                "X-KB-Ask-Form token) that found articles: the server's proof that it "
                "served them, which POST /api/requests takes as suggestions_token for a "
                "request naming this search (or the one the ask form was opened from).",
            },
        },
    },
    "Article": {
        "type": "object",
        "required": ["id", "title", "department", "html"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "department": {"type": "string"},
            "department_name": {"type": "string"},
            "summary": {"type": "string"},
            "owner": {"type": "string"},
            "updated": {"type": ["string", "null"], "format": "date"},
            "review_by": {"type": ["string", "null"], "format": "date"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "lang": {"type": "string"},
            "related": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
                },
            },
            "url": {"type": "string", "description": "The article's page in the app."},
            "html": {"type": "string", "description": "The body, rendered and sanitised."},
            "format": {
                "type": "string",
                "description": "markdown, or the document format: pdf, docx, odt, html, txt.",
            },
            "author": {"type": "string", "description": "A document's author, from the file."},
            "original_url": {
                "type": ["string", "null"],
                "description": "Download of a document's original file (always an attachment); "
                "null for Markdown articles.",
            },
        },
    },
    "FeedbackRequest": {
        "type": "object",
        "required": ["article_id", "helpful"],
        "properties": {
            "article_id": {"type": "string", "minLength": 1},
            "helpful": {"type": "boolean"},
            "comment": {"type": "string", "maxLength": 2000},
            "search_id": {"type": ["integer", "null"], "minimum": 1},
            "search_ref": SEARCH_REF,
            "query": SEARCH_QUERY,
        },
    },
    "Created": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "integer"}},
    },
    "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions"],
        "properties": {
            "query": {"type": "string"},
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["text", "kind"],
                    "properties": {
                        "text": {"type": "string"},
                        "kind": {"enum": ["title", "query"]},
                    },
                },
            },
        },
    },
}

_OPERATIONS: dict[str, Any] = {
    "search_api.search": {
        "operationId": "search",
        "summary": "Search every department; the answer, results and routing.",
        "parameters": [
            param(
                "q",
                "The question or search words (at most setting max_query_chars).",
                {"type": "string", "minLength": 1},
                required=True,
            ),
            param(
                "k",
                "Results per page (1 to setting max_k).",
                {"type": "integer", "minimum": 1, "default": 10},
            ),
            param(
                "page",
                "Result page (1 to setting max_page).",
                {"type": "integer", "minimum": 1, "default": 1},
            ),
            param("department", "Only this department (its folder name).", {"type": "string"}),
            param(
                "tag",
                "Only articles with this tag; repeat for several.",
                {"type": "array", "items": {"type": "string"}},
                style="form",
                explode=True,
            ),
            param(
                "source",
                "ask: the ask form's suggestion search (deflection); only with X-KB-Ask-Form.",
                {"type": "string", "enum": ["ask"]},
            ),
            ASK_FORM_HEADER,
        ],
        "responses": {
            "200": json_response("SearchResponse", "The search's outcome."),
            "400": ERROR_REF,
            "503": ERROR_REF,
        },
    },
    "articles_api.article": {
        "operationId": "getArticle",
        "summary": "One published article with its sanitised HTML; for a content owner "
        "who may edit it, the stored article (any status) merged in, with `version`, "
        "`status`, `body` and an ETag header. For a document id, its content owners get "
        "the published view (when indexed) with the DocumentState fields merged in: the "
        "version to send in If-Match (the ETag), the version waiting for review, who wrote "
        "it and what no longer fits the folder; a new document waiting has those alone. "
        "An id renamed since is a 404 whose `details.moved_to` names the new id when the "
        "caller may read that article (otherwise the plain 404).",
        "parameters": [
            param(
                "article_id",
                "Article id, e.g. hr/sick-leave.md (may hold '/').",
                {"type": "string"},
                required=True,
                where="path",
            )
        ],
        "responses": {"200": openapi_authoring.ARTICLE_OR_DOCUMENT, "404": ERROR_REF},
    },
    "articles_api.feedback": {
        "operationId": "postFeedback",
        "summary": "'Was this helpful?' on an article.",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/FeedbackRequest"}}
            },
        },
        "responses": {
            "201": json_response("Created", "Recorded."),
            "400": ERROR_REF,
            "404": ERROR_REF,
        },
    },
    "search_api.suggest": {
        "operationId": "suggest",
        "summary": "Article titles and popular searches starting with the prefix.",
        "parameters": [
            param("q", "What has been typed so far (at most 100 characters).", {"type": "string"})
        ],
        "responses": {
            "200": json_response("Suggestions", "Up to 8 suggestions."),
            "400": ERROR_REF,
        },
    },
    "api.openapi": {
        "operationId": "openapi",
        "summary": "This document.",
        "responses": {
            "200": {
                "description": "OpenAPI 3.1 document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    },
}

_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "spoc-kb API",
        "version": "1",
        "description": "Search every department's knowledge base with one query. Every error "
        'has the shape {"error": {"code", "message", "details"}}. Searching and reading '
        "need no sign-in; requests do (a session cookie, or single sign-on headers). See "
        "docs/api.md.",
    },
    "components": {
        "schemas": _SCHEMAS,
        "responses": {
            "Error": json_response("Error", "An error; `code` names it, `message` explains.")
        },
    },
}


_PARTS = (
    openapi_health,
    openapi_clicks,
    openapi_auth,
    openapi_requests,
    openapi_insights,
    openapi_catalogue,
    openapi_authoring,
    openapi_document_versions,
    openapi_attachments,
    openapi_pictures,
    openapi_request_tools,
    openapi_request_tasks,
    openapi_accounts,
)


def operations() -> dict[str, Any]:
    """Every operation the parts describe, by the endpoint that serves it (the
    declaration `webapp.query_params` checks each call's parameters against)."""
    found = dict(_OPERATIONS)
    for part in _PARTS:
        twice = sorted(set(found) & set(part.OPERATIONS))
        if twice:
            raise RouteDescriptionError(f"{part.__name__} describes {twice} a second time")
        found.update(part.OPERATIONS)
    return found


def openapi_document(app: Flask) -> dict[str, Any]:
    """A fresh copy of the API description of `app`: its routes under /api/
    with the operations every part describes, and the parts' schemas."""

    document = deepcopy(_DOCUMENT)
    components = document["components"]
    for part in _PARTS:
        components["schemas"].update(deepcopy(part.SCHEMAS))
    document["paths"] = deepcopy(api_paths(app.url_map.iter_rules(), operations()))
    components["securitySchemes"] = deepcopy(openapi_auth.SECURITY_SCHEMES)
    held = app.extensions.get(services.EXTENSION)
    return add_limits(document, held.settings if held is not None else None)
