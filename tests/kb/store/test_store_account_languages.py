"""The language an account picked is kept on it (`User.language`) and mails to
it are written in it, whatever the language of the request's question; an
account that picked none is mailed in the question's language, as before.
On both stores."""

from __future__ import annotations

import pytest

from kb.accounts.service import add_user
from kb.errors import NotFoundError
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.notify.test_holder_mail import mails_during, onboarding
from tests.support import EMPLOYEE, IT_AGENT


def test_a_picked_language_is_kept_apart_from_other_changes(store: Store) -> None:
    carl = add_user(store, "carl", "agent", "it")
    assert carl.language == ""
    assert store.account_languages() == {}

    store.set_language("carl", "de")

    assert store.get_user("carl").language == "de"  # type: ignore[union-attr]
    assert store.account_languages() == {"carl": "de"}
    # A copy of the account read before the choice does not undo it.
    store.update_user(carl)
    assert store.account_languages() == {"carl": "de"}
    store.set_language("carl", "")
    assert store.account_languages() == {}


def test_a_language_is_kept_only_for_an_account_and_only_as_a_code(store: Store) -> None:
    add_user(store, "carl", "agent", "it")
    with pytest.raises(NotFoundError, match="nobody"):
        store.set_language("nobody", "de")
    with pytest.raises(ValueError, match="language"):
        store.set_language("carl", "Deutsch")
    assert store.account_languages() == {}


@pytest.mark.parametrize(
    ("question", "picked", "subject"),
    [
        ("New hire Jana", "de", "[Anfrage #{id}] Aufgabe 3 an Sie übergeben"),
        ("Neue Kollegin, die Jana", "en", "[Request #{id}] Task 3 handed over to you"),
    ],
)
def test_the_new_holder_of_a_task_is_mailed_in_the_language_they_picked(
    service: RequestService, store: Store, question: str, picked: str, subject: str
) -> None:
    request_id = onboarding(service, store, question)
    store.set_language("carl", picked)
    service.holders.take_task(IT_AGENT, request_id, 3)

    mails = mails_during(
        store, service, lambda: service.holders.hand_over_task(IT_AGENT, request_id, 3, "carl")
    )

    assert [m.target for m in mails] == ["email:carl@example.org"]
    assert mails[0].payload["subject"].startswith(subject.format(id=request_id))
    assert mails[0].payload["lang"] == picked


def test_each_recipient_of_a_change_is_mailed_in_their_own_language(
    service: RequestService, store: Store
) -> None:
    add_user(store, "ian", "agent", "it")
    add_user(store, "carl", "agent", "it")
    add_user(store, EMPLOYEE.username, "employee")
    made = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert made.id is not None
    service.watch(IT_AGENT, made.id, "carl")
    store.set_language(EMPLOYEE.username, "de")  # carl picked none: the question's

    mails = mails_during(
        store, service, lambda: service.comment(IT_AGENT, made.id, "Please restart the client.")
    )

    languages = {m.target: m.payload["lang"] for m in mails}
    assert languages == {
        "email:emma@example.org": "de",
        "email:carl@example.org": "en",
        "email:it@example.org": "en",  # a queue has no account: English, as before
    }
    subjects = {m.target: m.payload["subject"] for m in mails}
    assert subjects["email:emma@example.org"].startswith(f"[Anfrage #{made.id}]")
    assert subjects["email:carl@example.org"].startswith(f"[Request #{made.id}]")
