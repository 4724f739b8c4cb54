"""The page of a refused stale edit: both texts, their diff, and who changed the
article meanwhile, said as the reader's other pages say it.

The error's own text names the newer version's author and time in UTC (the API
and the log read it so); the page names the time as every other page does (the
working-hours time zone, `when`) and the author "on disk" where a file was
edited there. Where the newer version is the reader's own (saved from another
tab or window, or sent again from a page the back button showed), the page does
not say that someone else changed the article.

The reader's text is never dropped: it is shown first, in a box to copy from,
and the way on to the current version is a form that carries it (and the
"What changed" line) to the editor, which shows it above the current text to
merge (`routes.reopen`); a plain link would have opened the editor without it.
"""

from __future__ import annotations

from flask import render_template

from kb.accounts.records import User
from kb.authoring.diff import line_diff
from kb.authoring.service import Editable, StaleEditError
from webapp.i18n import current_language, gettext
from webapp.people import person_name
from webapp.requests.template_helpers import when


def conflict_page(
    opened: Editable, exc: StaleEditError, actor: User, message: str = ""
) -> tuple[str, int]:
    """The editor's answer to `exc`: 409 with both texts, nothing lost; `message`
    is the "What changed" line the refused save sent."""
    current = exc.current
    shown = {
        "time": when(current.ts),
        "author": person_name(current.author) or gettext("history_on_disk"),
    }
    own = bool(current.author) and current.author == actor.username
    page = render_template(
        "manage/conflict.html",
        opened=opened,
        title=gettext("conflict_title_own" if own else "conflict_title"),
        error_text=exc.message_in(current_language(), **shown),
        own=own,
        current=current,
        yours=exc.yours,
        message=message,
        diff=line_diff(current.text, exc.yours),
    )
    return page, 409
