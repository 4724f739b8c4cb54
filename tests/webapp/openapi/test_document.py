"""The OpenAPI document describes exactly the routes the app has under /api/,
its paths generated from the routes."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Map, Rule

from webapp.openapi.document import openapi_document
from webapp.openapi.paths import RouteDescriptionError, api_paths, openapi_path

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


def documented_operations(app: Flask) -> set[tuple[str, str]]:
    doc = openapi_document(app)
    return {(path, method) for path, item in doc["paths"].items() for method in item}


def test_every_api_route_is_documented_and_nothing_more(app: Flask) -> None:
    assert app_operations(app) == documented_operations(app)


def test_path_parameters_match_the_route(app: Flask) -> None:
    doc = openapi_document(app)
    for path, item in doc["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for operation in item.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


def test_references_resolve(app: Flask) -> None:
    doc = openapi_document(app)
    text = repr(doc)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        kind, name = ref
        assert name in doc["components"][kind], ref


def test_document_is_served(app: Flask, client: FlaskClient) -> None:
    body = client.get("/api/openapi.json").get_json()
    assert body["openapi"].startswith("3.1")
    assert body == openapi_document(app)


def test_documented_error_shape_matches_the_handler(app: Flask, client: FlaskClient) -> None:
    schema = openapi_document(app)["components"]["schemas"]["Error"]
    error = client.get("/api/nowhere").get_json()
    assert set(error) == set(schema["required"])
    assert set(error["error"]) == set(schema["properties"]["error"]["required"])


def test_enums_are_the_code_s_enums(app: Flask) -> None:
    """A new status or priority reaches the API description without editing it."""
    from kb.insights.records import TopicStatus
    from kb.requests.lifecycle import Priority, RequestStatus, TaskStatus
    from kb.requests.records import ENTRY_KIND_NAMES

    schemas = openapi_document(app)["components"]["schemas"]
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
    gaps = openapi_document(app)["paths"]["/api/insights/gaps"]["get"]["parameters"]
    status = next(p for p in gaps if p["name"] == "status")  # the filter the view reads
    assert status["schema"]["enum"] == [s.value for s in TopicStatus]


def _operation(*path_parameters: str) -> dict[str, object]:
    parameters = [{"name": name, "in": "path"} for name in path_parameters]
    return {"operationId": "x", "parameters": parameters, "responses": {}}


def test_paths_and_methods_come_from_the_routes() -> None:
    rules = Map(
        [
            Rule("/api/things/<int:thing_id>", endpoint="things.show", methods=["GET"]),
            Rule("/api/things/<int:thing_id>", endpoint="things.change", methods=["PATCH"]),
            Rule("/pages/things", endpoint="pages.things", methods=["GET"]),
        ]
    ).iter_rules()
    operations = {"things.show": _operation("thing_id"), "things.change": _operation("thing_id")}

    paths = api_paths(rules, operations)

    assert paths == {
        "/api/things/{thing_id}": {
            "get": operations["things.show"],
            "patch": operations["things.change"],
        }
    }


def test_an_undescribed_route_fails_naming_it(app: Flask) -> None:
    app.add_url_rule("/api/undescribed/<int:item_id>", "undescribed", lambda item_id: "")
    with pytest.raises(
        RouteDescriptionError, match=r"/api/undescribed/<int:item_id>.*'undescribed'"
    ):
        openapi_document(app)


def test_a_description_without_its_route_fails_naming_it() -> None:
    rules = Map([Rule("/api/things", endpoint="things.listing", methods=["GET"])]).iter_rules()
    operations = {"things.listing": _operation(), "things.gone": _operation()}
    with pytest.raises(RouteDescriptionError, match="things.gone"):
        api_paths(rules, operations)


def test_path_parameters_must_be_the_route_s() -> None:
    rules = Map(
        [Rule("/api/things/<int:thing_id>", endpoint="things.show", methods=["GET"])]
    ).iter_rules()
    with pytest.raises(RouteDescriptionError, match="thing_id"):
        api_paths(rules, {"things.show": _operation("id")})


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/api/requests/<int:request_id>", "/api/requests/{request_id}"),
        ("/api/articles/<path:article_id>/versions", "/api/articles/{article_id}/versions"),
        ("/api/things/<name>", "/api/things/{name}"),
        ("/api/<any(a, b):kind>/x", "/api/{kind}/x"),
    ],
)
def test_openapi_path(rule: str, path: str) -> None:
    assert openapi_path(rule) == path


def test_the_document_states_the_limits_the_api_enforces(app: Flask) -> None:
    """Issue 13: the page limit, minimum lengths, the refused empty PATCH and the
    refused unknown fields were not in the document."""
    doc = openapi_document(app)
    schemas = doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"].get("$ref", "")
                schema = schemas[ref.rsplit("/", 1)[-1]] if ref else body["schema"]
                assert schema.get("additionalProperties") is False, (method, path)
    search = {p["name"]: p["schema"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    settings = app.extensions["kb"].settings
    assert search["page"]["maximum"] == settings.max_page
    assert search["k"]["maximum"] == settings.max_k
    [request_id] = doc["paths"]["/api/requests/{request_id}"]["get"]["parameters"]
    assert request_id["schema"]["maximum"] == 2**63 - 1
    change = schemas["RequestChange"]
    assert change["minProperties"] == 1
    assert schemas["NewComment"]["properties"]["text"]["minLength"] == 1


def test_every_operation_may_answer_400_for_a_parameter_it_does_not_list(app: Flask) -> None:
    """Every call refuses an undeclared query parameter (`webapp.query_params`),
    so every operation lists the 400 it answers with."""
    doc = openapi_document(app)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert operation["responses"]["400"] == {"$ref": "#/components/responses/Error"}, (
                method,
                path,
            )


def test_a_bulk_change_may_name_the_version_of_each_request(app: Flask) -> None:
    """The bulk change's ids take {id, version} beside bare numbers, and the
    listing gives the version to send."""
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate

    doc = openapi_document(app)
    validate(doc)
    body = doc["paths"]["/api/requests/bulk"]["post"]["requestBody"]["content"]
    accepts = Draft202012Validator(body["application/json"]["schema"]).is_valid
    assert accepts({"ids": [7, {"id": 8, "version": 3}, {"id": 9}], "assignee": None})
    assert not accepts({"ids": [{"id": 8, "ver": 3}]})
    assert not accepts({"ids": [{"version": 3}]})
    assert not accepts({"ids": [{"id": 8, "version": 0}]})
    assert doc["components"]["schemas"]["Request"]["properties"]["version"]["type"] == "integer"


def test_every_if_match_says_a_weak_tag_never_matches(app: Flask) -> None:
    """Every change that takes If-Match compares strongly (`webapp.preconditions`):
    a weak tag is a 412, and the document says so wherever the header is."""
    doc = openapi_document(app)
    headers = [
        (path, method, parameter["description"])
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        for parameter in operation.get("parameters", [])
        if parameter.get("name") == "If-Match"
    ]
    assert len(headers) >= 4
    for path, method, description in headers:
        assert "weak_etag" in description, (method, path)


def _body_versions(schema: object, schemas: dict, seen: frozenset[str] = frozenset()) -> list:
    """Every `version` property of a request body's schema, following `$ref`s."""
    if isinstance(schema, list):
        return [v for item in schema for v in _body_versions(item, schemas, seen)]
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref", "")
    if ref and ref not in seen:
        return _body_versions(schemas[ref.rsplit("/", 1)[1]], schemas, seen | {ref})
    found = [v for k, v in schema.get("properties", {}).items() if k == "version"]
    return found + [v for value in schema.values() for v in _body_versions(value, schemas, seen)]


def test_every_version_in_a_body_says_a_weak_tag_never_matches(app: Flask) -> None:
    """A body's `version` is compared as If-Match is (`webapp.preconditions.version_of`):
    the document says so wherever a request body carries one."""
    doc = openapi_document(app)
    bodies = [
        operation["requestBody"]
        for item in doc["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    versions = _body_versions(bodies, doc["components"]["schemas"])
    assert len(versions) >= 4
    for version in versions:
        assert "weak_etag" in version.get("description", ""), version
