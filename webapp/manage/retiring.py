"""Whether the editor offers Retire (`retirable` in templates): only for an
article that is or was once published, since the service refuses to retire
one that never was (`kb.authoring.status_changes`)."""

from __future__ import annotations

from flask import Blueprint

from kb.authoring.records import Editable
from kb.authoring.status_changes import was_published
from kb.records import Status
from webapp import services


def retirable(opened: Editable) -> bool:
    """Whether retiring `opened` takes something out of search: its file says it
    is published (or retired already), or it reached readers before
    (`was_published`)."""
    if opened.fields.status in (Status.PUBLISHED, Status.RETIRED):
        return True
    authoring = services.authoring()
    return was_published(authoring.versions, opened.article_id, authoring.indexed)


def register(bp: Blueprint) -> None:
    """Offer `retirable` to every template of the app, as `bp` is registered."""
    bp.add_app_template_global(retirable, "retirable")
