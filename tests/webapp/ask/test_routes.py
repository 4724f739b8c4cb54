"""The ask form: only for signed-in people, keeping the question through sign-in."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_ask_needs_sign_in_and_keeps_the_question(client: FlaskClient) -> None:
    # The ask form itself is tested in test_requests_pages.py.
    response = client.get("/ask/?q=Where+is+my+payslip%3F&department=hr")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        "/auth/sign-in?next=/ask/?q%3DWhere%2Bis%2Bmy%2Bpayslip%253F%26department%3Dhr"
    )
