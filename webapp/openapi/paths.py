"""The document's `paths`, generated from the app's routes.

Each part of `webapp.openapi` describes its operations by the Flask endpoint
that serves them (`"search_api.search": {...}`); the path, its `{name}`
placeholders and the HTTP method come from the route itself, so a route that
moves or changes method moves in the document too. A route under /api/
without a description, a description whose endpoint the app does not serve,
or a path parameter that the route does not have is an error naming it: the
document cannot fall behind the routes.

apispec's Flask plugin was considered: it would replace `openapi_path` (one
regular expression) and nothing else, and reads operations from YAML in view
docstrings, where the enums generated from the code (`schema.enum_of`) cannot
go. flask-smorest would generate parameters too, but answers bad input with
its own 422 body instead of the API's one error shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from copy import deepcopy
from typing import Any

from werkzeug.routing import Rule

API_PREFIX = "/api/"
_IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
# `<article_id>`, `<int:request_id>`, `<path:article_id>`, `<any(a, b):kind>`.
_PLACEHOLDER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_][a-z0-9_]*)>")


class RouteDescriptionError(LookupError):
    """The routes under /api/ and their descriptions in `webapp.openapi` disagree."""


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: `/api/requests/<int:request_id>` gives
    `/api/requests/{request_id}`."""
    return _PLACEHOLDER.sub(r"{\1}", rule)


def api_paths(rules: Iterable[Rule], operations: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The `paths` object for the routes under /api/, each with the operation
    described for its endpoint, sorted by path."""
    paths: dict[str, dict[str, Any]] = {}
    served: set[str] = set()
    for rule in sorted(rules, key=lambda rule: rule.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        served.add(rule.endpoint)
        method, operation = _operation_of(rule, operations)
        paths.setdefault(openapi_path(rule.rule), {})[method] = operation
    unserved = sorted(set(operations) - served)
    if unserved:
        raise RouteDescriptionError(
            f"webapp.openapi describes endpoints the app does not serve under {API_PREFIX}: "
            f"{', '.join(unserved)}; remove their descriptions or fix the endpoint names"
        )
    return paths


def _operation_of(rule: Rule, operations: Mapping[str, dict[str, Any]]) -> tuple[str, Any]:
    methods = sorted(set(rule.methods or ()) - _IGNORED_METHODS)
    where = f"{'/'.join(methods)} {rule.rule} (endpoint {rule.endpoint})"
    if rule.endpoint not in operations:
        raise RouteDescriptionError(
            f"{where} is not described: add an operation for {rule.endpoint!r} to "
            "OPERATIONS of its part of webapp.openapi"
        )
    if len(methods) != 1:
        raise RouteDescriptionError(
            f"{where} answers several methods; give each method its own view function "
            "so that each is described once"
        )
    operation = deepcopy(operations[rule.endpoint])
    declared = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"}
    if declared != set(rule.arguments):
        raise RouteDescriptionError(
            f"{where} has the path parameters {sorted(rule.arguments)}, its description "
            f"declares {sorted(declared)}"
        )
    return methods[0].lower(), operation
