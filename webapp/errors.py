"""One way to answer every error: JSON under /api/, an HTML page elsewhere.

Domain errors (`kb.errors.KbError`) carry their status and code. Flask's own
errors (unknown URL, wrong method, body too large) and unexpected exceptions
are turned into the same shape, so an API client only ever sees

    {"error": {"code": "...", "message": "...", "details": {...}}}

Unexpected exceptions are logged with their traceback and answered with a
message that reveals nothing about the server.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kb.errors import KbError
from webapp.i18n import current_language

logger = logging.getLogger(__name__)

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
) -> Response:
    """The one error answer: JSON for the API, the error page for people."""
    if is_api_request():
        response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    else:
        response = Response(
            render_template("errors/error.html", status=status, code=code, message=message),
            mimetype="text/html",
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_kb_error(exc: KbError) -> Response:
    if exc.status >= 500:
        logger.error("%s %s failed: %s", request.method, request.path, exc.message)
    # Errors that pass (the database restarting, a limit) say when to try again.
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(int(retry_after))} if retry_after else None
    lang = current_language()
    return error_response(exc.status, exc.code, exc.message_in(lang), exc.details_in(lang), headers)


def _handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {}
    if status == 405:
        allowed = exc.get_response().headers.get("Allow")
        if allowed:
            headers["Allow"] = allowed
    code = _HTTP_CODES.get(status, f"http_{status}")
    message = exc.description or exc.name
    if status == 404:
        message = f"nothing is at {request.path}; see /api/openapi.json for the API's routes"
    elif status == 405:
        message = f"{request.method} is not allowed on {request.path}"
    return error_response(status, code, message, headers=headers)


def _handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _handle_http_error(exc)
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return error_response(
        500, "internal_error", "the server failed to answer; the error has been logged"
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(KbError, _handle_kb_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
