"""The link in a watcher's mail: a page with one button that takes that watcher,
and nobody else, off the request, without signing in."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from flask.testing import FlaskClient

from kb.accounts.service import add_user, rename_user
from kb.notify.unwatch_links import unwatch_token
from tests.support import sign_in_as
from webapp.services import services

KEY = "the site's secret"


def watched_by(app: Any, *names: str) -> int:
    """A request of emma's that `names` watch."""
    store = services(app).store
    for name in ("emma", *names):
        add_user(store, name, "employee")
    client = app.test_client()
    token = sign_in_as(client, "emma")
    created = client.post(
        "/api/requests", json={"query": "my VPN drops"}, headers={"X-CSRF-Token": token}
    )
    request_id: int = created.get_json()["id"]
    for name in names:
        added = client.post(
            f"/api/requests/{request_id}/watchers",
            json={"username": name},
            headers={"X-CSRF-Token": token},
        )
        assert added.status_code in (200, 201), added.get_json()
    return request_id


def leave(client: FlaskClient, request_id: int, user: str, token: str) -> Any:
    return client.post(f"/requests/{request_id}/leave", data={"user": user, "token": token})


def test_the_mail_link_takes_its_watcher_off_with_one_click(make_app: Any) -> None:
    app = make_app(secret_key=KEY)
    request_id = watched_by(app, "otto", "olga")
    visitor = app.test_client()  # the mail is opened where nobody is signed in
    otto = unwatch_token(KEY, request_id, "otto")
    page = visitor.get(f"/requests/{request_id}/leave?user=otto&token={otto}")
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert "Stop watching" in shown and "my VPN drops" not in shown  # nothing of it is read
    assert re.search(r'name="token" value="[^"]+"', shown)
    emma = services(app).store.get_user("emma")
    assert emma is not None
    # Opening the page changes nothing (a mail filter that follows links).
    assert services(app).requests.get(emma, request_id).watchers == ["otto", "olga"]
    assert leave(visitor, request_id, "olga", otto).status_code == 403  # not olga's
    done = leave(visitor, request_id, "otto", otto)
    assert done.status_code == 303
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "no longer watch" in shown
    assert services(app).requests.get(emma, request_id).watchers == ["olga"]
    assert leave(visitor, request_id + 1, "otto", otto).status_code == 403  # not this one


def test_a_link_that_takes_nobody_off_says_so_instead_of_done(make_app: Any) -> None:
    app = make_app(secret_key=KEY)
    request_id = watched_by(app, "otto", "olga")
    store = services(app).store
    otto = unwatch_token(KEY, request_id, "otto")
    rename_user(store, "otto", "otto.k")  # after the mail was sent
    visitor = app.test_client()
    moved = leave(visitor, request_id, "otto", otto)
    assert moved.status_code == 303
    shown = visitor.get(moved.headers["Location"]).get_data(as_text=True)
    assert "no longer watch" not in shown
    assert "no account named otto any more" in shown and "renamed" in shown
    assert "sign in and remove yourself from its watchers" in shown
    german = visitor.get(moved.headers["Location"], headers={"Accept-Language": "de"})
    assert "Ein Konto namens otto gibt es nicht mehr" in german.get_data(as_text=True)
    emma = store.get_user("emma")
    assert emma is not None
    assert services(app).requests.get(emma, request_id).watchers == ["otto.k", "olga"]
    # An account that exists but does not watch it (left already) is told so too.
    olga = unwatch_token(KEY, request_id, "olga")
    assert leave(visitor, request_id, "olga", olga).status_code == 303
    again = leave(visitor, request_id, "olga", olga)
    shown = visitor.get(again.headers["Location"]).get_data(as_text=True)
    assert "olga is not one of its watchers" in shown and "no longer watch" not in shown
    german = visitor.get(again.headers["Location"], headers={"Accept-Language": "de"})
    assert "olga beobachtet sie nicht" in german.get_data(as_text=True)
    assert services(app).requests.get(emma, request_id).watchers == ["otto.k"]


def test_a_link_to_a_request_no_longer_visible_says_so(make_app: Any) -> None:
    """ian, an agent, watched a request himself; his role is revoked: the page
    says the request is no longer visible to him, and shows nothing of it."""
    app = make_app(secret_key=KEY)
    request_id = watched_by(app)
    store = services(app).store
    add_user(store, "ian", "agent")  # of every queue
    agent = app.test_client()
    token = sign_in_as(agent, "ian")
    watched = agent.post(
        f"/api/requests/{request_id}/watchers", json={}, headers={"X-CSRF-Token": token}
    )
    assert watched.status_code in (200, 201), watched.get_json()
    ian = store.get_user("ian")
    assert ian is not None
    store.update_user(replace(ian, grants=[]))  # the role revoked
    visitor = app.test_client()
    missed = leave(visitor, request_id, "ian", unwatch_token(KEY, request_id, "ian"))
    assert missed.status_code == 303
    shown = visitor.get(missed.headers["Location"]).get_data(as_text=True)
    assert "it is no longer visible to ian" in shown
    assert "not one of its watchers" not in shown and "my VPN drops" not in shown
    german = visitor.get(missed.headers["Location"], headers={"Accept-Language": "de"})
    assert "Für ian ist sie nicht mehr sichtbar" in german.get_data(as_text=True)
