"""The ask form: only for signed-in people, keeping the question through sign-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.errors import IndexNotFoundError
from kb.results import Query, SearchResponse
from kb.settings import Settings
from tests.support import FakeEngine, sign_in_as, text_of
from webapp import create_app
from webapp.services import services


def test_ask_needs_sign_in_and_keeps_the_question(client: FlaskClient) -> None:
    # The ask form itself is tested in test_requests_pages.py.
    response = client.get("/ask/?q=Where+is+my+payslip%3F&department=hr")
    assert response.status_code == 303
    assert response.headers["Location"] == (
        "/auth/sign-in?next=/ask/?q%3DWhere%2Bis%2Bmy%2Bpayslip%253F%26department%3Dhr"
    )


@pytest.mark.parametrize(
    ("written", "settings_changed", "shown"),
    [
        ("hr@example.com?bcc=drop@attacker.example", {}, False),
        ("drop@attacker.example, hr@example.com", {}, False),
        ("help@attacker.example", {"mail_domain": "example.com"}, False),
        ("help@attacker.example", {"queue_mail_domains": "example.com"}, False),
        ("hr@example.com", {"mail_domain": "example.com"}, True),
        ("hr@example.com", {}, True),
    ],
)
def test_the_ask_page_mails_only_one_address_of_the_organisation(
    make_app: Callable[..., Flask],
    request_content: Path,
    written: str,
    settings_changed: dict[str, str],
    shown: bool,
) -> None:
    """The ask page links a department's `contact.email` as `mailto:`, and the
    department file is the content owners': a `?bcc=` or a list added
    recipients to what employees wrote to the department, and an address
    outside the domains the operator allows for queue mail sent it out of the
    organisation. Only one plain address is linked, and where mail domains are
    set only one at them (the queue mail's own rule)."""
    (request_content / "hr" / "_department.yml").write_text(
        f'name: Human Resources\ncontact:\n  email: "{written}"\n  phone: "+49 40 1"\n',
        encoding="utf-8",
    )
    app = make_app(**settings_changed)
    add_user(services(app).store, "emma", "employee")
    client = app.test_client()
    sign_in_as(client, "emma")
    page = text_of(client.get("/ask/?q=payslip&department=hr"))
    assert "tel:+49401" in page  # the other contact details are shown either way
    assert ("mailto:" in page) is shown
    if not shown:
        assert "attacker" not in page


def test_the_contact_of_every_department_is_in_the_page_the_chosen_one_shown(
    make_app: Callable[..., Flask], request_content: Path
) -> None:
    """The "Urgent? Contact …" hint follows the department select (kb.js shows the
    block of the department chosen), so the page holds each department's
    contact details; without a script the chosen department's alone are shown."""
    (request_content / "it" / "_department.yml").write_text(
        'name: IT Service Desk\ncontact:\n  phone: "+49 40 2"\n', encoding="utf-8"
    )
    app = make_app()
    add_user(services(app).store, "emma", "employee")
    client = app.test_client()
    sign_in_as(client, "emma")
    page = text_of(client.get("/ask/?q=payslip&department=hr&confidence=0.9"))
    assert '<details class="contact-details" data-contact-for="hr">' in page
    assert '<details class="contact-details" data-contact-for="it" hidden>' in page
    assert "mailto:hr@example.com" in page and "tel:+49402" in page
    assert "Urgent? Contact IT Service Desk" in page
    assert 'data-contact-for="triage"' not in page  # no contact details: no block
    page = text_of(client.get("/ask/?q=payslip&department=it&confidence=0.9"))
    assert '<details class="contact-details" data-contact-for="it">' in page
    assert '<details class="contact-details" data-contact-for="hr" hidden>' in page


def test_the_hint_says_why_the_department_was_preselected(
    make_app: Callable[..., Flask], request_content: Path
) -> None:
    """Opened without a question (from the menu, the home page), the form
    preselects the central service desk; its hint said "We chose the
    department from your question", which nobody had."""
    app = make_app()
    add_user(services(app).store, "emma", "employee")
    client = app.test_client()
    sign_in_as(client, "emma")
    bare = text_of(client.get("/ask/"))
    assert "No department was suggested for your question" in bare
    assert "We chose the department from your question" not in bare
    suggested = text_of(client.get("/ask/?q=Payslip+missing&department=hr&confidence=0.9"))
    assert "We chose the department from your question" in suggested
    unsure = text_of(client.get("/ask/?q=Payslip+missing&department=hr&confidence=0.1"))
    assert "We are not sure whether Human Resources owns this" in unsure


def test_a_question_without_a_department_is_routed_as_its_search(
    make_app: Callable[..., Flask], request_content: Path, engine: FakeEngine
) -> None:
    """A link with the question alone (a bookmark, a link in an e-mail) opened
    the form with no department suggested, so the request went to triage where
    the search of the same words routed it with confidence. The question is
    routed as its search would be, as the asker, and that search is not logged:
    the person did not make it."""
    app = make_app()
    store = services(app).store
    add_user(store, "emma", "employee")
    client = app.test_client()
    sign_in_as(client, "emma")
    page = text_of(client.get("/ask/?q=Payslip+missing"))
    assert engine.queries[-1].text == "Payslip missing"
    assert engine.queries[-1].groups is not None  # only what emma may read votes
    assert "We chose the department from your question" in page
    assert re.search(r'<option value="hr"[^>]* selected>', page)
    assert '<input type="hidden" name="suggested" value="hr">' in page
    assert '<input type="hidden" name="confidence" value="0.800">' in page
    assert store.search_events() == []
    # A department the link names is kept: its search already routed it.
    asked = len(engine.queries)
    page = text_of(client.get("/ask/?q=Payslip+missing&department=it&confidence=0.9"))
    assert len(engine.queries) == asked
    assert re.search(r'<option value="it"[^>]* selected>', page)


def test_the_form_opens_without_a_suggestion_when_nothing_can_be_searched(
    make_app: Callable[..., Flask],
    request_content: Path,
    engine: FakeEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Asking needs no search: with no index published (or the engine busy, or
    the search limit reached) the form opens as it did, for the triage queue."""

    def no_index(query: Query) -> SearchResponse:
        raise IndexNotFoundError("no index has been published yet")

    monkeypatch.setattr(engine, "search", no_index)
    app = make_app()
    add_user(services(app).store, "emma", "employee")
    client = app.test_client()
    sign_in_as(client, "emma")
    response = client.get("/ask/?q=Payslip+missing")
    assert response.status_code == 200
    page = text_of(response)
    assert "No department was suggested for your question" in page
    assert re.search(r'<option value="triage"[^>]* selected>', page)


@pytest.mark.slow
def test_a_german_question_alone_goes_to_the_department_its_search_finds(
    sample_index: Settings, embedder: Any, tmp_path: Path
) -> None:
    """`/ask/?hl=de&q=Wie beantrage ich Urlaub` suggested no department, so the
    request went to triage, while the search of the same words answers from the
    HR leave article and routes it to HR with confidence."""
    from search.engine import SearchEngine

    settings = sample_index.replace(
        database_url=f"sqlite:///{tmp_path / 'kb.db'}",
        secret_key="test-secret",
        index_on_change="off",
    )
    app = create_app(
        {
            "KB_SETTINGS": settings,
            "TESTING": True,
            "KB_ENGINE_FACTORY": lambda s: SearchEngine(s, embedder=embedder),
        }
    )
    try:
        add_user(services(app).store, "emma", "employee")
        client = app.test_client()
        sign_in_as(client, "emma")
        page = text_of(client.get("/ask/?hl=de&q=Wie+beantrage+ich+Urlaub"))
        assert re.search(r'<option value="hr"[^>]* selected>', page)
        assert '<input type="hidden" name="suggested" value="hr">' in page
    finally:
        services(app).close()
