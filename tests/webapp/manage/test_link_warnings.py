"""The editor warns of links that name no article, on save and in the preview,
as content health reports them; the save itself goes through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.insights.listed_findings import MAX_LISTED_FINDINGS
from tests.support import sign_in_as, text_of
from tests.webapp.test_api import fields_of
from webapp.openapi.document import openapi_document

BODY = "Ask for [leave](../hr/annual-leave) or read [VPN](vpn-setup.md) and [docs](https://example.com/x)."


def form(token: str, body: str) -> dict[str, Any]:
    return {
        "csrf_token": token,
        "title": "VPN setup",
        "summary": "How to connect from home.",
        "tags": "vpn",
        "audience": "everyone",
        "lang": "en",
        "review_by": "2027-01-10",
        "owner": "it-content@example.com",
        "related": "",
        "body": body,
        "action": "publish",
        "version": "1",
    }


@pytest.mark.parametrize(
    ("lang", "warning"),
    [
        ("en", "Shown as text, not as a link, on the article&#39;s page: ../hr/annual-leave."),
        ("de", "Auf der Seite des Artikels als Text gezeigt, nicht als Link: ../hr/annual-leave."),
    ],
)
def test_a_save_with_a_link_that_names_no_article_is_saved_and_warned_of(
    client: FlaskClient, content: Path, lang: str, warning: str
) -> None:
    """The page showed the link's text only, and the editor said nothing."""
    token = sign_in_as(client, "cora")
    saved = client.post(f"/manage/edit/it/vpn-setup.md?hl={lang}", data=form(token, BODY))
    assert saved.status_code == 303  # a warning, not a refusal
    assert "../hr/annual-leave" in (content / "it" / "vpn-setup.md").read_text()
    editor = text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}"))
    assert f'<p class="field-warning" id="e-body-links">{warning}' in editor
    assert 'aria-describedby="e-body-links"' in editor
    assert "vpn-setup.md," not in editor.split('id="e-body-links"', 1)[1].split("</p>", 1)[0]


def test_a_text_whose_links_name_articles_is_not_warned_of(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    editor = text_of(client.get("/manage/edit/it/vpn-setup.md"))
    assert 'id="e-body-links"' not in editor


@pytest.mark.parametrize(
    ("lang", "warning"),
    [
        ("en", "Shown as text, not as a link, on the article's page: ../hr/annual-leave, x.pdf."),
        (
            "de",
            "Auf der Seite des Artikels als Text gezeigt, nicht als Link: ../hr/annual-leave, x.pdf.",
        ),
    ],
)
def test_the_preview_warns_of_links_that_name_no_article(
    client: FlaskClient, lang: str, warning: str
) -> None:
    token = sign_in_as(client, "cora")

    def preview(body: str) -> dict[str, Any]:
        response = client.post(
            f"/api/preview?hl={lang}",
            json={"body": body, "id": "it/x.md"},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return dict(response.get_json())

    answer = preview(BODY + " [form](x.pdf)")
    assert answer["link_warning"].startswith(warning)
    described = openapi_document(client.application)["paths"]["/api/preview"]["post"]
    schema = described["responses"]["200"]["content"]["application/json"]["schema"]
    assert fields_of(answer) <= fields_of(schema["properties"], schema=True)
    assert preview("Read [VPN](vpn-setup.md#top).")["link_warning"] == ""


@pytest.mark.parametrize(
    ("lang", "more"),
    [
        ("en", "file-0019.pdf and 1,180 more. These links"),
        ("de", "file-0019.pdf und 1.180 weitere."),
    ],
)
def test_a_text_with_a_thousand_dead_links_names_twenty_and_counts_the_rest(
    client: FlaskClient, lang: str, more: str
) -> None:
    """One text with thousands of links that name no article made the warning
    name each of them, on every preview and every opening of the editor."""
    token = sign_in_as(client, "cora")
    body = " ".join(f"[f](file-{i:04}.pdf)" for i in range(1200))
    response = client.post(
        f"/api/preview?hl={lang}",
        json={"body": body, "id": "it/x.md"},
        headers={"X-CSRF-Token": token},
    )
    warning = response.get_json()["link_warning"]
    assert more in warning
    assert warning.count(".pdf") == MAX_LISTED_FINDINGS
    assert "file-0020.pdf" not in warning  # the first twenty, sorted as before
