"""Mails to an address without an account (a department's queue) are written
in the site's language, the setting `default_language`; so is the requester's
mail about a question in a language no mail is written in."""

from __future__ import annotations

from kb.notify.config import NotifyConfig
from kb.notify.notifier import Notifier
from kb.notify.topics import Topic
from kb.requests.records import Request, RequestEntry
from kb.requests.service import RequestService
from kb.settings import Settings
from kb.store.protocols import Store
from tests.support import DEPARTMENTS

QUEUES = {"it": "it@example.org"}


def _languages(site: str, question_language: str) -> dict[str, str]:
    """Target → the language of its mail, for a new request of emma's to IT."""
    config = NotifyConfig(
        queue_addresses=QUEUES,
        mail_enabled=True,
        mail_domain="example.org",
        default_language=site,
    )
    notifier = Notifier(config, language_of=lambda _text: question_language)
    request = Request(requester="emma", query="VPN", department="it", id=7)
    entry = RequestEntry(request_id=7, actor="emma", kind="created")
    messages = notifier.messages(Topic.CREATED, request, entry)
    return {m.target: m.payload["lang"] for m in messages}


def test_a_queue_is_mailed_in_the_sites_language() -> None:
    assert _languages("de", "en") == {
        "email:emma@example.org": "en",
        "email:it@example.org": "de",
    }
    assert _languages("en", "de")["email:it@example.org"] == "en"


def test_a_question_in_a_language_no_mail_is_written_in_gets_the_sites() -> None:
    assert _languages("de", "fr")["email:emma@example.org"] == "de"
    assert _languages("en", "fr")["email:emma@example.org"] == "en"


def test_the_setting_reaches_the_notification_config() -> None:
    settings = Settings.load({"default_language": "DE", "smtp_host": "mail"}, environ={})
    assert settings.default_language == "de"
    assert NotifyConfig.from_settings(settings, {}).default_language == "de"
    assert NotifyConfig.from_settings(Settings.load({}, environ={}), {}).default_language == "en"


def test_a_question_too_short_to_tell_gets_the_sites_language() -> None:
    """ "ok" or "4711" says no language: the site's, not the detector's English."""
    config = NotifyConfig(default_language="de")
    notifier = Notifier(config, language_of=lambda _text: "en")
    for query in ("ok", "4711", "?!"):
        assert (
            notifier.requester_language(Request(requester="emma", query=query, department="it"))
            == "de"
        )
    assert (
        notifier.requester_language(Request(requester="emma", query="VPN down", department="it"))
        == "en"
    )


def test_a_few_words_without_a_languages_own_words_get_the_sites_language() -> None:
    """ "VPN down" shows no language's words: the detector is unsure, and the
    mail takes the site's language, not the detector's English."""
    request = Request(requester="emma", query="VPN down", department="it")
    assert Notifier(NotifyConfig(default_language="de")).requester_language(request) == "de"
    assert Notifier(NotifyConfig(default_language="en")).requester_language(request) == "en"
    asked = Request(requester="emma", query="How do I reset my VPN password?", department="it")
    assert Notifier(NotifyConfig(default_language="de")).requester_language(asked) == "en"
    german = Request(requester="emma", query="Wie setze ich mein Passwort zurück?", department="it")
    assert Notifier(NotifyConfig(default_language="en")).requester_language(german) == "de"


def test_the_request_services_own_notifier_mails_such_a_question_in_the_sites_language(
    store: Store,
) -> None:
    """A service built without a notifier hands its notifier the same rule."""
    service = RequestService(store, departments=DEPARTMENTS)
    service.notifier.config = NotifyConfig(default_language="de")
    request = Request(requester="emma", query="VPN down", department="it")
    assert service.notifier.requester_language(request) == "de"
