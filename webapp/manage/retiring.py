"""Retiring from the editor, asked again first, as Discard is.

    GET  /manage/retire/<id>    what retiring does, and the form that does it
                                (it posts to /manage/status/<id> with
                                `action=retire` and `confirm=retire`)

The editor offers Retire (`retirable` in templates) only for an article that
is or was once published, since the service refuses to retire one that never
was (`kb.authoring.status_changes`). Retire takes a published article out of
search at once and sat one click beside Publish, so its button leads to a page
of its own (the layout Discard's page uses) that says what happens and asks
again; a form post that asks to retire without `confirm=retire`
(`require_confirmed`) changes nothing and says why. The JSON API is not asked
again: its clients say `status: retired` on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from kb.authoring.records import Editable
from kb.authoring.status_changes import was_published
from kb.errors import ValidationError
from kb.records import Status
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language
from webapp.inputs import invalid

CONFIRM = "retire"


def retirable(opened: Editable) -> bool:
    """Whether retiring `opened` takes something out of search: its file says it
    is published (or retired already), or it reached readers before
    (`was_published`)."""
    if opened.fields.status in (Status.PUBLISHED, Status.RETIRED):
        return True
    authoring = services.authoring()
    return was_published(authoring.versions, opened.article_id, authoring.indexed)


def require_confirmed(form: Mapping[str, Any], asked: Status) -> None:
    """A 400, nothing changed, where the form asks to retire (`asked`) without
    the confirm page's `confirm=retire`."""
    if asked is Status.RETIRED and form.get("confirm") != CONFIRM:
        raise invalid(
            "confirm",
            "Retire takes the article out of search, so it is confirmed on its own page "
            "first; nothing was changed",
            key="retire_unconfirmed",
        )


def unconfirmed(form: Mapping[str, Any], asked: Status, article_id: str) -> Response | None:
    """For a form post without the confirmation (`require_confirmed`): the reason
    flashed and the way to the page that asks again; else None."""
    try:
        require_confirmed(form, asked)
    except ValidationError as exc:
        flash(message_for(exc, current_language()), "error")
        return redirect(url_for("manage.retire_form", article_id=article_id), code=303)
    return None


def confirm(article_id: str) -> str:
    """The page that asks again: what retiring does, and the form that does it."""
    opened = services.authoring().open(require_user(), article_id)
    return render_template("manage/retire.html", opened=opened)


def register(bp: Blueprint) -> None:
    """Add the retire page to `bp` (the manage blueprint), and offer `retirable`
    to every template of the app."""
    bp.add_url_rule("/retire/<path:article_id>", "retire_form", confirm, methods=["GET"])
    bp.add_app_template_global(retirable, "retirable")
