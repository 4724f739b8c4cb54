"""Requests filed from the service catalogue: the form's values checked, stored,
in the title, in task titles and in webhooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.catalogue.fields import Choice, FieldSpec, FieldType
from kb.catalogue.loading import value_stream_type
from kb.catalogue.problems import FieldErrors
from kb.catalogue.replies import CannedReply
from kb.catalogue.types import Catalogue, RequestType
from kb.content.markdown_article import parse_article
from kb.errors import NotFoundError, ValidationError
from kb.requests.serialize import request_dict
from kb.requests.service import RequestService
from kb.requests.workflows import WorkflowCatalog
from kb.store.protocols import Store
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import DEPARTMENTS, EMPLOYEE, HR_AGENT, IT_AGENT, Clock, guess_language

LAPTOP = RequestType(
    id="laptop",
    department="it",
    title={"en": "New laptop", "de": "Neuer Laptop"},
    summary={"en": "Laptop for {for_whom}", "de": "Laptop für {for_whom}"},
    fields=(
        FieldSpec("for_whom", FieldType.PERSON, {"en": "For whom", "de": "Für wen"}, True),
        FieldSpec(
            "model",
            FieldType.CHOICE,
            {"en": "Model", "de": "Modell"},
            True,
            choices=(Choice("standard", {"en": "Standard"}), Choice("dev", {"en": "Developer"})),
        ),
        FieldSpec("needed_by", FieldType.DATE, {"en": "Needed by"}, not_before_today=True),
    ),
)


@pytest.fixture
def forms(
    service: RequestService, store: Store, clock: Clock, workflows: WorkflowCatalog
) -> RequestService:
    types = {w.name: value_stream_type(w) for w in workflows.workflows.values()}
    reply = CannedReply(
        id="ordered",
        department="it",
        title={"en": "Laptop ordered", "de": "Laptop bestellt"},
        text={"en": "Hello {requester}, the {model} laptop for {for_whom} is ordered.",
              "de": "Hallo {requester}, der Laptop für {for_whom} ist bestellt."},
    )  # fmt: skip
    delivered = CannedReply(
        id="delivered",
        department="it",
        title={"en": "Laptop delivered"},
        text={"en": "Hello {requester}, the laptop is at {needed_by}'s desk ({asset_tag})."},
    )
    replies = {"it": (reply, delivered)}
    catalogue = Catalogue({**types, "laptop": LAPTOP}, {"it": ("laptop",)}, replies)
    return RequestService(
        store,
        departments=DEPARTMENTS,
        workflows=workflows,
        catalogue=catalogue,
        notifier=service.notifier,
        language_of=guess_language,
        clock=clock,
    )


def test_a_form_is_checked_stored_and_titles_the_request(
    forms: RequestService, store: Store
) -> None:
    fields = {"for_whom": "Jana Fischer", "model": "dev", "needed_by": "2026-07-01"}
    request = forms.submit(EMPLOYEE, "", request_type="laptop", fields=fields, lang="de")
    assert (request.department, request.request_type, request.query) == (
        "it", "laptop", "Laptop für Jana Fischer")  # fmt: skip
    assert store.get_request(request.id).fields == fields  # type: ignore[arg-type]
    as_json = request_dict(request)
    assert (as_json["type"], as_json["fields"]) == ("laptop", fields)
    # The IT webhook hears about it with the form's values.
    [hook] = [m for m in store.due_messages(forms.clock()) if m.target.startswith("http")]
    assert hook.payload["request"]["fields"] == fields
    assert hook.payload["request"]["type"] == "laptop"


def test_every_problem_of_a_form_is_named_and_nothing_is_stored(
    forms: RequestService, store: Store
) -> None:
    with pytest.raises(FieldErrors) as caught:
        forms.submit(
            EMPLOYEE, "", request_type="laptop",
            fields={"model": "gold", "needed_by": "2020-01-01"},
        )  # fmt: skip
    assert set(caught.value.details["fields"]) == {"for_whom", "model", "needed_by"}
    assert store.list_requests() == []
    with pytest.raises(ValidationError, match="unknown request type 'tablet'"):
        forms.submit(EMPLOYEE, "", request_type="tablet", fields={})
    with pytest.raises(ValidationError, match="send the request type"):
        forms.submit(EMPLOYEE, "Laptop", fields={"for_whom": "Jana"})
    with pytest.raises(ValidationError, match="not the value stream of the type 'laptop'"):
        forms.submit(EMPLOYEE, "", request_type="laptop", workflow="onboarding")


def test_a_value_stream_type_gets_its_tasks_at_once_with_the_form_in_their_titles(
    forms: RequestService, store: Store
) -> None:
    request = forms.submit(EMPLOYEE, "", request_type="onboarding", fields=ONBOARDING, lang="en")
    assert request.query == "Onboarding Jana Fischer, starts 2026-07-01"
    assert (request.workflow, request.department) == ("onboarding", "hr")
    titles = {t.department: t.title for t in store.tasks(request.id)}  # type: ignore[arg-type]
    assert titles["it"] == "Laptop for Jana Fischer, starts 2026-07-01"
    assert titles["facilities"].endswith("for Jana Fischer, starts 2026-07-01")
    # A value stream's form is required however it is asked for.
    with pytest.raises(FieldErrors, match="Name of the new hire: please fill this in"):
        forms.submit(EMPLOYEE, "New hire", workflow="onboarding")


def test_resubmitting_a_form_with_its_key_files_it_once(forms: RequestService) -> None:
    fields = {"for_whom": "Jana Fischer", "model": "standard"}
    first = forms.submit(EMPLOYEE, "", request_type="laptop", fields=fields, idempotency_key="k1")
    again = forms.submit(EMPLOYEE, "", request_type="laptop", fields=fields, idempotency_key="k1")
    assert first.id == again.id


def test_canned_replies_are_filled_in_for_the_request_and_its_agents_only(
    forms: RequestService,
) -> None:
    fields = {"for_whom": "Jana Fischer", "model": "dev"}
    request = forms.submit(EMPLOYEE, "", request_type="laptop", fields=fields, lang="en")
    assert request.id is not None
    [filled] = forms.canned_replies(IT_AGENT, request.id, ui_lang="de")
    assert filled.title == "Laptop bestellt"
    # The request's language; choices as people read them. "Laptop delivered" uses
    # a name the request has no field for (`needed_by` is one, though empty): not offered.
    assert filled.text == "Hello emma, the Developer laptop for Jana Fischer is ordered."
    assert forms.canned_replies(EMPLOYEE, request.id) == []
    with pytest.raises(NotFoundError):
        forms.canned_replies(HR_AGENT, request.id)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_reply_still_holding_a_placeholder_is_refused_and_other_braces_pass(
    forms: RequestService, lang: str
) -> None:
    fields = {"for_whom": "Jana Fischer", "model": "dev"}
    request = forms.submit(EMPLOYEE, "", request_type="laptop", fields=fields, lang="en")
    assert request.id is not None
    half = "Hello emma, the laptop is at Jana's desk ({asset_tag})."
    with pytest.raises(ValidationError) as refused:
        forms.comment(IT_AGENT, request.id, half)
    assert refused.value.details == {"field": "text"}
    shown = refused.value.message_in(lang)
    assert "{asset_tag}" in shown
    assert ("Platzhalter" if lang == "de" else "placeholder") in shown
    with pytest.raises(ValidationError):
        forms.attach(IT_AGENT, request.id, [], half)
    assert not [e for e in forms.store.entries(request.id) if e.kind == "comment"]
    # Braces that are no canned reply's placeholder, an internal note, the
    # requester's own text: sent as typed.
    forms.comment(IT_AGENT, request.id, 'Run {x} and set {"a": 1}, see {Model}.')
    forms.comment(IT_AGENT, request.id, half, visible_to_requester=False)
    forms.comment(EMPLOYEE, request.id, "My tag is {asset_tag}?")
    assert len([e for e in forms.store.entries(request.id) if e.kind == "comment"]) == 3


def test_a_form_request_drafts_an_article_titled_by_the_question_its_requester_asked(
    forms: RequestService, tmp_path: Path
) -> None:
    """The form's title names whom it was for ("Laptop for Jana Fischer"); with the
    name left out it says nothing ("Laptop"). The question the requester wrote
    with it is what an article answers, so the draft is titled by that."""
    (tmp_path / "it").mkdir()
    fields = {"for_whom": "Jana Fischer", "model": "standard"}
    details = "How do I get a laptop ready for a new colleague? She starts on Monday."
    request = forms.submit(EMPLOYEE, "", details, request_type="laptop", fields=fields)
    assert request.id is not None
    answer = "Order it two weeks ahead; IT installs the standard image and brings it on day one."
    forms.resolve(IT_AGENT, request.id, answer)
    path = forms.draft_article(IT_AGENT, request.id, tmp_path)
    assert path.name == "how-to-get-a-laptop-ready-for-a-new-colleague.md"
    article, _ = parse_article(path.read_bytes(), f"it/{path.name}")
    assert article.title == "How to get a laptop ready for a new colleague"
    assert "Jana" not in path.read_text(encoding="utf-8")
    # Without a question of the requester's, the form's title it is, as before.
    plain = forms.submit(EMPLOYEE, "", "", request_type="laptop", fields=fields)
    assert plain.id is not None
    forms.resolve(IT_AGENT, plain.id, answer)
    # The name left out, its preposition goes too: "Laptop", not "Laptop for".
    assert forms.draft_article(IT_AGENT, plain.id, tmp_path).name == "laptop.md"
