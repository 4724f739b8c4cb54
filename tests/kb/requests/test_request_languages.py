"""A request's form values, tasks, canned replies and draft are written in the
question's language; a question that tells none in the requester's own
language, else the site's (`kb.requests.request_languages`)."""

from __future__ import annotations

from kb.accounts.records import User
from kb.catalogue.types import Catalogue
from kb.notify.config import NotifyConfig
from kb.notify.notifier import Notifier
from kb.requests.request_languages import RequestLanguages
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.requests.test_forms import LAPTOP
from tests.support import DEPARTMENTS, EMPLOYEE, Clock

FIELDS = {"for_whom": "Jana Fischer", "model": "dev"}


def _rule(told: str, own: str = "", site: str = "de") -> str:
    emma = User(username="emma", language=own)
    notifier = Notifier(NotifyConfig(default_language=site))
    rule = RequestLanguages(lambda _t: told, {"emma": emma}.get, notifier)
    return rule.of("VPN down", "emma")


def test_the_question_tells_its_language_else_the_requester_else_the_site() -> None:
    assert _rule("en", own="de", site="de") == "en"
    assert _rule("fr") == "fr"  # the question's language, though no page speaks it
    assert _rule("", own="en", site="de") == "en"
    assert _rule("", own="", site="de") == "de"
    assert _rule("", own="xx", site="de") == "de"  # no language the product writes
    rule = RequestLanguages(lambda _t: "en", {}.get, Notifier(NotifyConfig(default_language="de")))
    assert rule.of("ok", "emma") == "de"  # too short for any reading


def test_a_form_sent_without_words_is_worded_in_the_requesters_or_the_sites_language(
    store: Store, clock: Clock
) -> None:
    """No question, no `lang`: the form's values and the request's title were
    English, the detector's default, on a German site."""
    service = RequestService(
        store,
        departments=DEPARTMENTS,
        catalogue=Catalogue({"laptop": LAPTOP}, {"it": ("laptop",)}),
        notifier=Notifier(NotifyConfig(default_language="de"), clock=clock),
        clock=clock,
    )
    request = service.submit(EMPLOYEE, "", request_type="laptop", fields=FIELDS)
    assert request.query == "Laptop für Jana Fischer"
    store.add_user(EMPLOYEE)
    store.set_language(EMPLOYEE.username, "en")
    request = service.submit(EMPLOYEE, "", request_type="laptop", fields=FIELDS)
    assert request.query == "Laptop for Jana Fischer"
    assert service.languages.of("VPN down", EMPLOYEE.username) == "en"
    assert service.languages.of("Wie setze ich mein Passwort zurück?", EMPLOYEE.username) == "de"
