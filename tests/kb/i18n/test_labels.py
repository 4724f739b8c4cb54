"""Every member of every enum people see has its one label in every language,
and pages and e-mails say the same word."""

from __future__ import annotations

import re
from pathlib import Path

from kb.accounts.records import Role
from kb.i18n.catalog import Catalog, domain_catalog
from kb.i18n.labels import LABELLED, label, label_key, label_of, missing_labels
from kb.notify.mail import compose
from kb.notify.topics import Topic
from kb.requests.lifecycle import TRANSITIONS, RequestStatus
from kb.requests.records import Request, RequestEntry
from tests.conftest import ROOT


def test_every_member_of_every_labelled_enum_has_a_label_in_every_language() -> None:
    catalog = domain_catalog()
    assert set(catalog.languages) >= {"en", "de"}
    missing = missing_labels(catalog)
    assert not missing, "labels missing:\n" + "\n".join(missing)


def test_a_missing_label_is_named_with_where_to_add_it() -> None:
    messages = {lang: dict(texts) for lang, texts in domain_catalog().messages.items()}
    del messages["de"][label_key(RequestStatus.CLOSED)]
    assert missing_labels(Catalog(messages)) == [
        'RequestStatus.CLOSED in de: add msgid "status_closed" to kb/i18n/locales/de/labels.po'
    ]


def test_every_status_has_its_moves() -> None:
    lacking = [s.name for s in RequestStatus if s not in TRANSITIONS]
    assert not lacking, f"add the moves of {lacking} to TRANSITIONS in kb/requests/lifecycle.py"


def test_mails_name_the_status_with_its_label() -> None:
    for lang in domain_catalog().languages:
        for status in RequestStatus:
            request = Request(
                id=7, requester="emma", query="VPN drops", department="it", status=status
            )
            entry = RequestEntry(request_id=7, actor="ian", kind="status")
            subject, body = compose(
                Topic.STATUS_CHANGED, request, entry, audience="requester", lang=lang
            ) or ("", "")
            assert f": {label(status, lang)}\n" in body, (lang, status)
            assert label(status, lang) in subject


def test_pages_build_labels_only_through_label() -> None:
    """Templates get an enum's words from `label(kind, value)`, never by gluing a
    message key together, so a page cannot drift from the e-mails."""
    kinds = set(LABELLED.values())
    glued = [
        f"{path.relative_to(ROOT)}: _('{kind}_' ~"
        for path in sorted((ROOT / "webapp" / "templates").rglob("*.html"))
        for kind in kinds
        if f"_('{kind}_' ~" in path.read_text(encoding="utf-8")
    ]
    assert not glued, glued


def test_every_language_has_every_text() -> None:
    from webapp.i18n import LOCALES, web_catalog

    catalog = web_catalog()
    keys = {lang: set(texts) for lang, texts in catalog.messages.items()}
    for lang, found in keys.items():
        assert found == keys["en"], (
            f"{lang}: missing {sorted(keys['en'] - found)}, extra {sorted(found - keys['en'])} "
            f"(see {Path(LOCALES).name}/{lang}/ and kb/i18n/locales/{lang}/)"
        )


def test_german_texts_call_the_people_of_a_role_what_its_label_calls_them() -> None:
    """The German role labels are one form, nouns for people of any gender
    (as "Bearbeitende" for agents), and every German text that speaks of a
    role's people uses that label's word, not an older job title beside it."""
    from webapp.i18n import web_catalog

    assert [label(role, "de") for role in Role] == [
        "Beschäftigte",
        "Bearbeitende",
        "Inhaltsverantwortliche",
        "Auswertende",
        "Administrierende",
    ]
    titles = re.compile(r"\b(?:Redakteur|Analyst|Administrator)\w*")
    found = [
        f"{key}: {match.group(0)}"
        for key, text in web_catalog().messages["de"].items()
        if (match := titles.search(str(text)))
    ]
    assert not found, found


def test_german_audience_groups_of_a_role_take_its_label() -> None:
    """An audience's role is named in a sentence ("only agents may open") by a
    wording of its own; in German the label already fits there, and the two stay one word."""
    for role in Role:
        assert label_of("audience_role", role.value, "de") == label(role, "de"), role
    assert label_of("audience_role", "content_owner", "en") == "content owners"
