"""One way to answer every error: JSON under /api/, an HTML page elsewhere.

Domain errors (`kb.errors.KbError`) carry their status and code. Flask's own
errors (unknown URL, wrong method, body too large) and unexpected exceptions
are turned into the same shape, so an API client only ever sees

    {"error": {"code": "...", "message": "...", "details": {...}}}

Unexpected exceptions are logged with their traceback and answered with a
message that reveals nothing about the server.

Messages are in the reader's language (`message_for`): a domain error with a
`key` is worded by the domain's catalogue (`error_<key>`, kb/i18n/locales),
naming its field as the form names it (`error_field_<name>`, webapp/locales)
and its department by name; Flask's own errors by the web catalogue. The
page for people says what kind of refusal it is (a 403 says who may) and
shows no internal codes; the JSON shape keeps `code` for programs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from kb.errors import ContentError, KbError
from kb.i18n.labels import label_of
from kb.i18n.problems import content_error_text
from webapp.i18n import current_language, translate, web_catalog
from webapp.names import FORM_TYPES

logger = logging.getLogger(__name__)

# The page's heading per status; others read "Something went wrong".
_HEADINGS = {
    400: "error_heading_invalid",
    401: "error_heading_sign_in",
    403: "error_heading_forbidden",
    404: "error_not_found",
    405: "error_heading_method",
    409: "error_heading_conflict",
    413: "error_heading_too_large",
    429: "error_heading_too_many",
}

_HTTP_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> BaseResponse:
    """The one error answer: JSON for the API, the error page for people."""
    response: BaseResponse
    if is_api_request():
        response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    elif _form_not_taken(status):
        response = _form_not_sent_page(status, code, message)
    else:
        heading = _HEADINGS.get(status, "error_title")
        response = Response(
            render_template(
                "errors/error.html", status=status, heading=heading, code=code, message=message
            ),
            mimetype="text/html",
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _form_not_taken(status: int) -> bool:
    """Whether this answer is to a form a person typed into that the server could
    not take now (busy, down, too many forms, an error): such a form is not
    answered with a bare error page, which would lose what was typed."""
    transient = status >= 500 or status == 429
    return transient and request.method == "POST" and request.mimetype in FORM_TYPES


def _form_not_sent_page(status: int, code: str, message: str) -> BaseResponse:
    """ "Your form was not sent", with why, what was typed and the way back to the
    form (`webapp.auth.drafts`); the browser's drafts of the tab are kept."""
    from webapp.auth.drafts import form_not_sent, form_page

    if code == "internal_error":  # the log has the details; the page says it plainly
        message = translate(current_language(), "error_generic")
    # The way back is the form itself, signed in or not (nothing asks the store).
    return form_not_sent(
        reason="failed", back=form_page(), signed_in=False, status=status, message=message
    )


def message_for(exc: KbError, lang: str, labels: Mapping[str, str] | None = None) -> str:
    """The error's message for a reader of `lang`: fields named as the forms name
    them (`labels`: a form's own fields by the labels it shows them with, as a
    service's form does; else by their names in the API: "Results per page
    (k)"), departments by
    their names, roles and grants by their labels (the English message where it
    has no key; a file's problem with a text of its own worded by it, as
    `kb.i18n.problems` words it)."""
    if isinstance(exc, ContentError) and exc.text_key and not exc.key:
        return content_error_text(exc, lang, web_catalog(), with_hint=False)
    if not exc.key:
        return exc.message_in(lang)
    shown: dict[str, Any] = {}
    field = str(exc.details.get("field") or exc.values.get("field") or "")
    # A field the call does not take is named as sent: its label is another call's
    # ("Article id" for an `id` sent to POST /api/requests).
    labelled = field and exc.key not in ("unknown_field", "unknown_parameter")
    if labelled and labels and field in labels:
        shown["field"] = labels[field]
    elif labelled and web_catalog().has(lang, f"error_field_{field}"):
        shown["field"] = translate(lang, f"error_field_{field}")
        if is_api_request():  # a program sent the field by its name: say both
            shown["field"] = f"{shown['field']} ({field})"
    # Request statuses by the agents' labels: moving a request on is their work.
    for name in ("status_from", "status_to"):
        if exc.values.get(name):
            shown[name] = label_of("agent_status", str(exc.values[name]), lang, web_catalog())
    from webapp.departments import department_name

    department = exc.values.get("department")
    if department:
        shown["department"] = department_name(str(department))
    departments = exc.values.get("departments")
    if isinstance(departments, list | tuple):
        shown["departments"] = [department_name(str(d)) for d in departments]
    tasks = exc.values.get("task_list")
    if isinstance(tasks, list | tuple):  # value-stream tasks with their departments' names
        shown["tasks"] = ", ".join(
            f"{number} ({department_name(str(department))}: {title})"
            for number, department, title in tasks
        )
    from webapp.role_names import error_roles

    # Roles by their labels; a program sent them by their ids: say both.
    shown.update(error_roles(exc.values, with_ids=is_api_request()))
    return exc.message_in(lang, **shown)


def _handle_kb_error(exc: KbError) -> BaseResponse:
    if exc.status >= 500:
        logger.error("%s %s failed: %s", request.method, request.path, exc.message)
    # Errors that pass (the database restarting, a limit) say when to try again.
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(int(retry_after))} if retry_after else None
    lang = current_language()
    return error_response(
        exc.status, exc.code, message_for(exc, lang), exc.details_in(lang), headers
    )


def _handle_http_error(exc: HTTPException) -> BaseResponse:
    status = exc.code or 500
    headers = {}
    if status == 405:
        allowed = exc.get_response().headers.get("Allow")
        if allowed:
            headers["Allow"] = allowed
    code = _HTTP_CODES.get(status, f"http_{status}")
    lang = current_language()
    key = f"error_http_{status}"
    if status == 405 and request.method in ("GET", "HEAD") and not is_api_request():
        # A link followed or an address typed to where a form posts (sign-out,
        # a queue's bulk change): say what the address is for and what to do.
        key = "error_http_405_page"
    if web_catalog().has("en", key):
        message = translate(lang, key, path=request.path, method=request.method)
    else:
        message = exc.description or exc.name
    return error_response(status, code, message, headers=headers)


def _handle_unexpected(exc: Exception) -> BaseResponse:
    if isinstance(exc, HTTPException):
        return _handle_http_error(exc)
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return error_response(500, "internal_error", translate(current_language(), "error_http_500"))


def init_app(app: Flask) -> None:
    app.register_error_handler(KbError, _handle_kb_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
