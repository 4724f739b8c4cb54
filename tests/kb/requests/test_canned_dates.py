"""A canned reply writes a date field as the request's language writes dates:
the reply is saved text the requester reads, not a stored `YYYY-MM-DD`."""

from __future__ import annotations

import pytest

from kb.catalogue.replies import CannedReply
from kb.catalogue.types import Catalogue
from kb.requests.service import RequestService
from kb.requests.workflows import WorkflowCatalog
from kb.store.protocols import Store
from tests.kb.requests.test_forms import LAPTOP
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT, Clock, guess_language

# A reply in both languages, using a date field of the laptop form.
WORDING = {
    "en": "The {model} laptop for {for_whom} is ready by {needed_by} ({id}).",
    "de": "Der Laptop für {for_whom} ist zum {needed_by} bereit ({id}).",
}
READY = CannedReply("ready", "it", {"en": "Laptop ready"}, WORDING)


@pytest.fixture
def forms(
    service: RequestService, store: Store, clock: Clock, workflows: WorkflowCatalog
) -> RequestService:
    return RequestService(
        store,
        departments=DEPARTMENTS,
        workflows=workflows,
        catalogue=Catalogue({"laptop": LAPTOP}, {"it": ("laptop",)}, {"it": (READY,)}),
        notifier=service.notifier,
        language_of=guess_language,
        clock=clock,
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("I need a laptop for the new colleague", "The Developer laptop for Jana Fischer is "
         "ready by 4 January 2099 ({id})."),
        ("Wie bekomme ich einen Laptop für die neue Kollegin?", "Der Laptop für Jana Fischer "
         "ist zum 4. Januar 2099 bereit ({id})."),
    ],
)  # fmt: skip
def test_a_date_field_is_worded_in_the_requests_language(
    forms: RequestService, question: str, expected: str
) -> None:
    fields = {"for_whom": "Jana Fischer", "model": "dev", "needed_by": "2099-01-04"}
    request = forms.submit(EMPLOYEE, question, request_type="laptop", fields=fields)
    assert request.id is not None
    # The agent's page language does not choose the reply's: the requester reads it.
    [filled] = forms.canned_replies(IT_AGENT, request.id, ui_lang="en")
    assert filled.text == expected.format(id=request.id)


def test_an_empty_date_field_leaves_a_gap_and_the_stored_date_stays_iso(
    forms: RequestService, store: Store
) -> None:
    question = "I need a laptop for the new colleague"
    fields = {"for_whom": "Jana Fischer", "model": "dev"}
    dated = forms.submit(EMPLOYEE, question, request_type="laptop",
                         fields={**fields, "needed_by": "2099-01-04"})  # fmt: skip
    empty = forms.submit(EMPLOYEE, question, request_type="laptop", fields=fields)
    assert dated.id is not None and empty.id is not None
    [filled] = forms.canned_replies(IT_AGENT, empty.id)
    assert "ready by  (" in filled.text
    forms.canned_replies(IT_AGENT, dated.id)
    stored = store.get_request(dated.id)
    assert stored is not None and stored.fields["needed_by"] == "2099-01-04"


# A reply quoting the request's title, in both languages.
ABOUT = CannedReply(
    "about", "it", {"en": "About"},
    {"en": "About “{title}”: on it.", "de": "Zu „{title}“: wir sind dran."},
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Onboarding Jana Fischer, starts 2099-01-04",
         "About “Onboarding Jana Fischer, starts 4 January 2099”: on it."),
        ("Einarbeitung für Jana Fischer, Beginn 2099-01-04",
         "Zu „Einarbeitung für Jana Fischer, Beginn 4. Januar 2099“: wir sind dran."),
    ],
)  # fmt: skip
def test_the_titles_dates_are_worded_as_its_page_shows_them(
    service: RequestService,
    store: Store,
    clock: Clock,
    workflows: WorkflowCatalog,
    question: str,
    expected: str,
) -> None:
    """`{title}` is the title as the request's language shows it (an onboarding's
    start date worded), not its stored `YYYY-MM-DD`."""
    replies = RequestService(
        store,
        departments=DEPARTMENTS,
        workflows=workflows,
        catalogue=Catalogue({}, {}, {"it": (ABOUT,)}),
        notifier=service.notifier,
        language_of=guess_language,
        clock=clock,
    )
    request = replies.submit(EMPLOYEE, question, department="it")
    assert request.id is not None
    [filled] = replies.canned_replies(IT_AGENT, request.id, ui_lang="en")
    assert filled.text == expected
    stored = store.get_request(request.id)
    assert stored is not None and stored.query == question  # stored as typed
