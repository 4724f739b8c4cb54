"""When search finds a published article: what the editor says under its heading.

"Saved as version 3 (Published)" alone left the owner to guess when employees
find the article. Whether search finds it is read, not guessed: the index the
search engine holds now has the article with this very text (its content
hash), or it does not yet. Not yet, the line says when it will, as indexing
runs on this server: within seconds where this process's index worker takes
every browser change in (`index_on_change` = worker, `webapp.indexing`),
else after the next index run (`kb index`, or its watcher), naming when the
index searched now was built, since the product runs no schedule of its own
it could name. A reload shows the line again, so the owner sees "Search finds
this version now" once the pass is through.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import Blueprint

from indexer.snapshot import current_path, read_manifest
from kb.authoring.records import Editable, text_hash
from kb.errors import KbError
from kb.records import Status
from webapp import services
from webapp.i18n import gettext
from webapp.requests.template_helpers import when


class Findable(StrEnum):
    """Where a published article stands with search."""

    NOW = "now"  # the index searched holds this version
    SECONDS = "seconds"  # this process's index worker takes it in
    NEXT_RUN = "next_run"  # the next `kb index` run takes it in


# The editor's line for each (`findable_next_run_built` names when the index was built).
TEXTS = {
    Findable.NOW: "findable_now",
    Findable.SECONDS: "findable_seconds",
    Findable.NEXT_RUN: "findable_next_run",
}


def findable(opened: Editable) -> Findable | None:
    """Where `opened` stands with search; None when it is not published."""
    if opened.fields.status is not Status.PUBLISHED:
        return None
    svc = services.services()
    try:
        indexed = svc.engine.article(opened.article_id)
    except (KbError, OSError):
        indexed = None  # no index yet: the next pass or run builds one
    if indexed is not None and indexed.content_hash == text_hash(opened.text):
        return Findable.NOW
    settings = svc.settings
    if settings.index_on_change == "worker" and settings.write_content:
        return Findable.SECONDS
    return Findable.NEXT_RUN


def findable_line(opened: Editable) -> str:
    """The editor's line for `opened` ("" when it is not published)."""
    state = findable(opened)
    if state is None:
        return ""
    if state is Findable.NEXT_RUN:
        built = index_built()
        if built:
            return gettext("findable_next_run_built", built=built)
    return gettext(TEXTS[state])


def index_built() -> str:
    """When the index searched now was built, as the pages write times ("" when
    there is none, or its manifest does not say)."""
    index = services.services().settings.index_path
    try:
        created = read_manifest(current_path(index)).get("created")
        return when(datetime.strptime(str(created), "%Y-%m-%dT%H:%M:%S%z"))
    except (KbError, OSError, ValueError):  # none yet, unreadable, or no time in it
        return ""


def register(bp: Blueprint) -> None:
    """Offer `findable_line` to every template of the app."""
    bp.add_app_template_global(findable_line, "findable_line")
