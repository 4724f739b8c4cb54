"""An article's versions in the editor: the history, a diff of two versions,
a restore, and a status change without editing.

    /manage/history/<id>             every version; /manage/diff/<id>?a=&b= a readable diff
    POST /manage/restore/<id>        an earlier version made current again
    POST /manage/status/<id>         approve, submit, retire without editing
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.authoring.diff import line_diff
from kb.authoring.discarding import history_of, restore_discarded
from kb.authoring.errors import GoneSinceError
from kb.authoring.files import SLUG
from kb.authoring.moving import moved_to, refused_if_renamed
from kb.authoring.records import FREED
from kb.authoring.service import StaleEditError
from kb.errors import ConflictError, ContentError
from kb.records import Status
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext, label
from webapp.inputs import invalid
from webapp.manage import forms, retiring, saved_notices
from webapp.manage.renaming import editor_now


def history(article_id: str) -> str:
    """Every version; a discarded draft's too, the discard last (`history_of`)."""
    versions = history_of(services.authoring(), require_user(), article_id)
    # A discarded draft's history, or a renamed article's under its old id.
    discarded = bool(versions) and versions[-1].action in FREED
    moved = moved_to(services.authoring().versions, article_id) if discarded else None
    # A discarded draft comes back only where a new article goes (`restore_discarded`).
    name = article_id.partition("/")[2].removesuffix(".md")
    return render_template(
        "manage/history.html",
        article_id=article_id,
        versions=list(reversed(versions)),
        current=versions[-1].number if versions else 0,
        discarded=discarded,
        restorable=moved is None and (not discarded or bool(SLUG.match(name))),
        moved_to=moved,
    )


def diff(article_id: str) -> str:
    actor = require_user()
    service = services.authoring()
    b = forms.version_of(request.args.get("b"), "b")
    if b is None:
        b = service.open(actor, article_id).version
    a = forms.version_of(request.args.get("a"), "a") or max(1, b - 1)
    old, new = service.version(actor, article_id, a), service.version(actor, article_id, b)
    return render_template(
        "manage/diff.html",
        article_id=article_id,
        old=old,
        new=new,
        lines=line_diff(old.text, new.text),
    )


def restore(article_id: str) -> Response | tuple[str, int]:
    actor = require_user()
    number = forms.version_of(request.form.get("number"), "number")
    base = forms.form_version(request.form)
    if number is None:
        raise invalid("number", "say which version to restore", key="restore_which")
    try:
        # A discarded draft's version comes back as a new draft (`restore_discarded`).
        version = restore_discarded(
            services.authoring(), actor, article_id, number, base_version=base
        )
    except StaleEditError as exc:
        flash(message_for(exc, current_language()), "error")
        return redirect(url_for("manage.history", article_id=article_id), code=303)
    except GoneSinceError as exc:  # renamed since the history page was shown
        flash(message_for(exc, current_language()), "error")
        return redirect(editor_now(article_id, exc), code=303)
    if version.number == base:
        # Nothing was recorded: the text restored is the current one (a restore
        # keeps the status, so undoing a Retire this way changes nothing).
        status = label("article", version.status.value)
        flash(gettext("manage_restored_same", number=number, version=base, status=status), "info")
    else:
        flash(gettext("manage_restored", number=number, version=version.number), "success")
    return redirect(url_for("manage.edit", article_id=article_id), code=303)


def set_status(article_id: str) -> Response:
    actor = require_user()
    status = forms.form_action(default=None)  # a status change names its status
    base = forms.form_version(request.form)
    if (asked_again := retiring.unconfirmed(request.form, status, article_id)) is not None:
        return asked_again
    service = services.authoring()
    editor = url_for("manage.edit", article_id=article_id)
    try:
        with refused_if_renamed(service.versions, article_id, base):
            version = service.set_status(
                actor, article_id, status, base_version=base, message=forms.message_of(request.form)
            )
    except (StaleEditError, ConflictError, ContentError) as exc:
        flash(message_for(exc, current_language()), "error")
        editor = editor_now(article_id, exc)
    else:
        saved_notices.flash_saved(version, base)
        if status is Status.RETIRED and version.number != base:
            flash(gettext("manage_retired_out_of_search"), "info")
    if request.form.get("next") == "list":
        return redirect(url_for("manage.index", department=article_id.split("/", 1)[0]), code=303)
    return redirect(editor, code=303)


def register(bp: Blueprint) -> None:
    """Add the history, diff, restore and status pages to `bp` (the manage blueprint)."""
    bp.add_url_rule("/history/<path:article_id>", "history", history, methods=["GET"])
    bp.add_url_rule("/diff/<path:article_id>", "diff", diff, methods=["GET"])
    bp.add_url_rule("/restore/<path:article_id>", "restore", restore, methods=["POST"])
    bp.add_url_rule("/status/<path:article_id>", "set_status", set_status, methods=["POST"])
