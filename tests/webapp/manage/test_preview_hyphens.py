"""The editor's preview marks where a German heading's long words may break with
soft hyphens, as the article page does (`kb.i18n.hyphenation`): what the
preview shows is what the page will show, on a phone's browser too."""

from __future__ import annotations

from flask.testing import FlaskClient

from kb.i18n.hyphenation import SOFT_HYPHEN
from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_link_warnings import form
from tests.webapp.manage.test_opening_preview import preview_of
from tests.webapp.manage.test_preview_renders import preview

BODY = "## Arbeitsunfähigkeitsbescheinigung\n\nDie Arbeitsunfähigkeitsbescheinigung gilt ab dem ersten Tag."


def test_german_headings_of_the_preview_may_break_between_syllables(
    client: FlaskClient,
) -> None:
    token = sign_in_as(client, "cora")
    for lang in ("de", ""):  # the field, or the language the text is in
        html = preview(client, token, body=BODY, lang=lang)["html"]
        heading = html.split("</h2>", 1)[0]
        assert "Arbeits" + SOFT_HYPHEN in heading, html
        assert SOFT_HYPHEN not in html.split("</h2>", 1)[1]  # the text as written
    english = preview(client, token, body="## Internationalisation\n\nText.", lang="en")["html"]
    assert SOFT_HYPHEN not in english


def test_the_preview_the_editor_opens_with_is_hyphenated_too(client: FlaskClient) -> None:
    token = sign_in_as(client, "cora")
    saved = client.post("/manage/edit/it/vpn-setup.md", data={**form(token, BODY), "lang": "de"})
    assert saved.status_code == 303
    shown = preview_of(text_of(client.get(saved.headers["Location"])))
    assert "Arbeits" + SOFT_HYPHEN in shown.split("</h2>", 1)[0], shown
