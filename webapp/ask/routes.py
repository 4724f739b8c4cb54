"""The `ask` blueprint: where "Ask <department>" leads — the request form.

A search without a good answer links here with the question, the department
the router suggested, its confidence and the search's id. The form is
prefilled with them: the suggested department is preselected, or the central
triage queue when the router was unsure. A link with the question alone
has it routed here as its search would be (`suggestion`). While the
employee describes their need, `static/kb.js` searches again and shows matching articles (the request
records that they were shown, and that the employee went on anyway, when the
search's answer proved it; those searches count for deflection only with the
form's token, `form_token`). When the
question matches an entry of the service catalogue (a laptop, onboarding,
moving office …), the page offers its form instead. Each form carries a fresh idempotency key, so a double
click files one request. Signing in is needed; visitors are sent to sign in
and back here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.errors import ConflictError, ValidationError
from kb.mail_addresses import plain_address
from kb.notify.config import allowed_address, queue_mail_domains
from kb.records import Department
from kb.requests.lifecycle import Priority
from webapp import services
from webapp.ask.form_token import (
    MAX_SERVED_CHARS,
    form_token,
    search_key,
    with_served_suggestions,
)
from webapp.ask.suggestion import suggestion_for
from webapp.auth.identity import require_user
from webapp.departments import department_name, department_of
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.request_checks import checks_own_form, refuse_nul_in
from webapp.requests.files import file_with_attachments, first_filing, uploads
from webapp.requests.forms import submission_from_form
from webapp.requests.presenters import department_choices
from webapp.search.inputs import query_text
from webapp.search.search_refs import MAX_REF_CHARS
from webapp.services import request_service

bp = Blueprint("ask", __name__, url_prefix="/ask")

CONTACT_FIELDS = ("email", "phone", "location", "hours", "url")


def _float_arg(raw: str | None) -> float | None:
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def _contact(department: Department) -> list[tuple[str, str]]:
    """(field, value) of the department's contact details the page shows. The
    e-mail address becomes a `mailto:` link, and the department file is the
    content owners': it is shown only as one plain address (a list or a `?bcc=`
    would add recipients to what employees write), and, where the operator
    names the domains mail may go to (`queue_mail_domains`, `mail_domain`),
    only at one of them, so employees' mail never leaves the organisation."""
    shown = []
    domains = queue_mail_domains(services.services().live_settings())
    for key in CONTACT_FIELDS:
        value = str(department.contact.get(key) or "").strip()
        if key == "email" and not (
            allowed_address(value, domains) if domains else plain_address(value)
        ):
            continue
        if value:
            shown.append((key, value))
    return shown


def form_context(
    actor: User, values: Mapping[str, str], error: str = "", error_field: str = ""
) -> dict[str, Any]:
    """Everything the form (`ask/form.html`) shows `actor`, from the link's
    parameters or the posted form; `error_field` names the field the error is
    about (marked, the error linked)."""
    service = request_service()
    choices = department_choices()
    known = {slug for slug, _ in choices}
    suggested = (values.get("suggested") or "").strip()
    suggested = suggested if suggested in known else ""
    preselected = (values.get("preselected") or "").strip()
    if preselected not in known:
        confidence = _float_arg(values.get("confidence"))
        preselected = service.route(None, suggested or None, confidence)
    chosen = (values.get("department") or "").strip()
    question = (values.get("query") or "").strip()
    description = (values.get("description") or "").strip()
    offer = service.match_request_type(f"{question}\n{description}") if question else None
    stream = service.workflows.workflows.get(offer.workflow) if offer and offer.workflow else None
    contact_of = department_of(chosen if chosen in known else preselected)
    # Every choice's contact details are in the page, so that the "Urgent?" hint
    # follows the department select while it changes (kb.js), not only once posted.
    contacts = [(slug, shown) for slug, _ in choices if (shown := _contact(department_of(slug)))]
    return {
        "question": question,
        "description": description,
        "choices": choices,
        "suggested": suggested,
        "preselected": preselected,
        "chosen": chosen if chosen in known else preselected,
        "confidence": values.get("confidence") or "",
        "search_id": values.get("search_id") or "",
        "search_ref": values.get("search_ref") or "",
        "search_query": values.get("search_query") or "",
        "priority": values.get("priority") or Priority.NORMAL.value,
        "priorities": [p.value for p in Priority],
        "idempotency_key": values.get("idempotency_key") or str(uuid.uuid4()),
        # The proof that suggestions were served (`form_token`), kept when the form comes back.
        "suggestions_shown": (values.get("suggestions_shown") or "")[:MAX_SERVED_CHARS],
        "offer": offer,
        "offer_title": offer.title_in(current_language()) if offer else "",
        "offer_departments": [department_name(d) for d in stream.departments()] if stream else [],
        "department": contact_of,
        "contacts": contacts,
        "error": error,
        "error_field": error_field,
        # Names the search the form was opened from: its suggestions count for it too.
        "ask_token": form_token(
            actor, search_key(values.get("search_id"), values.get("search_ref"))
        ),
    }


@bp.get("/")
def index() -> str:
    user = require_user()
    settings = services.services().settings
    question = query_text(request.args, settings, required=False)
    search_id = request.args.get("sid", "")
    suggested = request.args.get("department", "")
    confidence = request.args.get("confidence", "")
    if question and not suggested:
        routed = suggestion_for(question)
        if routed is not None:
            suggested = routed.department
            confidence = "" if routed.confidence is None else f"{routed.confidence:.3f}"
    values = {
        "query": question,
        "suggested": suggested,
        "confidence": confidence,
        "search_id": search_id,
        # A search answered before it was logged: linked by its reference once
        # stored; else the words searched for stay with the request.
        "search_ref": "" if search_id else request.args.get("sref", "")[:MAX_REF_CHARS],
        "search_query": "" if search_id else question,
    }
    return render_template("ask/index.html", **form_context(user, values))


@bp.post("/")
@checks_own_form
def submit() -> Response | tuple[str, int]:
    actor = require_user()
    settings = services.services().settings
    try:
        refuse_nul_in(request.form)
        search_ref = (request.form.get("search_ref") or "")[:MAX_REF_CHARS]
        submission = with_served_suggestions(
            submission_from_form(request.form, settings.max_query_chars),
            request.form.get("suggestions_shown"),
            actor,
            search_ref,
        )
        first_filing(actor, submission.idempotency_key)  # a double click counts once
        created = file_with_attachments(actor, submission, uploads(), search_ref)
    except (ValidationError, ConflictError) as exc:
        message = message_for(exc, current_language())
        field = str(exc.details.get("field") or "")
        context = form_context(actor, request.form, message, field)
        return render_template("ask/index.html", **context), exc.status
    flash(gettext("request_sent", id=created.id), "success")
    return redirect(url_for("requests.show", request_id=created.id), code=303)
