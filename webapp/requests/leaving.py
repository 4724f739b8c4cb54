"""The page a watcher's notification mail links to: stop watching the request
with one click, signed in or not (`kb.notify.unwatch_links`).

The link opens a page with one button, and the button posts: a mail filter
that opens every link only fetches the page, so nobody is taken off by one.
The token lets its holder leave that one request, nothing more: the page names
the request by its number alone and shows nothing of it. A wrong or altered
token is refused (403) with what to do instead. Done, the post leads back to
the page, which says so (`?left=1`), as every form here does (a reload posts
nothing again). When it took nobody off, because no account has that name any
more (renamed since the mail was sent), it is listed but may no longer read
the request (a watch of its own, the role gone: its mails stopped with it),
or it does not watch the request (left already), the page says that instead
(`?left=no_account`, `not_visible` or `not_watching`), rather than claiming it
is done; nothing of a request the person may not read is shown.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from webapp.services import request_service

OUTCOME = "#leave-outcome"
# What the page says when the click took nobody off (`?left=` besides "1": left).
MISSED = {
    "no_account": "leave_no_account",
    "not_watching": "leave_not_watching",
    "not_visible": "leave_not_visible",
}


def register(bp: Blueprint) -> None:
    """Add the stop-watching page to the `requests` blueprint `bp`."""
    bp.add_url_rule("/<int:request_id>/leave", view_func=leave, methods=["GET", "POST"])


def leave(request_id: int) -> str | Response:
    """GET: the button (or, after it, that it is done); POST: `user` stops
    watching, the token checked first."""
    user = (request.values.get("user") or "").strip()
    token = (request.values.get("token") or "").strip()
    if request.method == "POST":
        outcome = request_service().leave(request_id, user, token)
        if outcome == "left":
            done = url_for("requests.leave", request_id=request_id, left="1")
        else:
            done = url_for("requests.leave", request_id=request_id, left=outcome, user=user)
        return redirect(done + OUTCOME, code=303)
    shown = request.args.get("left", "")
    return render_template(
        "requests/leave.html",
        request_id=request_id,
        watcher=user,
        token=token,
        left=shown == "1",
        missed=MISSED.get(shown, ""),
    )
