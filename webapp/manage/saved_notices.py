"""What the editor says after a save: the version saved (or that nothing
changed), and where a published article left search by it."""

from __future__ import annotations

from flask import flash

from kb.authoring.records import ArticleVersion
from kb.records import Status
from webapp.i18n import gettext, label


def flash_saved(version: ArticleVersion, base: int | None) -> None:
    """What a save or a status change did: the version saved, or, where the text
    and status were already those (Retire on a retired article), that nothing was."""
    status = label("article", version.status.value)
    if version.number == base:
        flash(gettext("manage_unchanged", version=version.number, status=status), "info")
    else:
        flash(gettext("manage_saved", version=version.number, status=status), "success")


def flash_out_of_search(before: Status, version: ArticleVersion) -> None:
    """A published article saved as a draft or sent to review leaves search until
    it is published again, as does a retired one: said at once, since "Saved as version N (Draft)" alone
    reads as if readers still found the article, with the way back named."""
    if before is not Status.PUBLISHED:
        return
    if version.status in (Status.DRAFT, Status.REVIEW):
        flash(gettext("manage_out_of_search"), "info")
    elif version.status is Status.RETIRED:
        # Said again after the retire page asked: the way back is named here too.
        flash(gettext("manage_retired_out_of_search"), "info")
