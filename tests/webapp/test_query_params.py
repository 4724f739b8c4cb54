"""Every JSON API call refuses a query parameter its operation does not declare,
and a value outside a declared fixed set, with a 400 that names it and what the
call takes; the language switch `hl` stays accepted everywhere. The app's own
scripts and pages send only what each call takes."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ROOT
from webapp.openapi.document import openapi_document
from webapp.query_params import accepted


def _calls(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    """Every API call: its method, a path with each placeholder filled, its operation."""
    document = openapi_document(app)
    return [
        (method.upper(), re.sub(r"\{[^}]*\}", "1", path), operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def _enum(parameter: dict[str, Any]) -> list[str]:
    schema = parameter["schema"]
    return list(schema.get("items", schema).get("enum", ()))


def test_every_call_refuses_a_parameter_it_does_not_take(app: Flask, client: FlaskClient) -> None:
    for method, path, operation in _calls(app):
        answer = client.open(f"{path}?departmnt=hr", method=method)
        assert answer.status_code == 400, (method, path, answer.status_code)
        error = answer.get_json()["error"]
        takes = [p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"]
        assert error["code"] == "invalid_request"
        assert error["details"]["field"] == "departmnt"
        assert error["details"]["known"] == [*takes, *(["hl"] if "hl" not in takes else [])]
        assert error["message"].startswith("departmnt: is not a parameter of this call")
        assert all(name in error["message"] for name in error["details"]["known"])


def test_a_misspelt_or_unknown_filter_is_named_with_the_filters_the_call_takes(
    client: FlaskClient,
) -> None:
    sorted_by = client.get("/api/requests?sort=x").get_json()["error"]
    assert sorted_by["details"]["field"] == "sort"
    assert sorted_by["message"] == (
        "sort: is not a parameter of this call; it takes "
        "mine, department, status, overdue, limit, offset, cursor, hl."
    )
    german = client.get("/api/requests?departmnt=hr&hl=de").get_json()["error"]
    assert german["message"].startswith("departmnt: ist kein Parameter dieses Aufrufs")
    assert german["details"]["field"] == "departmnt"


def test_the_language_switch_and_declared_parameters_stay_accepted(client: FlaskClient) -> None:
    assert client.get("/api/openapi.json?hl=de").status_code == 200
    assert client.get("/api/me?hl=de").status_code == 401  # read on, to the sign-in it needs
    assert client.get("/api/accounts?role=Agent").status_code == 401  # a role in any case
    assert client.get("/api/suggest?q=vp&hl=en").status_code == 200
    assert client.get("/api/catalogue?hl=de").status_code == 200
    # An empty value is no value: the call reads it as not given, as before.
    assert client.get("/api/search?q=vpn&source=").status_code == 200


def test_every_fixed_set_refuses_a_value_outside_it(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for method, path, operation in _calls(app):
        for parameter in operation.get("parameters", ()):
            choices = _enum(parameter)
            if parameter["in"] != "query" or not choices or parameter["name"] == "hl":
                continue
            name = parameter["name"]
            answer = client.open(f"{path}?{name}=bogus", method=method)
            assert answer.status_code == 400, (path, name, answer.status_code)
            error = answer.get_json()["error"]
            assert error["details"] == {
                "field": name,
                "value": "bogus",
                "known": choices,
            }, (path, name)
            assert "“bogus” is not one of its values" in error["message"]
            assert all(choice in error["message"] for choice in choices)
            checked += 1
    assert checked >= 8  # search's source, the requests' filters, insights' format…


def test_a_value_outside_a_fixed_set_is_named_in_the_callers_language(
    client: FlaskClient,
) -> None:
    """`format=xml` was answered as JSON, `source=everywhere` as an ordinary search."""
    answer = client.get("/api/insights/gaps?format=xml").get_json()["error"]
    assert answer["details"]["value"] == "xml" and answer["details"]["known"] == ["csv"]
    german = client.get("/api/search?q=vpn&source=everywhere&hl=de").get_json()["error"]
    assert german["message"] == (
        "source: „everywhere“ ist keiner der möglichen Werte; bitte eines von ask wählen."
    )


def test_the_scripts_send_only_parameters_their_calls_take() -> None:
    """The page scripts' GET calls with parameters are the search box's
    suggestions and the ask form's suggestion search."""
    takes = {*accepted("search_api.search"), *accepted("search_api.suggest")}
    sent = 0
    for script in sorted((ROOT / "webapp" / "static").glob("*.js")):
        text = script.read_text(encoding="utf-8")
        for url in re.findall(r"fetch\(([^,{]*)", text):  # what each call's URL is made of
            for name in re.findall(r"[?&]([A-Za-z_]+)=", url):
                assert name in takes, f"{script.name} sends {name}, which no call it makes takes"
                sent += 1
    assert sent >= 4  # q to the suggestions; k, source and q to the search
