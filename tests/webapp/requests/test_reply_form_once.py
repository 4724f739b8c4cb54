"""The request page's reply form sent twice (a double click, back and send again):
one reply, and the second sending answered as the first (`webapp.requests.form_tokens`)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.requests.test_page_forms import file
from tests.webapp.requests.test_stale_forms import form_fields, send

pytestmark = pytest.mark.usefixtures("people")


def replies(store: Store, request_id: int) -> list[str]:
    return [e.message for e in store.entries(request_id) if e.kind == "comment"]


def agent_page(app: Flask) -> tuple[FlaskClient, int, str]:
    request_id = file(app.test_client())
    ivan = app.test_client()
    sign_in_as(ivan, "ivan")
    return ivan, request_id, text_of(ivan.get(f"/requests/{request_id}"))


def test_a_reply_form_sent_twice_posts_one_reply(app: Flask, store: Store) -> None:
    ivan, request_id, page = agent_page(app)
    action = f"/requests/{request_id}/comment"
    assert form_fields(page, action)["once"]
    first = send(ivan, page, action, text="Restart the client")
    assert first.status_code == 303
    again = send(ivan, page, action, text="Restart the client")
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    shown = text_of(ivan.get(again.headers["Location"]))
    assert "Someone else changed this request" not in shown and 'class="form-error"' not in shown
    assert shown.count("Your reply has been sent") == 1
    assert replies(store, request_id) == ["Restart the client"]
    # A page rendered again carries a new token: a new reply from it is posted.
    fresh = text_of(ivan.get(f"/requests/{request_id}"))
    assert form_fields(fresh, action)["once"] != form_fields(page, action)["once"]
    assert send(ivan, fresh, action, text="Restart the client").status_code == 303
    assert replies(store, request_id) == ["Restart the client"] * 2


def test_a_refused_reply_keeps_nothing_under_its_token(app: Flask, store: Store) -> None:
    ivan, request_id, page = agent_page(app)
    action = f"/requests/{request_id}/comment"
    refused = send(ivan, page, action, text="   ")
    assert refused.status_code == 303 and refused.headers["Location"].endswith("#reply")
    # The same form, now with text: posted, not answered as the refusal was.
    assert send(ivan, page, action, text="Which version?").status_code == 303
    assert replies(store, request_id) == ["Which version?"]


def test_tokens_belong_to_the_account(app: Flask, store: Store) -> None:
    ivan, request_id, page = agent_page(app)
    action = f"/requests/{request_id}/comment"
    fields = form_fields(page, action)
    assert send(ivan, page, action, text="From ivan").status_code == 303
    emma = app.test_client()
    sign_in_as(emma, "emma")
    emma_page = text_of(emma.get(f"/requests/{request_id}"))
    posted = emma.post(
        action, data=form_fields(emma_page, action) | {"once": fields["once"], "text": "From emma"}
    )
    assert posted.status_code == 303
    assert replies(store, request_id) == ["From ivan", "From emma"]


def test_a_reply_form_whose_answer_could_not_be_kept_is_not_posted_again(
    app: Flask, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keeping the answer failed after the reply was stored: the form sent again,
    even after its claim would have lapsed, goes to the page and posts nothing."""
    from datetime import UTC, datetime, timedelta
    from typing import Any

    import webapp.requests.form_tokens as form_tokens
    from kb.errors import StoreUnavailableError

    ivan, request_id, page = agent_page(app)
    action = f"/requests/{request_id}/comment"

    def down(*args: Any, **kwargs: Any) -> None:
        raise StoreUnavailableError("the database is not available right now")

    with monkeypatch.context() as broken:
        broken.setattr(type(store), "keep_answer", down)
        assert send(ivan, page, action, text="Restart the client").status_code == 303
    a_minute_later = datetime.now(UTC) + timedelta(minutes=1)
    monkeypatch.setattr(form_tokens, "utc_now", lambda: a_minute_later)
    again = send(ivan, page, action, text="Restart the client")
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/requests/{request_id}")
    assert replies(store, request_id) == ["Restart the client"]
