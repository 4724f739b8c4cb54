"""The OpenAPI document describes exactly the routes the app has under /api/."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from webapp.openapi.document import openapi_document

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_IGNORED = {"HEAD", "OPTIONS"}


def app_operations(app: Flask) -> set[tuple[str, str]]:
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        ops |= {(path, method.lower()) for method in rule.methods or () if method not in _IGNORED}
    return ops


def documented_operations() -> set[tuple[str, str]]:
    doc = openapi_document()
    return {(path, method) for path, item in doc["paths"].items() for method in item}


def test_every_api_route_is_documented_and_nothing_more(app: Flask) -> None:
    assert app_operations(app) == documented_operations()


def test_path_parameters_match_the_route(app: Flask) -> None:
    doc = openapi_document()
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for operation in item.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


def test_references_resolve(app: Flask) -> None:
    doc = openapi_document()
    text = repr(doc)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        kind, name = ref
        assert name in doc["components"][kind], ref


def test_document_is_served(client: FlaskClient) -> None:
    body = client.get("/api/openapi.json").get_json()
    assert body["openapi"].startswith("3.1")
    assert body == openapi_document()


def test_documented_error_shape_matches_the_handler(client: FlaskClient) -> None:
    schema = openapi_document()["components"]["schemas"]["Error"]
    error = client.get("/api/nowhere").get_json()
    assert set(error) == set(schema["required"])
    assert set(error["error"]) == set(schema["properties"]["error"]["required"])


def test_enums_are_the_code_s_enums() -> None:
    """A new status or priority reaches the API description without editing it."""
    from kb.insights.records import TopicStatus
    from kb.requests.lifecycle import Priority, RequestStatus, TaskStatus
    from kb.requests.records import ENTRY_KIND_NAMES

    schemas = openapi_document()["components"]["schemas"]
    expected = {
        ("Request", "status"): [s.value for s in RequestStatus],
        ("RequestChange", "status"): [s.value for s in RequestStatus],
        ("Request", "priority"): [p.value for p in Priority],
        ("NewRequest", "priority"): [p.value for p in Priority],
        ("Task", "status"): [s.value for s in TaskStatus],
        ("Entry", "kind"): list(ENTRY_KIND_NAMES),
        ("GapTopic", "status"): [s.value for s in TopicStatus],
    }
    for (schema, field), values in expected.items():
        assert schemas[schema]["properties"][field]["enum"] == values, (schema, field)
