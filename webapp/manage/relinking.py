"""The links to a renamed article, changed right after the rename, as the
rename page and `POST /api/articles/<id>/move` say it.

`kb.authoring.relinking` changes them in the departments the renamer owns and
names the articles of other departments that still link to the old id; here
"may read" is the article page's rule (`webapp.articles.presenters.visible_article`:
published, and open to the renamer's groups), so that the answer names no
article the renamer could not open.
"""

from __future__ import annotations

from typing import Any

from flask import flash

from kb.accounts.records import User
from kb.authoring.relinking import Relinking, relink
from kb.errors import NotFoundError
from webapp import services
from webapp.articles import presenters
from webapp.errors import message_for
from webapp.i18n import current_language, gettext


def relink_moved(actor: User, old_id: str, new_id: str) -> Relinking:
    """The links to `old_id` changed to name `new_id` where `actor` may (see the module)."""
    return relink(services.authoring(), actor, old_id, new_id, may_read=_readable)


def _readable(article_id: str) -> bool:
    try:
        presenters.visible_article(article_id)
    except NotFoundError:
        return False
    return True


def relinking_json(done: Relinking) -> dict[str, Any]:
    """The `links` of the API's answer: what was changed, what was not, and why."""
    lang = current_language()
    return {
        "updated": [
            {"id": r.article_id, "version": r.version, "status": r.status.value}
            for r in done.updated
        ],
        "failed": [
            {"id": f.article_id, "error": f.error.code, "message": message_for(f.error, lang)}
            for f in done.failed
        ],
        "elsewhere": list(done.elsewhere),
        "held": list(done.held),
    }


def flash_relinking(done: Relinking) -> None:
    """What the rename did to the links, said on the page it leads to."""
    if done.updated:
        flash(gettext("relinked", ids=_listed(r.article_id for r in done.updated)), "success")
    lang = current_language()
    for f in done.failed:
        flash(gettext("relink_failed", id=f.article_id, reason=message_for(f.error, lang)), "error")
    if done.held:
        flash(gettext("relink_held", ids=_listed(done.held)), "info")
    if done.elsewhere:
        flash(gettext("relink_elsewhere", ids=_listed(done.elsewhere)), "info")


def _listed(ids: Any) -> str:
    return ", ".join(ids)
