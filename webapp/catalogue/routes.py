"""The `catalogue` blueprint: the service catalogue and the forms of its requests.

    GET  /catalogue/            every department's request types, top requests first
    GET  /catalogue/<type>      the form of a type (signed in); ?description= prefills;
                                sid, or sref and q for a search not logged, as the ask link
    POST /catalogue/<type>      file it: checked on the server, errors at their fields

The form is checked on the server only (`novalidate`): the messages then come
in the interface language and name the field as the form does, whatever the
browser's own language is. A checked form files one request (its idempotency
key makes a double click harmless) and leads to the request's page. A form
sent with a field its request type no longer has (the department file changed
while it was open) comes back as the type is now (409), naming what was typed
there, instead of being filed without it; one whose type was taken out of
the catalogue meanwhile answers 404 with everything it sent, to copy.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.catalogue.fields import FORM_OWN_NAMES, FieldType
from kb.catalogue.problems import FieldErrors
from kb.catalogue.types import RequestType
from kb.errors import ConflictError, NotFoundError, ValidationError
from kb.requests.submission import NewRequest
from webapp.auth.drafts import form_not_sent
from webapp.auth.identity import require_user
from webapp.catalogue.presenters import department_options, field_views
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import digits, too_long
from webapp.request_checks import checks_own_form, refuse_nul_in
from webapp.requests.files import file_with_attachments, first_filing, uploads
from webapp.requests.forms import MAX_DESCRIPTION_CHARS, idempotency_key
from webapp.search.search_refs import MAX_REF_CHARS
from webapp.services import request_service, services

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


def _max_query_chars() -> int:
    """The longest search text a request keeps (`max_query_chars`)."""
    return services().settings.max_query_chars


@bp.get("/")
def index() -> str:
    service = request_service()
    catalogue = service.catalogue
    sections = [
        (slug, name, _marked_top(catalogue.top_requests(slug), types), types)
        for slug, name in department_options(service)
        for types in [catalogue.of_department(slug)]
    ]
    return render_template(
        "catalogue/index.html", sections=[s for s in sections if s[3]], lang=current_language()
    )


def _marked_top(top: list[RequestType], types: list[RequestType]) -> list[RequestType]:
    """The top requests the page marks as most requested: none when they are all
    the department offers, where a mark on every form would set none apart."""
    return top if any(t not in top for t in types) else []


def _request_type(type_id: str) -> RequestType:
    found = request_service().catalogue.types.get(type_id)
    if found is None:
        raise NotFoundError(
            f"there is no request type {type_id!r} in the catalogue; see /catalogue/",
            details={"type": type_id},
            key="no_request_type",
            values={"type": type_id},
        )
    return found


def _render_form(
    request_type: RequestType,
    sent: Mapping[str, Any],
    *,
    errors: Mapping[str, str] | None = None,
    error: str = "",
) -> str:
    lang = current_language()
    service = request_service()
    views = field_views(request_type, lang, department_options(service), sent, errors or {})
    return render_template(
        "catalogue/form.html",
        type=request_type,
        lang=lang,
        fields=views,
        errors=[v for v in views if v.error],
        error=error,
        description=sent.get("description", ""),
        idempotency_key=sent.get("idempotency_key") or str(uuid.uuid4()),
        search_id=sent.get("search_id", ""),
        search_ref=sent.get("search_ref", ""),
        search_query=sent.get("search_query", ""),
    )


@bp.get("/<type_id>")
def form(type_id: str) -> str:
    require_user()
    request_type = _request_type(type_id)
    sent = {"description": (request.args.get("description") or "")[:MAX_DESCRIPTION_CHARS]}
    sent["search_id"] = search_id = request.args.get("sid", "")
    if not search_id:  # a search not logged: its reference, and the words searched for
        sent["search_ref"] = (request.args.get("sref") or "")[:MAX_REF_CHARS]
        sent["search_query"] = (request.args.get("q") or "").strip()[: _max_query_chars()]
    return _render_form(request_type, sent)


def _sent_fields(request_type: RequestType, form: Mapping[str, str]) -> dict[str, Any]:
    """The declared fields of the posted form (a checkbox left out is "no")."""
    sent: dict[str, Any] = {}
    for spec in request_type.fields:
        value = form.get(spec.name)
        if spec.type is FieldType.BOOLEAN:
            sent[spec.name] = value or ""
        elif value is not None:
            sent[spec.name] = value
    return sent


def _taken_out(request_type: RequestType, form: Mapping[str, str]) -> ConflictError | None:
    """The refusal of a form sent with a value in a field its type no longer has
    (taken out of the department file while the form was open), naming each with
    what was typed: filed without them, the person's entries were dropped unseen."""
    gone = {
        name: value.strip()
        for name, value in form.items()
        if name not in FORM_OWN_NAMES and request_type.field(name) is None and value.strip()
    }
    if not gone:
        return None
    typed = "; ".join(f"{name}: {value}" for name, value in gone.items())
    return ConflictError(
        "this form changed since you opened it and no longer asks for what you typed "
        f"there ({typed}); nothing was sent. Check the form as it is now, add under "
        "the last question what still matters, and send it again",
        details={"fields": sorted(gone)},
        key="form_changed",
        values={"typed": typed},
    )


def _description(form: Mapping[str, str]) -> str:
    text = (form.get("description") or "").strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise too_long("description", len(text), MAX_DESCRIPTION_CHARS)
    return text


@bp.post("/<type_id>")
@checks_own_form
def submit(type_id: str) -> Response | tuple[str, int]:
    actor = require_user()
    try:
        request_type = _request_type(type_id)
    except NotFoundError as exc:  # taken out of the catalogue while the form was open
        message = message_for(exc, current_language())
        back = url_for("catalogue.index")
        return form_not_sent(reason="gone", back=back, signed_in=True, status=404, message=message)
    lang = current_language()
    fields = _sent_fields(request_type, request.form)
    raw_search = (request.form.get("search_id") or "").strip()
    searched = (request.form.get("search_query") or "").strip()
    try:
        if len(searched) > _max_query_chars():
            raise too_long("search_query", len(searched), _max_query_chars())
        refuse_nul_in(request.form)
        if (changed := _taken_out(request_type, request.form)) is not None:
            raise changed
        sent = NewRequest(
            query="",
            description=_description(request.form),
            request_type=request_type.id,
            fields=fields,
            lang=lang,
            idempotency_key=idempotency_key(request.form.get("idempotency_key"), "idempotency_key"),
            search_id=digits(raw_search, "search_id") or None,
            search_query=searched,
        )
        search_ref = (request.form.get("search_ref") or "")[:MAX_REF_CHARS]
        first_filing(actor, sent.idempotency_key)  # a double click counts once
        created = file_with_attachments(actor, sent, uploads(), search_ref)
    except FieldErrors as exc:
        posted = {**request.form.to_dict(), **fields}
        return _render_form(request_type, posted, errors=exc.by_field(lang)), exc.status
    except (ValidationError, ConflictError) as exc:
        posted = {**request.form.to_dict(), **fields}
        labels = {spec.name: spec.label_in(lang) for spec in request_type.fields}
        message = message_for(exc, lang, labels)
        return _render_form(request_type, posted, error=message), exc.status
    flash(gettext("request_sent", id=created.id), "success")
    return redirect(url_for("requests.show", request_id=created.id), code=303)
