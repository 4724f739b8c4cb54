"""Which fields of a posted form a person typed, and the label the form shows them under.

A form that is not applied because its session ended is shown back as text
(`webapp.auth.drafts`). The server only sees names and values, so each form
that posts to the app is listed here by its endpoint with its text fields, in
the form's order, each with the message key of its visible label. Everything
else a form posts (hidden fields, versions, idempotency keys, choices, tick
boxes, passwords and tokens) is never shown back, whatever it holds. A request
type's form lists its text and person fields from the catalogue, under their
labels in the reader's language; one whose type was taken out of the catalogue
since lists every field it sent, by its name.

`tests/webapp/auth/test_typed_fields.py` fails when a form endpoint is added
without saying here what a person types into it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping

from flask import request

from kb.catalogue.fields import FORM_OWN_NAMES, FieldType
from kb.errors import KbError
from webapp.i18n import LANGUAGES, translate
from webapp.services import request_service

logger = logging.getLogger(__name__)

# endpoint -> ((field name, label message key), ...): the fields a person types.
TYPED_FIELDS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "ask.submit": (("query", "ask_your_question"), ("description", "ask_description")),
    "articles.feedback": (("comment", "feedback_comment"),),
    "requests.comment": (("text", "reply_label"),),
    "requests.rate": (("comment", "rating_comment"),),
    "requests.resolve": (("resolution", "resolution_label"),),
    "requests.status": (("note", "status_note"),),
    "requests.reassign": (("reason", "reassign_reason"),),
    "requests.merge": (("into", "merge_into_label"), ("note", "status_note")),
    "requests.watch": (("username", "watch_add_label"),),
    "queue.bulk": (("note", "status_note"),),
    "manage.create": (
        ("title", "field_title"),
        ("slug", "field_slug"),
        ("summary", "field_summary"),
        ("tags", "field_tags"),
        ("audience", "field_audience"),
        ("owner", "field_owner"),
        ("related", "field_related"),
        ("body", "field_body"),
        ("message", "field_message"),
    ),
    # The conflict page's way on carries the refused text and its "What changed".
    "manage.reopen": (("yours", "conflict_yours"), ("message", "field_message")),
    # Its name field is hidden when a document is replaced: only the message counts.
    "manage_documents.upload": (("message", "field_message"),),
    "manage_document_history.review": (("message", "field_message"),),
    "manage.discard": (("message", "field_message"),),
    "manage.move": (("slug", "move_name"), ("message", "field_message")),
    "manage.document_delete": (("message", "field_message"),),
    "manage_pictures.upload": (("alt", "editor_picture_alt"), ("name", "editor_picture_name")),
    "accounts.grant": (("reason", "accounts_reason"),),
    "accounts.revoke": (("reason", "accounts_reason"),),
    "accounts.create": (
        ("username", "accounts_username"),
        ("display_name", "accounts_display_name"),
        ("reason", "accounts_reason"),
    ),
    "accounts.reset_password": (("reason", "accounts_reason"),),
}
TYPED_FIELDS = {**TYPED_FIELDS, "manage.save": TYPED_FIELDS["manage.create"]}

# Forms with nothing typed: buttons, choices, tick boxes and hidden fields only;
# the sign-in form's name is not kept (its page is the sign-in page again).
NOTHING_TYPED = frozenset(
    {
        "auth.sign_in_post",
        "auth.sign_out",
        "password.change_post",
        "requests.assign",
        "requests.assign_me",
        "requests.unwatch",
        "requests.leave",
        "requests.complete_task",
        "requests.take_task",
        "requests.release_task",
        "requests.hand_over_task",
        "requests.draft_article",
        "requests.append_to_article",
        "requests.publish_article",
        "manage.restore",
        "manage.set_status",
        "manage_document_history.restore",
        "insights.assign",
    }
)
# A text field that another form of the same endpoint fills in hidden: the
# requester's "Reopen" button sends this note; it is not shown back as typed.
SET_BY_PAGE: Mapping[tuple[str, str], str] = {("requests.status", "note"): "reopened_note"}
# A text field whose label follows a choice posted with it: the reply box of an
# agent who ticked "internal note" held an internal note, not a reply.
LABEL_BY_CHOICE: Mapping[tuple[str, str], tuple[str, str, str]] = {
    ("requests.comment", "text"): ("internal", "1", "internal_note"),
}
CATALOGUE_FORM = "catalogue.submit"
_CATALOGUE_TEXT = (FieldType.TEXT, FieldType.PERSON)


def _catalogue_fields(lang: str) -> Iterator[tuple[str, str]]:
    """(name, label) of the typed fields of the request type the form was for."""
    type_id = (request.view_args or {}).get("type_id", "")
    try:
        found = request_service().catalogue.types.get(type_id)
    except KbError:  # the catalogue cannot be read now: its details are still shown
        logger.warning("the typed fields of request type %r are unknown", type_id)
        found = None
    if found is not None:
        for spec in found.fields:
            if spec.type in _CATALOGUE_TEXT:
                yield spec.name, spec.label_in(lang)
    else:  # taken out of the catalogue since: every field sent, by its name
        sent = request.form.keys() if request.method == "POST" else ()
        yield from ((name, name) for name in sent if name not in FORM_OWN_NAMES)
    yield "description", translate(lang, "form_details")


def typed_fields(endpoint: str | None, lang: str) -> list[tuple[str, str]]:
    """(field name, visible label) of what a person types into the form of `endpoint`,
    in the form's order; empty for a form not listed (nothing is shown back)."""
    if endpoint == CATALOGUE_FORM:
        return list(_catalogue_fields(lang))
    return [(name, translate(lang, key)) for name, key in TYPED_FIELDS.get(endpoint or "", ())]


def label_by_choice(
    endpoint: str | None, name: str, form: Mapping[str, str], lang: str
) -> str | None:
    """The label field `name` had under the choice posted in `form`, if a choice
    changes it; None where the form's own label stands."""
    choice = LABEL_BY_CHOICE.get((endpoint or "", name))
    if choice is None or form.get(choice[0]) != choice[1]:
        return None
    return translate(lang, choice[2])


def set_by_page(endpoint: str | None, name: str, value: str) -> bool:
    """Whether `value` of field `name` is a text the page put in a hidden field."""
    key = SET_BY_PAGE.get((endpoint or "", name))
    if key is None:
        return False
    return value.strip() in {translate(lang, key) for lang in LANGUAGES}
