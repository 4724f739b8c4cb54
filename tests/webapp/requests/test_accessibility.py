"""The request pages for screen readers: errors tied to their fields, tables with row headers."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support import post_request_form, refused_page, refused_queue_page, sign_in_as, text_of
from tests.webapp.requests.test_routes import ask_form, file, send

pytestmark = pytest.mark.usefixtures("people")


def _tag(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert found is not None, element_id
    return found.group(0)


def test_a_refused_ask_form_marks_the_field_and_links_the_error(client: FlaskClient) -> None:
    """The error stood at the top of the form, tied to no field: a screen reader
    on the empty question heard nothing of it."""
    sign_in_as(client, "emma")
    html = ask_form(client)
    assert 'aria-invalid="true"' not in html
    assert 'aria-describedby="ask-description-hint"' in _tag(html, "ask-description")
    page = text_of(send(client, html, query=" "))
    assert '<p id="ask-error" class="form-error" role="alert" tabindex="-1" autofocus>' in page
    question = _tag(page, "ask-query")
    assert 'aria-invalid="true"' in question and 'aria-describedby="ask-error"' in question
    assert 'aria-invalid="true"' not in _tag(page, "ask-department")
    page = text_of(send(client, html, department="nowhere"))
    department = _tag(page, "ask-department")
    assert 'aria-invalid="true"' in department
    assert 'aria-describedby="ask-error ask-department-hint"' in department
    assert 'aria-invalid="true"' not in _tag(page, "ask-query")


def test_request_tables_name_each_row_by_its_request(client: FlaskClient) -> None:
    """Cells were read without the request they belong to: no row headers."""
    request_id = file(client, "Monitor flickers")
    mine = text_of(client.get("/requests/"))
    assert re.search(
        rf'<th scope="row"[^>]*><a href="/requests/{request_id}">Monitor flickers</a></th>', mine
    )
    assert '<table class="requests-table" aria-labelledby="mine-h">' in mine
    sign_in_as(client, "ivan")
    queue = text_of(client.get("/requests/queue/it"))
    assert re.search(
        rf'<th scope="row"[^>]*><a href="/requests/{request_id}">Monitor flickers</a>', queue
    )


def _act(client: FlaskClient, token: str, request_id: int, action: str, **data: str) -> str:
    return refused_page(client, post_request_form(client, token, request_id, action, **data))


def test_a_refused_action_marks_its_field_and_links_the_error(client: FlaskClient) -> None:
    """On the request page a refused resolution or reassignment showed its error
    beside the form, but the field it was about was neither marked nor tied to it."""
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    page = _act(client, ivan, request_id, "resolve", resolution="   ")
    assert '<p id="resolve-error" class="form-error" role="alert" tabindex="-1" autofocus>' in page
    resolution = _tag(page, "resolution-text")
    assert 'aria-invalid="true"' in resolution
    assert 'aria-describedby="resolve-error resolution-hint"' in resolution
    page = _act(client, ivan, request_id, "reassign", department="hr", reason="")
    reason = _tag(page, "reassign-reason")
    assert 'aria-invalid="true"' in reason and 'aria-describedby="reassign-error"' in reason
    assert 'aria-invalid="true"' not in _tag(page, "resolution-text")
    assert 'aria-describedby="resolution-hint"' in _tag(page, "resolution-text")


def test_a_refused_bulk_change_ties_its_error_to_the_form(client: FlaskClient) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    form = {"csrf_token": token, "ids": [str(request_id)], "note": "x" * 10_001}
    page = refused_queue_page(client, client.post("/requests/queue/it/bulk", data=form))
    assert '<fieldset class="bulk-actions" aria-describedby="bulk-error">' in page
    assert '<p id="bulk-error" class="form-error" role="alert" tabindex="-1" autofocus>' in page
    note = _tag(page, "bulk-note")
    assert 'aria-invalid="true"' in note and 'aria-describedby="bulk-error"' in note
    assert "autofocus" in note and 'aria-invalid="true"' not in _tag(page, "bulk-assignee")


def test_a_bulk_change_with_nothing_ticked_marks_the_boxes_and_links_the_error(
    client: FlaskClient,
) -> None:
    """ "Please select at least one request" stood in the actions' fieldset, tied to
    the actions, while the boxes it was about were neither marked nor linked to it."""
    first, second = file(client), file(client, query="Printer toner")
    token = sign_in_as(client, "ivan")
    answer = client.post("/requests/queue/it/bulk", data={"csrf_token": token})
    page = refused_queue_page(client, answer)
    error = '<p id="bulk-error" class="form-error" role="alert" tabindex="-1" autofocus>'
    assert page.count(error) == 1 and page.index(error) < page.index('name="ids"')
    group = re.search(r'<div class="table-wrap" role="group"[^>]*>', page)
    assert group is not None and 'aria-labelledby="queue-caption"' in group[0]
    assert 'aria-describedby="bulk-error"' in group[0]
    assert '<fieldset class="bulk-actions">' in page  # the actions were not what was wrong
    boxes = re.findall(r'<input type="checkbox" name="ids"[^>]*>', page)
    assert len(boxes) == 2 and {str(first), str(second)} <= {
        b for b in re.findall(r'value="(\d+)"', " ".join(boxes))
    }
    for box in boxes:
        assert 'aria-invalid="true"' in box and 'aria-describedby="bulk-error"' in box
    # The keyboard's place is the first box (the page opens there), not the page's top.
    assert ["autofocus" in box for box in boxes] == [True, False]


def test_a_rating_in_the_list_is_read_as_words_not_stars(client: FlaskClient) -> None:
    """The stars carried their words in an aria-label on a plain span, which screen
    readers skip: "black star, black star…" was read instead of "Rated 4 of 5"."""
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    done = post_request_form(client, ivan, request_id, "resolve", resolution="Replaced.")
    assert done.status_code == 303
    emma = sign_in_as(client, "emma")
    rated = post_request_form(client, emma, request_id, "rating", rating="4")
    assert rated.status_code == 303, text_of(rated)
    mine = text_of(client.get("/requests/"))
    shown = mine.split('<span class="rating-shown">', 1)[1].split("</span></span>", 1)[0]
    assert '<span aria-hidden="true">★★★★</span>' in shown
    assert '<span class="sr-only">Rated 4 of 5' in shown
