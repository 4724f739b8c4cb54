"""The link in a watcher's mail: a page with one button that takes that watcher,
and nobody else, off the request, without signing in."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.notify.unwatch_links import unwatch_token
from tests.support import sign_in_as
from webapp.services import services

KEY = "the site's secret"


def leave(client: FlaskClient, request_id: int, user: str, token: str) -> Any:
    return client.post(f"/requests/{request_id}/leave", data={"user": user, "token": token})


def test_the_mail_link_takes_its_watcher_off_with_one_click(make_app: Any) -> None:
    app = make_app(secret_key=KEY)
    store = services(app).store
    for name in ("emma", "otto", "olga"):
        add_user(store, name, "employee")
    client = app.test_client()
    token = sign_in_as(client, "emma")
    created = client.post(
        "/api/requests", json={"query": "my VPN drops"}, headers={"X-CSRF-Token": token}
    )
    request_id = created.get_json()["id"]
    for name in ("otto", "olga"):
        added = client.post(
            f"/api/requests/{request_id}/watchers",
            json={"username": name},
            headers={"X-CSRF-Token": token},
        )
        assert added.status_code in (200, 201), added.get_json()
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
