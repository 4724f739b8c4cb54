"""The rename page (and the other pages that ask again before a step: retire)
lays out its form as the editor does: the editor's form classes, each label
in the column of fields, above its field, never run into one line with it."""

from __future__ import annotations

import lxml.html
import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of


def labels_by_column(html: str, form_id: str = "") -> dict[str, str]:
    """Each visible label of the page's main form (by its `for`) and the class of
    the form's column that holds it ('' when none does)."""
    page = lxml.html.fromstring(html)
    forms = page.xpath(f'//form[@id="{form_id}"]' if form_id else "//main//form[@method='post']")
    form = forms[0]
    assert "editor-form" in form.get("class", "").split(), form.get("class")
    found = {}
    for label in form.iter("label"):
        if label.get("for") is None or label.xpath("ancestor::*[@hidden]"):
            continue
        column = label.getparent()
        found[label.get("for")] = column.get("class", "") if column is not form else ""
    return found


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_rename_page_lays_out_its_labels_as_the_editor_does(
    client: FlaskClient, lang: str
) -> None:
    sign_in_as(client, "cora")
    editor = labels_by_column(
        text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}")), "editor-form"
    )
    assert editor["e-title"] == "editor-fields"
    for path in ("move", "retire"):
        page = client.get(f"/manage/{path}/it/vpn-setup.md?hl={lang}")
        assert page.status_code == 200, path
        labels = labels_by_column(text_of(page))
        assert labels and set(labels.values()) == {editor["e-title"]}, (path, labels)
    assert set(labels_by_column(text_of(client.get("/manage/move/it/vpn-setup.md")))) == {
        "m-slug",
        "d-message",
    }
