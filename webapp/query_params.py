"""The query parameters each call takes, and the check that refuses any other.

One declaration: a JSON API call takes the `in: query` parameters of its
operation in `webapp.openapi` (the document clients read), and the language
switch `hl`, which every page and call takes. Before any view runs
(`init_app`), a call under /api/ with a parameter its operation does not
declare is a 400 naming it and listing the ones it takes: a misspelt filter
(`?departmnt=hr`) would otherwise answer everything, unfiltered. A declared
parameter with a fixed set of values (`enum` in its schema) that matches none
of them (letter case aside: the call reads the value as it always has) is a
400 naming the value and the set. An empty value is left to the call, which
reads it as not given.

The pages read their filters with `choice_arg`, which refuses an unknown value
the same way, so that a page can say so instead of listing everything;
`api_url` is the link a page gives to an API call, with only the filters that
call takes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

from flask import Flask, current_app, request, url_for

from kb.errors import ValidationError
from webapp.i18n import PARAM as LANGUAGE_PARAM
from webapp.inputs import invalid
from webapp.openapi.document import operations

# Taken by every page and call: the language switch.
APP_WIDE = frozenset({LANGUAGE_PARAM})


@cache
def _declared() -> dict[str, dict[str, tuple[str, ...]]]:
    """Per API endpoint, its query parameters with their fixed values (empty: any)."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for endpoint, operation in operations().items():
        found[endpoint] = {
            p["name"]: _choices(p["schema"])
            for p in operation.get("parameters", ())
            if p["in"] == "query"
        }
    return found


def _choices(schema: Mapping[str, Any]) -> tuple[str, ...]:
    inner = schema.get("items", schema) if schema.get("type") == "array" else schema
    return tuple(str(value) for value in inner.get("enum", ()))


def accepted(endpoint: str) -> tuple[str, ...]:
    """The query parameters the API call served by `endpoint` takes, `hl` last."""
    own = tuple(_declared().get(endpoint, {}))
    return own + tuple(sorted(APP_WIDE - set(own)))


def choice_arg(args: Mapping[str, str], name: str, choices: Collection[str]) -> str:
    """Query parameter `name`, one of `choices` ('' when absent or empty); a 400
    naming the value and the choices otherwise, never read as no filter."""
    value = args.get(name) or ""
    if value and value not in choices:
        raise unknown_choice(name, value, tuple(choices))
    return value


def unknown_choice(name: str, value: str, choices: tuple[str, ...]) -> ValidationError:
    """A 400: `value` of parameter `name` is none of `choices`."""
    shown = value[:40]
    return invalid(
        name,
        f"{shown!r} is not one of its values; choose one of {', '.join(choices)}",
        key="unknown_choice",
        values={"value": shown, "known": ", ".join(choices)},
        value=shown,
        known=list(choices),
    )


def _check_api_call() -> None:
    declared = _declared().get(request.endpoint or "")
    if declared is None:  # a page, or no route: not an API call of the document
        return
    for name in request.args:
        if name not in declared and name not in APP_WIDE:
            known = accepted(request.endpoint or "")
            raise invalid(
                name[:100],
                f"is not a parameter of this call; it takes {', '.join(known)}",
                key="unknown_parameter",
                values={"known": ", ".join(known)},
                known=list(known),
            )
    for name, choices in declared.items():
        if not choices or name in APP_WIDE:
            continue
        folded = {choice.casefold() for choice in choices}
        for value in request.args.getlist(name):
            if value and value.strip().casefold() not in folded:
                raise unknown_choice(name, value, choices)


def api_url(endpoint: str, **params: Any) -> str:
    """The URL of an API call with those of `params` it takes (a page's filters
    hold more than each download takes: the overview's `by`, the gaps' `status`)."""
    taken = set(accepted(endpoint))
    for rule in current_app.url_map.iter_rules(endpoint):
        taken |= rule.arguments
    return url_for(endpoint, **{k: v for k, v in params.items() if k in taken})


def init_app(app: Flask) -> None:
    app.before_request(_check_api_call)
    app.jinja_env.globals["api_url"] = api_url
