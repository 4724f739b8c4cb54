"""The `ask` blueprint: where "Ask <department>" leads, for now.

Sending a question to a department arrives with the requests feature, which
replaces this blueprint. Until then the page says so plainly, keeps the
question visible, and shows how to reach the department directly.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from webapp import presenters, services
from webapp.inputs import query_text

bp = Blueprint("ask", __name__, url_prefix="/ask")

CONTACT_FIELDS = ("email", "phone", "location", "hours", "url")


@bp.get("/")
def index() -> str:
    settings = services.services().settings
    question = query_text(request.args, settings, required=False)
    slug = (request.args.get("department") or "").strip()
    if slug not in services.departments():
        slug = settings.triage_department  # unknown or none: the central queue
    department = presenters.department_of(slug)
    contact = [
        (key, department.contact[key]) for key in CONTACT_FIELDS if department.contact.get(key)
    ]
    return render_template(
        "ask/index.html", question=question, department=department, contact=contact
    )
