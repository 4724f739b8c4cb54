"""Every form that posts to the pages says what a person types into it, so a form
sent after its session ended shows each typed value under its visible label and
nothing else (see `webapp.auth.typed_fields`)."""

from __future__ import annotations

from flask import Flask

from webapp.auth.typed_fields import (
    CATALOGUE_FORM,
    NOTHING_TYPED,
    TYPED_FIELDS,
    label_by_choice,
    set_by_page,
    typed_fields,
)
from webapp.i18n import translate, web_catalog


def form_endpoints(app: Flask) -> set[str]:
    """The endpoints of the pages (not the JSON API) that take a POST."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.rule.startswith("/api/")
    }


def test_every_form_endpoint_says_what_is_typed_into_it(app: Flask) -> None:
    listed = set(TYPED_FIELDS) | NOTHING_TYPED | {CATALOGUE_FORM}
    assert form_endpoints(app) - listed == set(), "add the form to webapp/auth/typed_fields.py"
    assert listed - form_endpoints(app) == set(), "a listed form no longer exists"


def test_every_label_is_a_message_in_english_and_german(app: Flask) -> None:
    for fields in TYPED_FIELDS.values():
        for _, key in fields:
            assert web_catalog().has("en", key) and web_catalog().has("de", key), key


def test_labels_come_in_the_readers_language(app: Flask) -> None:
    assert typed_fields("requests.comment", "de") == [("text", "Ihre Antwort")]
    assert typed_fields("requests.assign", "en") == []
    assert typed_fields(None, "en") == []


def test_a_ticked_internal_note_changes_the_reply_boxs_label(app: Flask) -> None:
    internal = {"internal": "1"}
    assert label_by_choice("requests.comment", "text", internal, "de") == "Interne Notiz"
    assert label_by_choice("requests.comment", "text", {}, "en") is None
    assert label_by_choice("requests.rate", "comment", internal, "en") is None


def test_the_reopen_buttons_own_note_is_not_shown_as_typed(app: Flask) -> None:
    for lang in ("en", "de"):
        assert set_by_page("requests.status", "note", translate(lang, "reopened_note"))
    assert not set_by_page("requests.status", "note", "Fixed by the update")
    assert not set_by_page("requests.merge", "note", translate("en", "reopened_note"))
