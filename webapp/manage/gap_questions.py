"""The questions of the knowledge gap a new article is written for.

A gap's "Write an article" link names the gap and the period of the gaps
page; the editor lists the gap's questions (those the minimum-people rule
lets the page show), so that the content owner writes for what people
asked, in their words, without keeping the gaps page open beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

from kb.errors import NotFoundError, PermissionDenied, ValidationError
from webapp.insights.views import reading


def asked_in_gap(args: Mapping[str, str]) -> list[str]:
    """The shown questions of the gap `args["gap"]` in the period `since` to
    `until` of `department`, as the gaps page lists them for this reader; none
    when there is no such gap, or the reader may not see its insights."""
    topic = (args.get("gap") or "").strip()
    if not topic.isdigit():
        return []
    filters = {name: args.get(name) or "" for name in ("since", "until", "department")}
    try:
        r = reading(filters)
    except (PermissionDenied, ValidationError, NotFoundError):
        return []
    for view in r.service.gaps(r.period, r.department):
        if view.topic.id == int(topic):
            return view.queries
    return []
